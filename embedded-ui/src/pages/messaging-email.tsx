// Cấu hình → Tin nhắn, email card: the SMTP account with Gmail / Workspace presets, the Gmail steps beside it, "Gửi thử".
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { formatDateTime, formatNumber } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { SettingsLoading } from './messaging-loading.tsx'
import { Button } from '../components/button.tsx'
import { Badge, Banner, Card } from '../components/feedback.tsx'
import { NumberField, Select, TextField } from '../components/form.tsx'
import { TestSend } from '../components/test-send.tsx'
import { toast } from '../components/toast.tsx'
import { useTimeZone } from '../components/customer-list.tsx'
import { errorText } from './settings-rewards-shared.ts'

type Security = 'starttls' | 'tls' | 'none'
interface EmailSettings {
  host: string,
  port: number,
  security: Security,
  username: string,
  fromName: string,
  fromAddress: string,
  dailyLimit: number
  passwordSet: boolean,
  configured: boolean,
  pausedUntil: string | null,
  pauseReason: string | null,
  sentLast24h: number
}
type Preset = 'gmail' | 'workspace' | 'other'
const PRESETS = {
  gmail: { host: 'smtp.gmail.com', port: 587, security: 'starttls', dailyLimit: 500 },
  workspace: { host: 'smtp.gmail.com', port: 587, security: 'starttls', dailyLimit: 2000 },
} as const

const presetOf = (s: { host: string, dailyLimit: number }): Preset =>
  s.host !== 'smtp.gmail.com' ? 'other' : s.dailyLimit >= 2000 ? 'workspace' : 'gmail'
const num = (value: string) => (value.trim() === '' ? Number.NaN : Number(value))
const numText = (v: number) => (Number.isFinite(v) ? String(v) : '')

function GmailSteps () {
  return (
    <aside class='split__aside' data-testid='gmail-steps'>
      <h3>{t('messaging.gmailSteps')}</h3>
      <ol>
        {(['messaging.gmailStep1', 'messaging.gmailStep2', 'messaging.gmailStep3', 'messaging.gmailStep4', 'messaging.gmailStep5'] as const).map(k => <li key={k}>{t(k)}</li>)}
      </ol>
      <a href='https://myaccount.google.com/security' target='_blank' rel='noreferrer'>myaccount.google.com</a>
    </aside>
  )
}

export function ConfiguredBadge ({ configured }: { configured: boolean }) {
  return <Badge tone={configured ? 'success' : 'attention'}>{t(configured ? 'messaging.configured' : 'messaging.notConfigured')}</Badge>
}

export function EmailSettingsCard () {
  const timeZone = useTimeZone()
  const [s, setS] = useState<EmailSettings | null>(null)
  const [preset, setPreset] = useState<Preset>('gmail')
  const [password, setPassword] = useState('')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)

  // A shop with no account yet starts on the Gmail preset, filled in (the help pages' way of sending).
  const load = (next: EmailSettings) => {
    setS(next.configured ? next : { ...next, ...PRESETS.gmail })
    setPreset(next.configured ? presetOf(next) : 'gmail')
  }
  useEffect(() => { api<EmailSettings>('/api/settings/email').then(load).catch((err: unknown) => setError(errorText(err))) }, [])
  if (!s) {
    return <SettingsLoading title={t('messaging.email')} error={error} />
  }

  const update = (patch: Partial<EmailSettings>) => setS({ ...s, ...patch })
  const choose = (p: Preset) => {
    setPreset(p)
    if (p !== 'other') update({ ...PRESETS[p] })
  }
  const save = async (e: Event) => {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const { host, port, security, username, fromName, fromAddress, dailyLimit } = s
      const body = { host, port, security, username, fromName, fromAddress, dailyLimit, ...(password ? { password } : {}) }
      load(await api<EmailSettings>('/api/settings/email', { method: 'PUT', body: JSON.stringify(body) }))
      setPassword('')
      toast(t('messaging.saved'))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }
  const gmail = preset !== 'other'

  return (
    <Card title={t('messaging.email')} actions={<ConfiguredBadge configured={s.configured} />} testId='email-settings'>
      {s.pausedUntil && new Date(s.pausedUntil) > new Date() && (
        <Banner tone='warning' testId='email-paused'>{t('messaging.paused', { until: formatDateTime(s.pausedUntil, timeZone), reason: s.pauseReason ?? '' })}</Banner>
      )}
      <div class='split'>
        <div class='split__main'>
          <form onSubmit={save} data-testid='email-form'>
            <div class='form-grid'>
              <Select
                label={t('messaging.preset')} value={preset} data-testid='email-preset' onValue={(v) => choose(v as Preset)}
                options={(['gmail', 'workspace', 'other'] as const).map(p => ({ value: p, label: t(`messaging.preset.${p}` as MessageKey) }))}
              />
              <TextField label={t('messaging.host')} value={s.host} required data-testid='email-host' onValue={(v) => update({ host: v })} />
              <NumberField label={t('messaging.port')} width='narrow' min={1} max={65535} value={numText(s.port)} required data-testid='email-port' onValue={(v) => update({ port: num(v) })} />
              <Select
                label={t('messaging.security')} value={s.security} data-testid='email-security' onValue={(v) => update({ security: v as Security })}
                options={(['starttls', 'tls', 'none'] as const).map(v => ({ value: v, label: t(`messaging.security.${v}` as MessageKey) }))}
              />
              <TextField label={t('messaging.username')} hint={gmail ? t('messaging.usernameHint') : undefined} value={s.username} autocomplete='username' data-testid='email-username' onValue={(v) => update({ username: v })} />
              <TextField
                label={t('messaging.password')} type='password' hint={s.passwordSet ? t('messaging.passwordKeep') : gmail ? t('messaging.passwordGmail') : undefined}
                value={password} autocomplete='new-password' data-testid='email-password' onValue={setPassword}
              />
              <TextField label={t('messaging.fromName')} value={s.fromName} data-testid='email-from-name' onValue={(v) => update({ fromName: v })} />
              <TextField label={t('messaging.fromAddress')} type='email' value={s.fromAddress} required data-testid='email-from' onValue={(v) => update({ fromAddress: v })} />
              <NumberField label={t('messaging.dailyLimit')} width='medium' hint={t('messaging.dailyLimitHint')} min={1} value={numText(s.dailyLimit)} data-testid='email-limit' onValue={(v) => update({ dailyLimit: num(v) })} />
            </div>
            {error && <Banner tone='critical' testId='email-save-status'>{t('messaging.error', { message: error })}</Banner>}
            <div class='card__footer'>
              {s.configured && <span class='muted toolbar__grow'>{t('messaging.sentLast24h', { count: formatNumber(s.sentLast24h), limit: formatNumber(s.dailyLimit) })}</span>}
              <Button variant='primary' type='submit' busy={saving} data-testid='email-save'>{t('messaging.save')}</Button>
            </div>
          </form>
          <h3 class='card__subtitle'>{t('messaging.testEmail')}</h3>
          <TestSend
            label={t('messaging.testTo')} type='email' initial={s.fromAddress} disabled={!s.configured} okKey='messaging.testSent' testId='email-test'
            send={async (to) => {
              // The count of the last 24 h (and a quota pause) changes with every test, whatever its outcome.
              try {
                await api('/api/settings/email/test', { method: 'POST', body: JSON.stringify({ to }) })
              } finally {
                api<EmailSettings>('/api/settings/email').then(n => setS(cur => cur && { ...cur, sentLast24h: n.sentLast24h, pausedUntil: n.pausedUntil, pauseReason: n.pauseReason })).catch(() => {})
              }
            }}
          />
        </div>
        {gmail && <GmailSteps />}
      </div>
    </Card>
  )
}
