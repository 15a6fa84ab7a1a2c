// Hồ sơ thành viên: every activated member, server-paginated, with saved filters and export.
import { PageHeader } from '../components/page-header.tsx'
import { CustomerList, type Tab } from '../components/customer-list.tsx'
import { t } from '../i18n.ts'

const TABS: Tab[] = [
  { key: 'all', label: 'customers.tabAll', params: {} },
  { key: 'last_7_days', label: 'customers.tabLast7', params: { filter: 'last_7_days' } },
  { key: 'last_30_days', label: 'customers.tabLast30', params: { filter: 'last_30_days' } },
  { key: 'inactive_31_days', label: 'customers.tabInactive', params: { filter: 'inactive_31_days' } },
]

export function MembersPage () {
  return (
    <>
      <PageHeader title={t('nav.members')}>{t('customers.membersLead')}</PageHeader>
      <CustomerList endpoint='/api/members' exportPath='/api/members/export.csv' exportName='ho-so-thanh-vien.csv' tabs={TABS} defaultSort='memberSince:desc' />
    </>
  )
}
