// Chiến dịch: every campaign with its kind, status, audience, messages sent and attributed revenue.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { buttonClass } from '../components/button.tsx'
import { Badge, Banner, Card, EmptyState } from '../components/feedback.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Pager } from '../components/pager.tsx'
import { Table } from '../components/table.tsx'
import { formatNumber, formatVnd } from '../format.ts'
import { t } from '../i18n.ts'
import { audienceLabel, errorText, kindLabel, statusLabel, statusTone, type Campaign, type Segment } from './campaigns-shared.ts'

const LIMIT = 20

export function CampaignsPage () {
  const [page, setPage] = useState(1)
  const [data, setData] = useState<{ items: Campaign[], total: number } | null>(null)
  const [segments, setSegments] = useState<Segment[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api<{ items: Campaign[], total: number }>(`/api/campaigns?page=${page}&limit=${LIMIT}`).then(setData).catch((err: unknown) => setError(errorText(err)))
  }, [page])
  useEffect(() => { api<{ items: Segment[] }>('/api/segments').then(s => setSegments(s.items)).catch(() => {}) }, [])
  // An empty list offers the one button in its empty state, not twice.
  const newLink = <a class={buttonClass('primary')} href='/campaigns/new' data-testid='campaign-new'>{t('campaigns.new')}</a>
  return (
    <section class='page'>
      <PageHeader title={t('campaigns.title')} actions={data?.items.length === 0 ? undefined : newLink}>{t('campaigns.lead')}</PageHeader>
      {error && <Banner tone='critical'>{t('campaigns.error', { message: error })}</Banner>}
      {!data && !error && <p class='muted'>{t('campaigns.loading')}</p>}
      {data?.items.length === 0 && (
        <Card>
          <EmptyState title={t('campaigns.emptyTitle')} action={newLink} testId='campaigns-empty'>{t('campaigns.empty')}</EmptyState>
        </Card>
      )}
      {data && data.items.length > 0 && (
        <Card>
          <Table label={t('campaigns.title')} testId='campaign-list'>
            <thead>
              <tr>
                <th>{t('campaigns.col.name')}</th><th>{t('campaigns.col.kind')}</th><th>{t('campaigns.col.status')}</th>
                <th>{t('campaigns.col.audience')}</th><th class='num'>{t('campaigns.col.sent')}</th><th class='num'>{t('campaigns.col.revenue')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map(c => (
                <tr key={c.id} data-testid='campaign-row'>
                  <td><a href={`/campaigns/${c.id}`}>{c.name}</a></td>
                  <td>{kindLabel(c.type)}</td>
                  <td><Badge tone={statusTone(c.status)}>{statusLabel(c.status)}</Badge></td>
                  <td>{audienceLabel(c.audience, segments)}</td>
                  <td class='num'>{formatNumber(c.stats.sent)}</td>
                  <td class='num'>{formatVnd(c.stats.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          {data.total > LIMIT && <Pager page={page} pages={Math.ceil(data.total / LIMIT)} onPage={setPage} />}
        </Card>
      )}
    </section>
  )
}
