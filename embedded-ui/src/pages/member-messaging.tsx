// The member profile's messaging side: consent per channel (and recording one, with a reason) and the messages list.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { errorText } from '../components/messaging-form.tsx'
import { Pager } from '../components/pager.tsx'
import { formatDate, formatDateTime } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'

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
const sourceText = (type: string) => (['campaign', 'test', 'system'].includes(type) ? t(`messages.source.${type}` as MessageKey) : type)

function ConsentRow ({ customerId, channel, consent, onChange }: { customerId: string, channel: Channel, consent: Consent, onChange: (c: Consents) => void }) {
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const record = async (state: 'consented' | 'refused') => {
    if (reason.trim() === '') { setError(t('consent.reasonRequired')); return }
    if (!window.confirm(t('consent.confirm', { state: t(`consent.state.${state}`), channel: t(`consent.channel.${channel}`) }))) return
    try {
      onChange(await api<Consents>(`/api/members/${customerId}/consents/${channel}`, { method: 'PUT', body: JSON.stringify({ state, reason: reason.trim() }) }))
      setReason('')
      setError(null)
    } catch (err) {
      setError(errorText(err))
    }
  }
  return (
    <div class='details__row' data-testid={`consent-${channel}`}>
      <dt>{t(`consent.channel.${channel}`)}</dt>
      <dd>
        <strong data-testid={`consent-${channel}-state`}>{t(`consent.state.${consent.state}`)}</strong>
        {consent.source && <span class='muted'>{t(`consent.source.${consent.source}` as MessageKey)}</span>}
        {consent.changedAt && <span class='muted'>{t('consent.since', { date: formatDate(consent.changedAt) })}</span>}
        {consent.reason && <span class='muted'>· {consent.reason}</span>}
        <span style={{ flexBasis: '100%' }} />
        <input placeholder={t('consent.reason')} aria-label={t('consent.reason')} value={reason} maxLength={500} data-testid={`consent-${channel}-reason`} onInput={(e) => setReason(e.currentTarget.value)} />
        <button type='button' class='button button--ghost' data-testid={`consent-${channel}-consent`} onClick={() => record('consented')}>{t('consent.recordConsent')}</button>
        <button type='button' class='button button--ghost' data-testid={`consent-${channel}-refuse`} onClick={() => record('refused')}>{t('consent.recordRefusal')}</button>
        {error && <span class='error-box' role='alert'>{error}</span>}
      </dd>
    </div>
  )
}

export function MemberConsents ({ customerId }: { customerId: string }) {
  const [consents, setConsents] = useState<Consents | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => { api<Consents>(`/api/members/${customerId}/consents`).then(setConsents).catch((err: unknown) => setError(errorText(err))) }, [customerId])
  return (
    <section class='card' data-testid='member-consents'>
      <h2 class='card__title'>{t('consent.title')}</h2>
      {error && <p class='error-box' role='alert'>{error}</p>}
      {consents && (
        <dl class='details'>
          {(['email', 'sms'] as const).map(ch => <ConsentRow key={ch} customerId={customerId} channel={ch} consent={consents[ch]} onChange={setConsents} />)}
        </dl>
      )}
    </section>
  )
}

export function MemberMessages ({ customerId }: { customerId: string }) {
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
    <section class='card' data-testid='member-messages'>
      <h2 class='card__title'>{t('messages.title')}</h2>
      {error && <p class='error-box' role='alert'>{error}</p>}
      {data && data.items.length === 0 && <p class='muted'>{t('messages.empty')}</p>}
      {data && data.items.length > 0 && (
        <table class='table'>
          <thead>
            <tr>
              {(['messages.col.time', 'messages.col.channel', 'messages.col.kind', 'messages.col.recipient', 'messages.col.subject', 'messages.col.source', 'messages.col.status', 'messages.col.reason'] as const)
                .map(k => <th key={k}>{t(k)}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.items.map(m => (
              <tr key={m.id} data-testid='message-row'>
                <td>{formatDateTime(m.sentAt ?? m.createdAt)}</td>
                <td>{t(`consent.channel.${m.channel}`)}</td>
                <td>{t(`messages.kind.${m.kind}`)}</td>
                <td>{m.recipient || '—'}</td>
                <td>{m.subject ?? '—'}</td>
                <td>{sourceText(m.sourceType)}</td>
                <td>{t(`messages.status.${m.status}`)}</td>
                <td>{reasonText(m.reason)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && pages > 1 && <Pager page={page} pages={pages} onPage={setPage} />}
    </section>
  )
}
