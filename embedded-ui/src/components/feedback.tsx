// Small presentational pieces: Card, Badge, Banner, ProgressBar, EmptyState.
import type { ComponentChildren, JSX } from 'preact'

type Tone = 'info' | 'success' | 'warning' | 'critical' | 'attention'

export function Card ({ title, actions, children, testId, class: extra, ...rest }: { title?: ComponentChildren, actions?: ComponentChildren, children: ComponentChildren, testId?: string } & Omit<JSX.HTMLAttributes<HTMLElement>, 'title'>) {
  return (
    <section {...rest} class={extra ? `card ${String(extra)}` : 'card'} data-testid={testId}>
      {(title || actions) && (
        <div class='card__header'>
          {title && <h2 class='card__title'>{title}</h2>}
          {actions && <div class='inline'>{actions}</div>}
        </div>
      )}
      {children}
    </section>
  )
}

export function Badge ({ tone, children, title, testId }: { tone?: Tone, children: ComponentChildren, title?: string, testId?: string }) {
  return <span class={tone ? `badge badge--${tone}` : 'badge'} title={title} data-testid={testId}>{children}</span>
}

/** An inline message; critical and warning ones are announced (role=alert), others politely (role=status). */
export function Banner ({ tone = 'info', children, testId }: { tone?: Exclude<Tone, 'attention'>, children: ComponentChildren, testId?: string }) {
  return (
    <div class={`banner banner--${tone}`} role={tone === 'critical' || tone === 'warning' ? 'alert' : 'status'} data-testid={testId}>
      <div>{children}</div>
    </div>
  )
}

export function ProgressBar ({ done, total, label, testId }: { done: number, total: number, label: string, testId?: string }) {
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0
  return (
    <div class='progress' role='progressbar' aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid={testId}>
      <div class='progress__bar' style={{ width: `${percent}%` }} />
    </div>
  )
}

// One line-drawn tray: the same empty-state picture everywhere, no emoji fonts needed.
const EMPTY_ICON = (
  <svg width='24' height='24' viewBox='0 0 24 24' fill='none' stroke='currentColor' stroke-width='1.8' stroke-linecap='round' stroke-linejoin='round'>
    <path d='M4 13l2.5-7h11L20 13' /><path d='M4 13v5a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-5h-5a3 3 0 0 1-6 0z' />
  </svg>
)

export function EmptyState ({ title, children, action, testId }: { title: string, children?: ComponentChildren, action?: ComponentChildren, testId?: string }) {
  return (
    <div class='empty-state' data-testid={testId}>
      <div class='empty-state__icon' aria-hidden='true'>{EMPTY_ICON}</div>
      <p class='empty-state__title'>{title}</p>
      {children && <div class='empty-state__description'>{children}</div>}
      {action}
    </div>
  )
}
