// The honest empty state of a page whose server side does not exist yet: what it is for, nothing fake.
import { t } from '../i18n.ts'
import type { MessageKey } from '../i18n.ts'
import { PageHeader } from '../components/page-header.tsx'

export function UnavailablePage ({ titleKey, descriptionKey }: { titleKey: MessageKey, descriptionKey: MessageKey }) {
  return (
    <>
      <PageHeader title={t(titleKey)} />
      <section class='card empty-state' data-testid='empty-state'>
        <p class='empty-state__description'>{t(descriptionKey)}</p>
        <p class='muted empty-state__note'>{t('page.unavailable')}</p>
      </section>
    </>
  )
}
