// The honest empty state of a page whose server side does not exist yet: what it is for, nothing fake.
import { t } from '../i18n.ts'
import type { MessageKey } from '../i18n.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Card, EmptyState } from '../components/feedback.tsx'

export function UnavailablePage ({ titleKey, descriptionKey }: { titleKey: MessageKey, descriptionKey: MessageKey }) {
  return (
    <>
      <PageHeader title={t(titleKey)} />
      <Card>
        <EmptyState title={t('page.unavailable')} testId='empty-state'>{t(descriptionKey)}</EmptyState>
      </Card>
    </>
  )
}
