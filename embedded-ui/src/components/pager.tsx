// Previous / next page buttons for every server-paginated list of the admin.
import { t } from '../i18n.ts'
import { Button } from './button.tsx'

export function Pager ({ page, pages, onPage }: { page: number, pages: number, onPage: (page: number) => void }) {
  return (
    <nav class='pager' aria-label={t('common.pagination')}>
      <Button slim disabled={page <= 1} onClick={() => onPage(page - 1)}>{t('customers.prev')}</Button>
      <span class='muted'>{t('customers.page', { page, pages })}</span>
      <Button slim disabled={page >= pages} onClick={() => onPage(page + 1)}>{t('customers.next')}</Button>
    </nav>
  )
}
