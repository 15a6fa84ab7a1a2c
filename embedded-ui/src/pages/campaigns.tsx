// Chiến dịch: every campaign with its kind, status, audience, messages sent and attributed revenue.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Pager } from '../components/pager.tsx'
import { formatNumber, formatVnd } from '../format.ts'
import { t } from '../i18n.ts'
import { audienceLabel, errorText, kindLabel, statusLabel, type Campaign, type Segment } from './campaigns-shared.ts'

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
  return (
    <section class='page'>
      <PageHeader title={t('campaigns.title')}>{t('campaigns.lead')}</PageHeader>
      <p><a class='button' href='/campaigns/new' data-testid='campaign-new'>{t('campaigns.new')}</a></p>
      {error && <p class='error-box' role='alert'>{t('campaigns.error', { message: error })}</p>}
      {!data && !error && <p class='muted'>{t('campaigns.loading')}</p>}
      {data?.items.length === 0 && <div class='card'><p class='muted'>{t('campaigns.empty')}</p></div>}
      {data && data.items.length > 0 && (
        <div class='card'>
          <table class='table' data-testid='campaign-list'>
            <thead>
              <tr>
                <th>{t('campaigns.col.name')}</th><th>{t('campaigns.col.kind')}</th><th>{t('campaigns.col.status')}</th>
                <th>{t('campaigns.col.audience')}</th><th>{t('campaigns.col.sent')}</th><th>{t('campaigns.col.revenue')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map(c => (
                <tr key={c.id} data-testid='campaign-row'>
                  <td><a href={`/campaigns/${c.id}`}>{c.name}</a></td>
                  <td>{kindLabel(c.type)}</td>
                  <td>{statusLabel(c.status)}</td>
                  <td>{audienceLabel(c.audience, segments)}</td>
                  <td>{formatNumber(c.stats.sent)}</td>
                  <td>{formatVnd(c.stats.revenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} pages={Math.max(1, Math.ceil(data.total / LIMIT))} onPage={setPage} />
        </div>
      )}
    </section>
  )
}
