// Tabs (WAI-ARIA tablist): the selected tab is underlined in blue; arrow keys move between tabs.
import { t, type MessageKey } from '../i18n.ts'

export interface TabItem { key: string, label: string, testId?: string }

export function Tabs ({ tabs, selected, onSelect, label }: { tabs: TabItem[], selected: string, onSelect: (key: string) => void, label: MessageKey }) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const i = tabs.findIndex((x) => x.key === selected)
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!
    onSelect(next.key)
    const list = e.currentTarget as HTMLElement
    requestAnimationFrame(() => list.querySelector<HTMLButtonElement>('[aria-selected="true"]')?.focus())
  }
  return (
    <div class='tabs' role='tablist' aria-label={t(label)} onKeyDown={onKeyDown}>
      {tabs.map((x) => (
        <button
          key={x.key} type='button' role='tab' class='tab' aria-selected={x.key === selected}
          tabIndex={x.key === selected ? 0 : -1} data-testid={x.testId} onClick={() => onSelect(x.key)}
        >{x.label}
        </button>
      ))}
    </div>
  )
}
