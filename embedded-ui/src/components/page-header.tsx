// A page's title (what browser tests look for), an optional lead line, back link and page-level actions.
import { useEffect } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { t } from '../i18n.ts'

interface Props { title: string, children?: ComponentChildren, back?: { href: string, label: string }, actions?: ComponentChildren }

export function PageHeader ({ title, children, back, actions }: Props) {
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`
  }, [title])
  return (
    <header class='page__header'>
      <div style={{ minWidth: 0 }}>
        {back && <a class='page__back' href={back.href}>{back.label}</a>}
        <h1 class='page__title' data-testid='page-title'>{title}</h1>
        {children && <p class='page__lead'>{children}</p>}
      </div>
      {actions && <div class='page__actions'>{actions}</div>}
    </header>
  )
}
