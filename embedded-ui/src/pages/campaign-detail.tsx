// One campaign: its results, a progress bar while it sends, pause/resume/cancel, a test send and its messages by status.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { Button } from '../components/button.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { Badge, Banner, Card, EmptyState, ProgressBar } from '../components/feedback.tsx'
import { Select, TextField } from '../components/form.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Pager } from '../components/pager.tsx'
import { Table } from '../components/table.tsx'
import { toast } from '../components/toast.tsx'
import { formatDateTime, formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { AUTOMATIC, audienceLabel, errorText, kindLabel, messageCount, messageTone, reasonLabel, startConsequences, statusLabel, statusTone, type Campaign, type Estimate, type Segment } from './campaigns-shared.ts'

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
  // Only campaigns with a discount code have a code column.
  const withCodes = data?.items.some(m => m.code) ?? false
  const filter = (
    <Select
      label={t('campaigns.msg.status')} hideLabel value={status} data-testid='message-status'
      options={[{ value: '', label: t('campaigns.messages.all') }, ...STATUSES.map(s => ({ value: s, label: t(`campaigns.msgStatus.${s}` as MessageKey) }))]}
      onValue={v => { setStatus(v); setPage(1) }}
    />
  )
  return (
    <Card title={t('campaigns.messages')} actions={filter} testId='campaign-messages-card'>
      {data?.items.length === 0 && <EmptyState title={t('campaigns.messages.empty')} testId='messages-empty' />}
      {data && data.items.length > 0 && (
        <>
          <Table label={t('campaigns.messages')} testId='campaign-messages'>
            <thead>
              <tr>
                <th>{t('campaigns.msg.customer')}</th><th>{t('campaigns.msg.channel')}</th><th>{t('campaigns.msg.recipient')}</th><th>{t('campaigns.msg.status')}</th>
                <th>{t('campaigns.msg.reason')}</th>{withCodes && <th>{t('campaigns.msg.code')}</th>}<th>{t('campaigns.msg.time')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((m, i) => (
                <tr key={i} data-testid='message-row'>
                  <td class='nowrap'>{m.customerId ? <a href={`/members/${m.customerId}`}>{m.name || m.customerId}</a> : '—'}</td>
                  <td>{t(`campaigns.channel.${m.channel}` as MessageKey)}</td>
                  <td class='nowrap'>{m.recipient}</td>
                  <td><Badge tone={messageTone(m.status)}>{t(`campaigns.msgStatus.${m.status}` as MessageKey)}</Badge></td>
                  <td class='cell-text'>{m.status === 'skipped' || m.reason === 'interrupted' ? reasonLabel(m.reason) : m.reason ?? ''}</td>
                  {withCodes && <td class='mono'>{m.code ?? ''}</td>}
                  <td class='nowrap'>{formatDateTime(m.sentAt ?? m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
          {data.total > LIMIT && <Pager page={page} pages={Math.ceil(data.total / LIMIT)} onPage={setPage} />}
        </>
      )}
    </Card>
  )
}

function TestSend ({ c }: { c: Campaign }) {
  const [email, setEmail] = useState('')
  const [phone, setPhone] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const send = async () => {
    setError(null)
    setBusy(true)
    try {
      await api(`/api/campaigns/${c.id}/test`, { method: 'POST', body: JSON.stringify({ ...(email ? { email } : {}), ...(phone ? { phone } : {}) }) })
      toast(t('campaigns.testSent'))
    } catch (err) { setError(errorText(err)) } finally { setBusy(false) }
  }
  return (
    <Card title={t('campaigns.test')}>
      <div class='form-row'>
        {c.channels.includes('email') && <TextField type='email' width='medium' label={t('campaigns.testEmail')} value={email} onValue={setEmail} error={c.channels.includes('sms') ? null : error} />}
        {c.channels.includes('sms') && <TextField width='medium' inputMode='tel' label={t('campaigns.testPhone')} value={phone} onValue={setPhone} error={error} />}
        <Button onClick={send} busy={busy} disabled={!email && !phone}>{t('campaigns.test')}</Button>
      </div>
    </Card>
  )
}

export function CampaignDetailPage ({ id }: { id?: string }) {
  const [c, setC] = useState<Campaign | null>(null)
  const [segments, setSegments] = useState<Segment[]>([])
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const [busy, setBusy] = useState<string | null>(null)
  const load = () => api<Campaign>(`/api/campaigns/${id}`).then(x => { setC(x); setVersion(v => v + 1) }).catch((err: unknown) => setError(errorText(err)))
  useEffect(() => { load().catch(() => {}); api<{ items: Segment[] }>('/api/segments').then(s => setSegments(s.items)).catch(() => {}) }, [id])
  // While it sends (or waits for its hour), the page follows it.
  useEffect(() => {
    if (c?.status !== 'sending' && c?.status !== 'scheduled') return
    const timer = setInterval(() => { load().catch(() => {}) }, 2000)
    return () => clearInterval(timer)
  }, [c?.status])
  if (!c) return <section class='page'>{error ? <Banner tone='critical'>{t('campaigns.error', { message: error })}</Banner> : <p class='muted'>{t('campaigns.loading')}</p>}</section>
  const s = c.stats
  const automatic = AUTOMATIC.includes(c.type)
  const processed = s.sent + s.failed + s.skipped + s.unknown
  const total = s.recipients * c.channels.length
  const left = Math.max(0, total - processed)

  const act = async (action: string) => {
    setError(null)
    setBusy(action)
    try {
      setC(await api<Campaign>(`/api/campaigns/${c.id}/${action}`, { method: 'POST', body: '{}' }))
      setVersion(v => v + 1)
      toast(t(`campaigns.done.${action}` as MessageKey))
    } catch (err) { setError(errorText(err)) } finally { setBusy(null) }
  }
  const start = async () => {
    setBusy('start')
    let estimate: Estimate
    try { estimate = await api<Estimate>(`/api/campaigns/${c.id}/estimate`) } catch (err) { setError(errorText(err)); setBusy(null); return }
    setBusy(null)
    const ok = await confirmDialog({
      title: t(automatic ? 'campaigns.activateConfirm' : 'campaigns.startConfirm', { name: c.name }),
      consequences: startConsequences(estimate, automatic),
      warning: !automatic && messageCount(estimate) === 0 ? t('campaigns.confirm.nothing') : undefined,
      confirmLabel: automatic ? t('campaigns.activate') : t('campaigns.start'),
    })
    if (ok) await act('start')
  }
  const cancel = async () => {
    const ok = await confirmDialog({
      title: t('campaigns.cancelConfirm', { name: c.name }),
      consequences: [
        automatic ? t('campaigns.cancel.automatic') : c.status === 'draft' || c.status === 'scheduled' ? t('campaigns.cancel.unsent') : t('campaigns.cancel.left', { count: formatNumber(left) }),
        t('campaigns.cancel.final'),
      ],
      confirmLabel: t('campaigns.cancel'),
      danger: true,
    })
    if (ok) await act('cancel')
  }
  const stat = (key: MessageKey, value: string, testId?: string) => <div class='stat'><dt>{t(key)}</dt><dd data-testid={testId}>{value}</dd></div>
  const actions = (
    <>
      {c.status === 'draft' && <Button variant='primary' busy={busy === 'start'} onClick={start} data-testid='campaign-start'>{automatic ? t('campaigns.activate') : t('campaigns.start')}</Button>}
      {['sending', 'scheduled', 'active'].includes(c.status) && <Button busy={busy === 'pause'} onClick={() => act('pause')} data-testid='campaign-pause'>{t('campaigns.pause')}</Button>}
      {c.status === 'paused' && <Button variant='primary' busy={busy === 'resume'} onClick={() => act('resume')} data-testid='campaign-resume'>{t('campaigns.resume')}</Button>}
      {!['sent', 'cancelled'].includes(c.status) && <Button variant='plain-danger' busy={busy === 'cancel'} onClick={cancel} data-testid='campaign-cancel'>{t('campaigns.cancel')}</Button>}
    </>
  )
  return (
    <section class='page'>
      <PageHeader title={c.name} back={{ href: '/campaigns', label: t('campaigns.backToList') }} actions={actions}>
        <Badge tone={statusTone(c.status)} testId='campaign-status'>{statusLabel(c.status)}</Badge> {kindLabel(c.type)} · {audienceLabel(c.audience, segments)}
      </PageHeader>
      {error && <Banner tone='critical'>{t('campaigns.error', { message: error })}</Banner>}
      {c.hold && <Banner tone='warning'><p><strong>{t('campaigns.hold')}</strong></p><p>{c.hold}</p></Banner>}
      <Card title={t('campaigns.results')}>
        {!automatic && ['sending', 'sent', 'paused'].includes(c.status) && (
          <div data-testid='campaign-progress'>
            <ProgressBar done={processed} total={Math.max(1, total)} label={t('campaigns.progressLabel')} />
            <p class='field__hint' data-testid='campaign-progress-text'>{t('campaigns.progress', { done: formatNumber(processed), total: formatNumber(total) })}</p>
          </div>
        )}
        {c.status === 'scheduled' && c.sendAt && <p class='muted'>{t('campaigns.scheduledFor', { at: formatDateTime(c.sendAt) })}</p>}
        {automatic && <p class='muted'>{c.lastSentAt ? t('campaigns.lastSent', { at: formatDateTime(c.lastSentAt) }) : t('campaigns.neverSent')}</p>}
        <dl class='stat-list' data-testid='campaign-stats'>
          {stat('campaigns.stats.recipients', formatNumber(s.recipients), 'stat-recipients')}
          {stat('campaigns.stats.sent', formatNumber(s.sent), 'stat-sent')}
          {stat('campaigns.stats.failed', formatNumber(s.failed))}
          {stat('campaigns.stats.skipped', formatNumber(s.skipped), 'stat-skipped')}
          {s.unknown > 0 && stat('campaigns.stats.unknown', formatNumber(s.unknown))}
          {stat('campaigns.stats.unsubscribed', formatNumber(s.unsubscribed))}
          {c.promo && stat('campaigns.stats.codesCreated', formatNumber(s.codesCreated))}
          {c.promo && stat('campaigns.stats.codesUsed', formatNumber(s.codesUsed))}
          {stat('campaigns.stats.orders', formatNumber(s.orders))}
          {stat('campaigns.stats.revenue', formatVnd(s.revenue))}
        </dl>
        {Object.keys(s.skippedByReason).length > 0 && (
          <ul class='bullets' data-testid='skipped-reasons'>
            {Object.entries(s.skippedByReason).map(([r, n]) => <li key={r}>{t('campaigns.skippedBecause', { count: formatNumber(n), reason: reasonLabel(r) })}</li>)}
          </ul>
        )}
        <p class='muted details__note'>{t(s.attribution === 'code' ? 'campaigns.attribution.code' : 'campaigns.attribution.window')}</p>
      </Card>
      {c.status !== 'cancelled' && <TestSend c={c} />}
      <Messages id={c.id} version={version} />
    </section>
  )
}
