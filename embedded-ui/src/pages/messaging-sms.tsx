// Cấu hình → Tin nhắn, SMS card: the VietGuys brandname account, the IP whitelist note, "Gửi thử".
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { t } from '../i18n.ts'
import { errorText, Field, SaveStatus, TestSend } from '../components/messaging-form.tsx'

interface SmsSettings { provider: 'vietguys', brandname: string, username: string, passwordSet: boolean, configured: boolean }

export function SmsSettingsCard () {
  const [s, setS] = useState<SmsSettings | null>(null)
  const [password, setPassword] = useState('')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  useEffect(() => { api<SmsSettings>('/api/settings/sms').then(setS).catch((err: unknown) => setError(errorText(err))) }, [])
  if (!s) return <section class='card'>{error ? <p class='error-box' role='alert'>{error}</p> : <p class='muted'>{t('messaging.loading')}</p>}</section>

  const update = (patch: Partial<SmsSettings>) => { setS({ ...s, ...patch }); setSaved(false) }
  const save = async (e: Event) => {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const body = { provider: 'vietguys', brandname: s.brandname, username: s.username, ...(password ? { password } : {}) }
      setS(await api<SmsSettings>('/api/settings/sms', { method: 'PUT', body: JSON.stringify(body) }))
      setPassword('')
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <section class='card' data-testid='sms-settings'>
      <h2 class='card__title'>{t('messaging.sms')} <span class='badge badge--sandbox'>{t(s.configured ? 'messaging.configured' : 'messaging.notConfigured')}</span></h2>
      <p class='muted'>{t('messaging.smsLead')}</p>
      <form onSubmit={save} data-testid='sms-form'>
        <Field label={t('messaging.brandname')}><input value={s.brandname} required maxLength={40} data-testid='sms-brandname' onInput={(e) => update({ brandname: e.currentTarget.value })} /></Field>
        <Field label={t('messaging.smsUsername')}><input value={s.username} required autocomplete='off' data-testid='sms-username' onInput={(e) => update({ username: e.currentTarget.value })} /></Field>
        <Field label={t('messaging.smsPassword')} hint={s.passwordSet ? t('messaging.passwordKeep') : undefined}>
          <input type='password' value={password} autocomplete='new-password' data-testid='sms-password' onInput={(e) => { setPassword(e.currentTarget.value); setSaved(false) }} />
        </Field>
        <p class='muted'>{t('messaging.smsWhitelist')}</p>
        <p><button class='button' type='submit' disabled={saving} data-testid='sms-save'>{t('messaging.save')}</button></p>
        <SaveStatus saving={saving} error={error} saved={saved} testId='sms-save-status' />
        <TestSend
          label={t('messaging.testPhone')} initial='' disabled={!s.configured} okKey='messaging.testSmsSent' testId='sms-test'
          send={(phone) => api('/api/settings/sms/test', { method: 'POST', body: JSON.stringify({ phone }) }).then(() => {})}
        />
      </form>
    </section>
  )
}
