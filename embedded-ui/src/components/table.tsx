// A data table in its own horizontal scroller, so a wide table scrolls inside its card and never widens the page.
import type { ComponentChildren } from 'preact'

export function Table ({ children, label, testId, compact = false }: { children: ComponentChildren, label?: string, testId?: string, compact?: boolean }) {
  return (
    // tabIndex lets keyboard users scroll a table that overflows.
    <div class='table-wrap' tabIndex={0} role='region' aria-label={label}>
      <table class={compact ? 'table table--compact' : 'table'} data-testid={testId}>{children}</table>
    </div>
  )
}
