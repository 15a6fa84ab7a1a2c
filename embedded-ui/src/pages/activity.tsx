// Nhật ký hoạt động: the shop's activity log, newest first, filtered by action, actor and dates (shop timezone for display).
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { useDebounced, useTimeZone } from '../components/customer-list.tsx'
import { formatDateTime } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { Pager } from '../components/pager.tsx'

interface Entry { id: number, actor: string | null, action: string, subject: string | null, details: Record<string, unknown>, createdAt: string }
const PREFIXES = ['member', 'segment', 'settings', 'import', 'points'] as const
const PAGE_SIZE = 50

/** 'segment.created' → its label; unknown actions fall back to their prefix's label, then to the raw action. */
function actionLabel (action: string): string {
  const key = `action.${action}`
  const prefix = `action.${action.split('.')[0]}`
  const dict = t as (k: MessageKey) => string
  const known = (k: string) => dict(k as MessageKey) !== undefined
  if (known(key)) return dict(key as MessageKey)
  if (known(prefix)) return `${dict(prefix as MessageKey)} (${action})`
  return action
}

export function ActivityPage () {
  const timeZone = useTimeZone()
  const [action, setAction] = useState('')
  const [actor, setActor] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [page, setPage] = useState(1)
  const [data, setData] = useState<{ items: Entry[], total: number } | null>(null)
  const [error, setError] = useState('')
  const debouncedActor = useDebounced(actor.trim())

  const params = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE) })
  if (action) params.set('action', `${action}.`)
  if (debouncedActor) params.set('actor', debouncedActor)
  // Date inputs are calendar days; the bounds are taken at UTC+7 midnights, the shops' usual zone.
  if (from) params.set('from', `${from}T00:00:00+07:00`)
  if (to) params.set('to', new Date(new Date(`${to}T00:00:00+07:00`).getTime() + 86400000).toISOString())
  const query = params.toString()

  useEffect(() => { setPage(1) }, [action, debouncedActor, from, to])
  useEffect(() => {
    let current = true
    api<{ items: Entry[], total: number }>(`/api/activity?${query}`)
      .then((b) => { if (current) { setData(b); setError('') } })
      .catch((err: unknown) => { if (current) setError(err instanceof ApiError ? err.message : String(err)) })
    return () => { current = false }
  }, [query])

  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE))
  return (
    <>
      <PageHeader title={t('nav.settingsActivity')}>{t('activity.lead')}</PageHeader>
      <section class='card'>
        <div class='cl-toolbar'>
          <select aria-label={t('activity.filterAction')} value={action} onChange={(e) => setAction(e.currentTarget.value)}>
            <option value=''>{t('activity.allActions')}</option>
            {PREFIXES.map((p) => <option key={p} value={p}>{t(`action.${p}`)}</option>)}
          </select>
          <input aria-label={t('activity.actor')} placeholder={t('activity.actor')} value={actor} onInput={(e) => setActor(e.currentTarget.value)} />
          <label>{t('activity.from')} <input type='date' value={from} onChange={(e) => setFrom(e.currentTarget.value)} /></label>
          <label>{t('activity.to')} <input type='date' value={to} onChange={(e) => setTo(e.currentTarget.value)} /></label>
        </div>
        {error && <p class='error-box' role='alert'>{error}</p>}
        <div class='cl-table-wrap'>
          <table class='cl-table'>
            <thead><tr><th>{t('activity.time')}</th><th>{t('activity.action')}</th><th>{t('activity.actor')}</th><th>{t('activity.subject')}</th><th>{t('activity.details')}</th></tr></thead>
            <tbody>
              {(data?.items ?? []).map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.createdAt, timeZone)}</td>
                  <td>{actionLabel(e.action)}</td>
                  <td>{e.actor ?? '—'}</td>
                  <td>{e.subject ?? '—'}</td>
                  <td class='mono'>{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {data && data.items.length === 0 && <p class='muted'>{t('activity.empty')}</p>}
        <Pager page={page} pages={pages} onPage={setPage} />
      </section>
    </>
  )
}
