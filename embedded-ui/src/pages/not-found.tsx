// Shown for any path the admin does not know.
import { t } from '../i18n.ts'
import { PageHeader } from '../components/page-header.tsx'
import { buttonClass } from '../components/button.tsx'
import { Card, EmptyState } from '../components/feedback.tsx'

export function NotFoundPage () {
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <Card>
        <EmptyState title={t('notFound.title')} action={<a class={buttonClass('primary')} href='/'>{t('notFound.back')}</a>}>
          {t('notFound.body')}
        </EmptyState>
      </Card>
    </>
  )
}
