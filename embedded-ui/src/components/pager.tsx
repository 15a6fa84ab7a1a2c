// Previous / next page buttons for every server-paginated list of the admin.
import { t } from '../i18n.ts'

export function Pager ({ page, pages, onPage }: { page: number, pages: number, onPage: (page: number) => void }) {
  return (
    <div class='cl-pager'>
      <button type='button' class='button button--ghost' disabled={page <= 1} onClick={() => onPage(page - 1)}>{t('customers.prev')}</button>
      <span>{t('customers.page', { page, pages })}</span>
      <button type='button' class='button button--ghost' disabled={page >= pages} onClick={() => onPage(page + 1)}>{t('customers.next')}</button>
    </div>
  )
}
