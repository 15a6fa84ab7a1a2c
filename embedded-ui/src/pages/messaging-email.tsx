// Cấu hình → Tin nhắn, email card: the SMTP account with Gmail / Workspace presets, the Gmail steps beside it, "Gửi thử".
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { formatDateTime, formatNumber } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { errorText, Field, SaveStatus, TestSend } from '../components/messaging-form.tsx'

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

function GmailSteps () {
  return (
    <aside style={{ flex: '1 1 280px', maxWidth: '420px' }} data-testid='gmail-steps'>
      <h3 style={{ marginTop: 0 }}>{t('messaging.gmailSteps')}</h3>
      <ol>
        {(['messaging.gmailStep1', 'messaging.gmailStep2', 'messaging.gmailStep3', 'messaging.gmailStep4', 'messaging.gmailStep5'] as const).map(k => <li key={k}>{t(k)}</li>)}
      </ol>
      <p><a href='https://myaccount.google.com/security' target='_blank' rel='noreferrer'>myaccount.google.com</a></p>
    </aside>
  )
}

export function EmailSettingsCard () {
  const [s, setS] = useState<EmailSettings | null>(null)
  const [preset, setPreset] = useState<Preset>('gmail')
  const [password, setPassword] = useState('')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  const load = (next: EmailSettings) => { setS(next); setPreset(next.configured ? presetOf(next) : 'gmail') }
  useEffect(() => { api<EmailSettings>('/api/settings/email').then(load).catch((err: unknown) => setError(errorText(err))) }, [])
  if (!s) return <section class='card'>{error ? <p class='error-box' role='alert'>{error}</p> : <p class='muted'>{t('messaging.loading')}</p>}</section>

  const update = (patch: Partial<EmailSettings>) => { setS({ ...s, ...patch }); setSaved(false) }
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
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }
  const gmail = preset !== 'other'

  return (
    <section class='card' data-testid='email-settings'>
      <h2 class='card__title'>{t('messaging.email')} <span class='badge badge--sandbox'>{t(s.configured ? 'messaging.configured' : 'messaging.notConfigured')}</span></h2>
      {s.pausedUntil && new Date(s.pausedUntil) > new Date() && (
        <p class='error-box' role='status' data-testid='email-paused'>{t('messaging.paused', { until: formatDateTime(s.pausedUntil), reason: s.pauseReason ?? '' })}</p>
      )}
      <div style={{ display: 'flex', gap: '24px', flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <form onSubmit={save} style={{ flex: '2 1 420px' }} data-testid='email-form'>
          <Field label={t('messaging.preset')}>
            <select value={preset} data-testid='email-preset' onChange={(e) => choose(e.currentTarget.value as Preset)}>
              {(['gmail', 'workspace', 'other'] as const).map(p => <option key={p} value={p}>{t(`messaging.preset.${p}` as MessageKey)}</option>)}
            </select>
          </Field>
          <Field label={t('messaging.host')}><input value={s.host} required data-testid='email-host' onInput={(e) => update({ host: e.currentTarget.value })} /></Field>
          <Field label={t('messaging.port')}><input type='number' min={1} max={65535} value={s.port} required data-testid='email-port' onInput={(e) => update({ port: num(e.currentTarget.value) })} /></Field>
          <Field label={t('messaging.security')}>
            <select value={s.security} data-testid='email-security' onChange={(e) => update({ security: e.currentTarget.value as Security })}>
              {(['starttls', 'tls', 'none'] as const).map(v => <option key={v} value={v}>{t(`messaging.security.${v}` as MessageKey)}</option>)}
            </select>
          </Field>
          <Field label={t('messaging.username')} hint={gmail ? t('messaging.usernameHint') : undefined}>
            <input value={s.username} autocomplete='username' data-testid='email-username' onInput={(e) => update({ username: e.currentTarget.value })} />
          </Field>
          <Field label={t('messaging.password')} hint={s.passwordSet ? t('messaging.passwordKeep') : gmail ? t('messaging.passwordGmail') : undefined}>
            <input type='password' value={password} autocomplete='new-password' data-testid='email-password' onInput={(e) => { setPassword(e.currentTarget.value); setSaved(false) }} />
          </Field>
          <Field label={t('messaging.fromName')}><input value={s.fromName} data-testid='email-from-name' onInput={(e) => update({ fromName: e.currentTarget.value })} /></Field>
          <Field label={t('messaging.fromAddress')}><input type='email' value={s.fromAddress} required data-testid='email-from' onInput={(e) => update({ fromAddress: e.currentTarget.value })} /></Field>
          <Field label={t('messaging.dailyLimit')} hint={t('messaging.dailyLimitHint')}>
            <input type='number' min={1} value={s.dailyLimit} data-testid='email-limit' onInput={(e) => update({ dailyLimit: num(e.currentTarget.value) })} />
          </Field>
          {s.configured && <p class='muted'>{t('messaging.sentLast24h', { count: formatNumber(s.sentLast24h), limit: formatNumber(s.dailyLimit) })}</p>}
          <p><button class='button' type='submit' disabled={saving} data-testid='email-save'>{t('messaging.save')}</button></p>
          <SaveStatus saving={saving} error={error} saved={saved} testId='email-save-status' />
          <h3>{t('messaging.testEmail')}</h3>
          <TestSend
            label={t('messaging.testTo')} initial={s.fromAddress} disabled={!s.configured} okKey='messaging.testSent' testId='email-test'
            send={async (to) => {
              // The count of the last 24 h (and a quota pause) changes with every test, whatever its outcome.
              try {
                await api('/api/settings/email/test', { method: 'POST', body: JSON.stringify({ to }) })
              } finally {
                api<EmailSettings>('/api/settings/email').then(n => setS(cur => cur && { ...cur, sentLast24h: n.sentLast24h, pausedUntil: n.pausedUntil, pauseReason: n.pauseReason })).catch(() => {})
              }
            }}
          />
        </form>
        {gmail && <GmailSteps />}
      </div>
    </section>
  )
}
