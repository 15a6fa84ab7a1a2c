// Shown for any path the admin does not know.
import { t } from '../i18n.ts'
import { PageHeader } from '../components/page-header.tsx'

export function NotFoundPage () {
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <section class='card empty-state'>
        <p class='empty-state__description'>{t('notFound.body')}</p>
        <p><a href='/'>{t('notFound.back')}</a></p>
      </section>
    </>
  )
}
