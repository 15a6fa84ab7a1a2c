// One campaign: its results, a progress bar while it sends, pause/resume/cancel, a test send and its messages by status.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Pager } from '../components/pager.tsx'
import { formatDateTime, formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { AUTOMATIC, audienceLabel, errorText, kindLabel, reasonLabel, statusLabel, type Campaign, type Segment } from './campaigns-shared.ts'

interface Message { customerId: number | null, name: string | null, channel: string, recipient: string, status: string, reason: string | null, code: string | null, sentAt: string | null, createdAt: string }
const STATUSES = ['sent', 'failed', 'skipped', 'unknown', 'queued']
const LIMIT = 50

function Messages ({ id, version }: { id: string, version: number }) {
  const [status, setStatus] = useState('')
  const [page, setPage] = useState(1)
  const [data, setData] = useState<{ items: Message[], total: number } | null>(null)
  useEffect(() => {
    api<{ items: Message[], total: number }>(`/api/campaigns/${id}/messages?page=${page}&limit=${LIMIT}${status ? `&status=${status}` : ''}`).then(setData).catch(() => {})
  }, [id, status, page, version])
  return (
    <section class='card'>
      <h2 class='card__title'>{t('campaigns.messages')}</h2>
      <p>
        <select value={status} onChange={e => { setStatus(e.currentTarget.value); setPage(1) }} data-testid='message-status'>
          <option value=''>{t('campaigns.messages.all')}</option>
          {STATUSES.map(s => <option key={s} value={s}>{t(`campaigns.msgStatus.${s}` as MessageKey)}</option>)}
        </select>
      </p>
      {data?.items.length === 0 && <p class='muted'>{t('campaigns.messages.empty')}</p>}
      {data && data.items.length > 0 && (
        <>
          <table class='table' data-testid='campaign-messages'>
            <thead>
              <tr>
                <th>{t('campaigns.msg.customer')}</th><th>{t('campaigns.msg.channel')}</th><th>{t('campaigns.msg.recipient')}</th><th>{t('campaigns.msg.status')}</th>
                <th>{t('campaigns.msg.reason')}</th><th>{t('campaigns.msg.code')}</th><th>{t('campaigns.msg.time')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((m, i) => (
                <tr key={i}>
                  <td>{m.customerId ? <a href={`/members/${m.customerId}`}>{m.name || m.customerId}</a> : '—'}</td>
                  <td>{t(`campaigns.channel.${m.channel}` as MessageKey)}</td>
                  <td>{m.recipient}</td>
                  <td>{t(`campaigns.msgStatus.${m.status}` as MessageKey)}</td>
                  <td>{m.status === 'skipped' || m.reason === 'interrupted' ? reasonLabel(m.reason) : m.reason ?? ''}</td>
                  <td>{m.code ?? ''}</td>
                  <td>{formatDateTime(m.sentAt ?? m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} pages={Math.max(1, Math.ceil(data.total / LIMIT))} onPage={setPage} />
        </>
      )}
    </section>
  )
}

function TestSend ({ c }: { c: Campaign }) {
  const [email, setEmail] = useState('')
  const [phone, setPhone] = useState('')
  const [note, setNote] = useState<string | null>(null)
  const send = async () => {
    setNote(null)
    try {
      await api(`/api/campaigns/${c.id}/test`, { method: 'POST', body: JSON.stringify({ ...(email ? { email } : {}), ...(phone ? { phone } : {}) }) })
      setNote(t('campaigns.testSent'))
    } catch (err) { setNote(t('campaigns.error', { message: errorText(err) })) }
  }
  return (
    <section class='card'>
      <h2 class='card__title'>{t('campaigns.test')}</h2>
      {c.channels.includes('email') && <p><label>{t('campaigns.testEmail')} <input type='email' value={email} onInput={e => setEmail(e.currentTarget.value)} /></label></p>}
      {c.channels.includes('sms') && <p><label>{t('campaigns.testPhone')} <input type='tel' value={phone} onInput={e => setPhone(e.currentTarget.value)} /></label></p>}
      <button type='button' class='button button--secondary' onClick={send} disabled={!email && !phone}>{t('campaigns.test')}</button>
      {note && <p class='muted' role='status'>{note}</p>}
    </section>
  )
}

export function CampaignDetailPage ({ id }: { id?: string }) {
  const [c, setC] = useState<Campaign | null>(null)
  const [segments, setSegments] = useState<Segment[]>([])
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const load = () => api<Campaign>(`/api/campaigns/${id}`).then(x => { setC(x); setVersion(v => v + 1) }).catch((err: unknown) => setError(errorText(err)))
  useEffect(() => { load().catch(() => {}); api<{ items: Segment[] }>('/api/segments').then(s => setSegments(s.items)).catch(() => {}) }, [id])
  // While it sends, the page follows it.
  useEffect(() => {
    if (c?.status !== 'sending') return
    const timer = setInterval(() => { load().catch(() => {}) }, 2000)
    return () => clearInterval(timer)
  }, [c?.status])
  const act = async (action: string, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return
    setError(null)
    try { setC(await api<Campaign>(`/api/campaigns/${id}/${action}`, { method: 'POST', body: '{}' })); setVersion(v => v + 1) } catch (err) { setError(errorText(err)) }
  }
  if (!c) return <section class='page'>{error ? <p class='error-box' role='alert'>{t('campaigns.error', { message: error })}</p> : <p class='muted'>{t('campaigns.loading')}</p>}</section>
  const s = c.stats
  const processed = s.sent + s.failed + s.skipped + s.unknown
  const total = Math.max(1, s.recipients * c.channels.length)
  const automatic = AUTOMATIC.includes(c.type)
  const stat = (key: MessageKey, value: string) => <div class='details__row'><dt>{t(key)}</dt><dd>{value}</dd></div>
  return (
    <section class='page'>
      <PageHeader title={c.name}>{kindLabel(c.type)} · {statusLabel(c.status)} · {audienceLabel(c.audience, segments)}</PageHeader>
      {error && <p class='error-box' role='alert'>{t('campaigns.error', { message: error })}</p>}
      {c.hold && <div class='error-box' role='alert'><p><strong>{t('campaigns.hold')}</strong></p><p>{c.hold}</p></div>}
      <section class='card'>
        {!automatic && (c.status === 'sending' || c.status === 'sent' || c.status === 'paused') && (
          <div data-testid='campaign-progress'>
            <progress max={total} value={Math.min(processed, total)} style='width: 100%' />
            <p class='muted'>{t('campaigns.progress', { done: formatNumber(processed), total: formatNumber(s.recipients * c.channels.length) })}</p>
          </div>
        )}
        {automatic && <p class='muted'>{c.lastSentAt ? t('campaigns.lastSent', { at: formatDateTime(c.lastSentAt) }) : t('campaigns.neverSent')}</p>}
        <p>
          {c.status === 'draft' && <button type='button' class='button' onClick={() => act('start', t('campaigns.startConfirm', { name: c.name }))}>{automatic ? t('campaigns.activate') : t('campaigns.start')}</button>}{' '}
          {['sending', 'scheduled', 'active'].includes(c.status) && <button type='button' class='button button--secondary' onClick={() => act('pause')}>{t('campaigns.pause')}</button>}{' '}
          {c.status === 'paused' && <button type='button' class='button' onClick={() => act('resume')}>{t('campaigns.resume')}</button>}{' '}
          {!['sent', 'cancelled'].includes(c.status) && <button type='button' class='button button--ghost' onClick={() => act('cancel', t('campaigns.cancelConfirm', { name: c.name }))}>{t('campaigns.cancel')}</button>}
        </p>
        <dl class='details' data-testid='campaign-stats'>
          {stat('campaigns.stats.recipients', formatNumber(s.recipients))}
          {stat('campaigns.stats.sent', formatNumber(s.sent))}
          {stat('campaigns.stats.failed', formatNumber(s.failed))}
          {stat('campaigns.stats.skipped', `${formatNumber(s.skipped)}${Object.keys(s.skippedByReason).length > 0 ? ` (${Object.entries(s.skippedByReason).map(([r, n]) => `${reasonLabel(r)}: ${formatNumber(n)}`).join('; ')})` : ''}`)}
          {s.unknown > 0 && stat('campaigns.stats.unknown', formatNumber(s.unknown))}
          {stat('campaigns.stats.unsubscribed', formatNumber(s.unsubscribed))}
          {c.promo && stat('campaigns.stats.codesCreated', formatNumber(s.codesCreated))}
          {c.promo && stat('campaigns.stats.codesUsed', formatNumber(s.codesUsed))}
          {stat('campaigns.stats.orders', formatNumber(s.orders))}
          {stat('campaigns.stats.revenue', formatVnd(s.revenue))}
        </dl>
        <p class='muted details__note'>{t(s.attribution === 'code' ? 'campaigns.attribution.code' : 'campaigns.attribution.window')}</p>
      </section>
      <TestSend c={c} />
      <Messages id={c.id} version={version} />
    </section>
  )
}
