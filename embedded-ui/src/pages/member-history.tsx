// Lịch sử điểm on the member profile: the order's date and name, a readable source in the chosen language, signed points.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { Table } from '../components/table.tsx'
import { Badge, Banner, Card, EmptyState } from '../components/feedback.tsx'
import { Pager } from '../components/pager.tsx'
import { useTimeZone } from '../components/customer-list.tsx'
import { formatDate, formatDateTime, formatSignedPoints } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { errorText } from './settings-rewards-shared.ts'

export interface Entry {
  id: number
  kind: 'earn' | 'opening' | 'redeem' | 'reverse' | 'expire' | 'adjust' | 'release'
  points: number
  state: 'pending' | 'available'
  reason: string | null
  source: 'order' | 'import' | 'adjustment' | 'reward' | 'system' | string
  sourceId: string | null
  /** When it happened for the customer (the order's date); absent on older servers, then createdAt. */
  occurredAt?: string | null
  orderName?: string | null
  createdAt: string
  availableAt: string
  expiresAt: string | null
}
interface History { items: Entry[], total: number, page: number, limit: number }
const PAGE_SIZE = 20

/**
 * What the entry was, in the chosen language, from its codes (never the stored Vietnamese text); only a merchant's
 * own adjustment reason is shown as typed.
 */
export function describeEntry (e: Entry): string {
  const order = e.orderName ?? ''
  if (e.source === 'order') {
    if (e.kind === 'earn') return order ? t('member.desc.earnOrder', { order }) : t('member.desc.earn')
    return order ? t('member.desc.reverseOrder', { order }) : t('member.desc.reverse')
  }
  if (e.source === 'adjustment' || (e.source === 'import' && e.kind === 'adjust')) return e.reason?.trim() || t('member.kind.adjust')
  if (e.source === 'import') return e.kind === 'opening' ? t('member.desc.opening') : t('member.desc.importUndo')
  if (e.source === 'reward') return e.points < 0 ? t('member.desc.redeem') : t('member.desc.redeemBack')
  if (e.kind === 'expire') return t('member.desc.expire')
  if (e.kind === 'release') return t('member.desc.release')
  return t(`member.kind.${e.kind}` as MessageKey) ?? e.kind
}

const sourceLabel = (s: string) => t(`member.source.${s}` as MessageKey) ?? s

export function HistoryTable ({ customerId, version }: { customerId: string, version: number }) {
  const timeZone = useTimeZone()
  const [page, setPage] = useState(1)
  const [data, setData] = useState<History | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    api<History>(`/api/members/${customerId}/points?page=${page}&limit=${PAGE_SIZE}`)
      .then(d => { if (current) setData(d) })
      .catch((err: unknown) => { if (current) setError(errorText(err)) })
    return () => { current = false }
  }, [customerId, page, version])
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE))
  return (
    <Card title={t('member.history')} testId='points-history'>
      {error && <Banner tone='critical'>{error}</Banner>}
      {data && data.items.length === 0 && <EmptyState title={t('member.historyEmpty')} />}
      {data && data.items.length > 0 && (
        <Table label={t('member.history')}>
          <thead>
            <tr>
              <th>{t('member.col.date')}</th>
              <th>{t('member.col.source')}</th>
              <th>{t('member.col.reason')}</th>
              <th class='num'>{t('member.col.points')}</th>
              <th>{t('member.col.state')}</th>
              <th>{t('member.col.availableAt')}</th>
              <th>{t('member.col.expiresAt')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map(e => (
              <tr key={e.id} data-testid='history-row'>
                <td class='nowrap'>{formatDateTime(e.occurredAt ?? e.createdAt, timeZone)}</td>
                <td class='nowrap'>{sourceLabel(e.source)}</td>
                <td style={{ minWidth: '200px' }}>{describeEntry(e)}</td>
                <td class={`num ${e.points < 0 ? 'points--minus' : 'points--plus'}`}>{formatSignedPoints(e.points)}</td>
                <td><Badge tone={e.state === 'pending' ? 'attention' : 'success'}>{t(`member.state.${e.state}` as MessageKey)}</Badge></td>
                <td class='nowrap'>{formatDate(e.availableAt, timeZone)}</td>
                <td class='nowrap'>{e.expiresAt ? formatDate(e.expiresAt, timeZone) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {data && pages > 1 && <Pager page={page} pages={pages} onPage={setPage} />}
    </Card>
  )
}
