// The member profile's messaging side: consent per channel (and recording one, with a reason) and the messages list.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { Button } from '../components/button.tsx'
import { useTimeZone } from '../components/customer-list.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { Badge, Banner, Card, EmptyState } from '../components/feedback.tsx'
import { TextField } from '../components/form.tsx'
import { Pager } from '../components/pager.tsx'
import { Table } from '../components/table.tsx'
import { toast } from '../components/toast.tsx'
import { formatDate, formatDateTime, formatPhone } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { errorText } from './settings-rewards-shared.ts'

type Channel = 'email' | 'sms'
interface Consent { state: 'consented' | 'refused' | 'unknown', source: string | null, reason: string | null, changedAt: string | null }
type Consents = Record<Channel, Consent>
interface Message {
  id: string,
  channel: Channel,
  kind: 'advertising' | 'care',
  recipient: string,
  subject: string | null,
  sourceType: string,
  sourceId: string
  status: 'queued' | 'sent' | 'failed' | 'skipped' | 'unknown',
  reason: string | null,
  createdAt: string,
  sentAt: string | null
}
interface Page { items: Message[], total: number }
const PAGE_SIZE = 10

/** A stored reason is a code (skips) or the provider's own words (failures): codes are translated, words shown as they are. */
const reasonText = (reason: string | null) => {
  if (!reason) return '—'
  const key = `messages.reason.${reason}` as MessageKey
  return /^[a-z_]+$/.test(reason) ? t(key) : reason
}
const CONSENT_TONE = { consented: 'success', refused: 'critical', unknown: undefined } as const
const STATUS_TONE = { queued: 'info', sent: 'success', failed: 'critical', skipped: 'attention', unknown: undefined } as const
const sourceText = (type: string) => (['campaign', 'test', 'system'].includes(type) ? t(`messages.source.${type}` as MessageKey) : type)

function ConsentRow ({ customerId, channel, consent, onChange }: { customerId: string, channel: Channel, consent: Consent, onChange: (c: Consents) => void }) {
  const timeZone = useTimeZone()
  const [reason, setReason] = useState('')
  const [reasonError, setReasonError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<'consented' | 'refused' | null>(null)
  const record = async (state: 'consented' | 'refused') => {
    if (reason.trim() === '') { setReasonError(t('consent.reasonRequired')); return }
    setReasonError(null)
    const ok = await confirmDialog({
      title: t('consent.confirm', { state: t(`consent.state.${state}`), channel: t(`consent.channel.${channel}`) }),
      body: <p>{t('consent.reason')}: {reason.trim()}</p>,
      confirmLabel: t(state === 'consented' ? 'consent.recordConsent' : 'consent.recordRefusal'),
      danger: state === 'refused',
    })
    if (!ok) return
    setBusy(state)
    try {
      onChange(await api<Consents>(`/api/members/${customerId}/consents/${channel}`, { method: 'PUT', body: JSON.stringify({ state, reason: reason.trim() }) }))
      setReason('')
      setError(null)
      toast(t('consent.recorded'))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(null)
    }
  }
  return (
    <div class='details__row' data-testid={`consent-${channel}`}>
      <dt>{t(`consent.channel.${channel}`)}</dt>
      <dd class='consent'>
        <div class='inline'>
          <Badge tone={CONSENT_TONE[consent.state]} testId={`consent-${channel}-state`}>{t(`consent.state.${consent.state}`)}</Badge>
          {consent.source && <span class='muted'>{t(`consent.source.${consent.source}` as MessageKey)}</span>}
          {consent.changedAt && <span class='muted'>{t('consent.since', { date: formatDate(consent.changedAt, timeZone) })}</span>}
          {consent.reason && <span class='muted'>· {consent.reason}</span>}
        </div>
        <div class='form-row'>
          <div class='form-row__grow'>
            <TextField
              label={t('consent.reason')} hideLabel placeholder={t('consent.reason')} value={reason} maxLength={500} error={reasonError}
              data-testid={`consent-${channel}-reason`} onValue={(v) => { setReason(v); setReasonError(null) }}
            />
          </div>
          <Button busy={busy === 'consented'} disabled={busy !== null} data-testid={`consent-${channel}-consent`} onClick={() => { record('consented').catch(() => {}) }}>{t('consent.recordConsent')}</Button>
          <Button variant='plain-danger' busy={busy === 'refused'} disabled={busy !== null} data-testid={`consent-${channel}-refuse`} onClick={() => { record('refused').catch(() => {}) }}>{t('consent.recordRefusal')}</Button>
        </div>
        {error && <Banner tone='critical'>{error}</Banner>}
      </dd>
    </div>
  )
}

export function MemberConsents ({ customerId }: { customerId: string }) {
  const [consents, setConsents] = useState<Consents | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => { api<Consents>(`/api/members/${customerId}/consents`).then(setConsents).catch((err: unknown) => setError(errorText(err))) }, [customerId])
  return (
    <Card title={t('consent.title')} testId='member-consents'>
      {error && <Banner tone='critical'>{error}</Banner>}
      {consents && (
        <dl class='details'>
          {(['email', 'sms'] as const).map(ch => <ConsentRow key={ch} customerId={customerId} channel={ch} consent={consents[ch]} onChange={setConsents} />)}
        </dl>
      )}
    </Card>
  )
}

export function MemberMessages ({ customerId }: { customerId: string }) {
  const timeZone = useTimeZone()
  const [page, setPage] = useState(1)
  const [data, setData] = useState<Page | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    api<Page>(`/api/members/${customerId}/messages?page=${page}&limit=${PAGE_SIZE}`)
      .then(d => { if (current) setData(d) })
      .catch((err: unknown) => { if (current) setError(errorText(err)) })
    return () => { current = false }
  }, [customerId, page])
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE))
  return (
    <Card title={t('messages.title')} testId='member-messages'>
      {error && <Banner tone='critical'>{error}</Banner>}
      {data && data.items.length === 0 && <EmptyState title={t('messages.empty')} />}
      {data && data.items.length > 0 && (
        <Table label={t('messages.title')}>
          <thead>
            <tr>
              {(['messages.col.time', 'messages.col.channel', 'messages.col.kind', 'messages.col.recipient', 'messages.col.subject', 'messages.col.source', 'messages.col.status', 'messages.col.reason'] as const)
                .map(k => <th key={k}>{t(k)}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.items.map(m => (
              <tr key={m.id} data-testid='message-row'>
                <td class='nowrap'>{formatDateTime(m.sentAt ?? m.createdAt, timeZone)}</td>
                <td>{t(`consent.channel.${m.channel}`)}</td>
                <td>{t(`messages.kind.${m.kind}`)}</td>
                <td class='nowrap'>{m.recipient ? (m.channel === 'sms' ? formatPhone(m.recipient) : m.recipient) : '—'}</td>
                <td>{m.subject ?? '—'}</td>
                <td>{sourceText(m.sourceType)}</td>
                <td><Badge tone={STATUS_TONE[m.status]}>{t(`messages.status.${m.status}`)}</Badge></td>
                <td>{reasonText(m.reason)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {data && pages > 1 && <Pager page={page} pages={pages} onPage={setPage} />}
    </Card>
  )
}
