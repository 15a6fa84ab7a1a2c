// Khách hàng từ Haravan: all synced customers, five saved filters, manual activation (single and bulk).
import { PageHeader } from '../components/page-header.tsx'
import { CustomerList, type Tab } from '../components/customer-list.tsx'
import { t } from '../i18n.ts'

const TABS: Tab[] = [
  { key: 'all', label: 'customers.tabAll', params: {} },
  { key: 'last_7_days', label: 'customers.tabLast7', params: { filter: 'last_7_days' } },
  { key: 'last_30_days', label: 'customers.tabLast30', params: { filter: 'last_30_days' } },
  { key: 'inactive_31_days', label: 'customers.tabInactive', params: { filter: 'inactive_31_days' } },
  { key: 'registered', label: 'customers.tabRegistered', params: { registered: 'true' } },
  { key: 'not_registered', label: 'customers.tabNotRegistered', params: { registered: 'false' } },
]

export function CustomersPage () {
  return (
    <>
      <PageHeader title={t('nav.customers')}>{t('customers.customersLead')}</PageHeader>
      <CustomerList endpoint='/api/customers' exportPath='/api/customers/export.csv' exportName='khach-hang-haravan.csv' tabs={TABS} selectable defaultSort='lastOrderAt:desc' />
    </>
  )
}
