// A page's title (what browser tests look for) and, optionally, one line about the page.
import { useEffect } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { t } from '../i18n.ts'

export function PageHeader ({ title, children }: { title: string, children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`
  }, [title])
  return (
    <header class='page__header'>
      <h1 class='page__title' data-testid='page-title'>{title}</h1>
      {children && <p class='page__lead'>{children}</p>}
    </header>
  )
}
