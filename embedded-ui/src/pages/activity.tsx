// Nhật ký hoạt động: the shop's activity log in words, newest first, filtered by action and dates (shop timezone).
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { useTimeZone } from '../components/customer-list.tsx'
import { Button } from '../components/button.tsx'
import { Banner, Card, EmptyState } from '../components/feedback.tsx'
import { DateField, Select } from '../components/form.tsx'
import { Table } from '../components/table.tsx'
import { Pager } from '../components/pager.tsx'
import { formatDateTime } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import type { ActivityList } from '../../../api-types/activity.ts'
import { ACTION_GROUPS, ACTIONS, actionLabel, actorLabel, detailsText, subjectOf } from './activity-text.ts'

const PAGE_SIZE = 50

export function ActivityPage () {
  const timeZone = useTimeZone()
  const [action, setAction] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [page, setPage] = useState(1)
  const [data, setData] = useState<ActivityList | null>(null)
  const [error, setError] = useState('')

  const params = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE) })
  // A group ('segment') filters by prefix 'segment.'; a single action by its full code.
  if (action) params.set('action', (ACTION_GROUPS as readonly string[]).includes(action) ? `${action}.` : action)
  // Date inputs are calendar days; the bounds are taken at UTC+7 midnights, the shops' usual zone.
  if (from) params.set('from', `${from}T00:00:00+07:00`)
  if (to) params.set('to', new Date(new Date(`${to}T00:00:00+07:00`).getTime() + 86400000).toISOString())
  const query = params.toString()

  useEffect(() => { setPage(1) }, [action, from, to])
  useEffect(() => {
    let current = true
    api<ActivityList>(`/api/activity?${query}`)
      .then((b) => { if (current) { setData(b); setError('') } })
      .catch((err: unknown) => { if (current) setError(err instanceof ApiError ? err.message : String(err)) })
    return () => { current = false }
  }, [query])

  const options = [
    ...ACTION_GROUPS.map((g) => ({ value: g, label: t('activity.groupAll', { group: t(`action.${g}` as MessageKey) }) })),
    ...ACTIONS.map((a) => ({ value: a, label: actionLabel(a) })),
  ]
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE))
  const filtered = action !== '' || from !== '' || to !== ''
  return (
    <>
      <PageHeader title={t('nav.settingsActivity')}>{t('activity.lead')}</PageHeader>
      <Card>
        <div class='form-row' style={{ marginBottom: '16px' }}>
          <div style={{ flex: '1 1 260px' }}>
            <Select label={t('activity.filterAction')} value={action} onValue={setAction} data-testid='activity-action' options={[{ value: '', label: t('activity.allActions') }, ...options]} />
          </div>
          <div style={{ width: '170px' }}><DateField label={t('activity.from')} value={from} onValue={setFrom} data-testid='activity-from' /></div>
          <div style={{ width: '170px' }}><DateField label={t('activity.to')} value={to} onValue={setTo} data-testid='activity-to' /></div>
          {filtered && <Button variant='plain' onClick={() => { setAction(''); setFrom(''); setTo('') }}>{t('activity.clear')}</Button>}
        </div>
        {error && <Banner tone='critical'>{error}</Banner>}
        {data && data.items.length === 0
          ? <EmptyState title={t('activity.empty')} />
          : (
            <Table label={t('nav.settingsActivity')} testId='activity-table'>
              <thead><tr><th>{t('activity.time')}</th><th>{t('activity.action')}</th><th>{t('activity.actor')}</th><th>{t('activity.subject')}</th><th>{t('activity.details')}</th></tr></thead>
              <tbody>
                {(data?.items ?? []).map((e) => {
                  const subject = subjectOf(e)
                  return (
                    <tr key={e.id} data-testid='activity-row'>
                      <td class='nowrap'>{formatDateTime(e.createdAt, timeZone)}</td>
                      <td>{actionLabel(e.action)}</td>
                      <td class='nowrap'>{actorLabel(e)}</td>
                      <td>{subject.href ? <a href={subject.href}>{subject.text}</a> : subject.text}</td>
                      <td>{detailsText(e)}</td>
                    </tr>
                  )
                })}
              </tbody>
            </Table>
            )}
        <Pager page={page} pages={pages} onPage={setPage} />
      </Card>
    </>
  )
}
