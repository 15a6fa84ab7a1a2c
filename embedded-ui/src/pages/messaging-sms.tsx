// Cấu hình → Tin nhắn, SMS card: the VietGuys brandname account, the IP whitelist note, "Gửi thử".
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { t } from '../i18n.ts'
import { SettingsLoading } from './messaging-loading.tsx'
import { Button } from '../components/button.tsx'
import { Banner, Card } from '../components/feedback.tsx'
import { TextField } from '../components/form.tsx'
import { TestSend } from '../components/test-send.tsx'
import { toast } from '../components/toast.tsx'
import { ConfiguredBadge } from './messaging-email.tsx'
import { errorText } from './settings-rewards-shared.ts'

interface SmsSettings { provider: 'vietguys', brandname: string, username: string, passwordSet: boolean, configured: boolean }

export function SmsSettingsCard () {
  const [s, setS] = useState<SmsSettings | null>(null)
  const [password, setPassword] = useState('')
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => { api<SmsSettings>('/api/settings/sms').then(setS).catch((err: unknown) => setError(errorText(err))) }, [])
  if (!s) {
    return <SettingsLoading title={t('messaging.sms')} error={error} />
  }

  const update = (patch: Partial<SmsSettings>) => setS({ ...s, ...patch })
  const save = async (e: Event) => {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      const body = { provider: 'vietguys', brandname: s.brandname, username: s.username, ...(password ? { password } : {}) }
      setS(await api<SmsSettings>('/api/settings/sms', { method: 'PUT', body: JSON.stringify(body) }))
      setPassword('')
      toast(t('messaging.saved'))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <Card title={t('messaging.sms')} actions={<ConfiguredBadge configured={s.configured} />} testId='sms-settings'>
      <p class='muted'>{t('messaging.smsLead')}</p>
      <form onSubmit={save} data-testid='sms-form'>
        <div class='form-grid'>
          <TextField label={t('messaging.brandname')} value={s.brandname} required maxLength={40} data-testid='sms-brandname' onValue={(v) => update({ brandname: v })} />
          <TextField label={t('messaging.smsUsername')} value={s.username} required autocomplete='off' data-testid='sms-username' onValue={(v) => update({ username: v })} />
          <TextField
            label={t('messaging.smsPassword')} type='password' hint={s.passwordSet ? t('messaging.passwordKeep') : undefined}
            value={password} autocomplete='new-password' data-testid='sms-password' onValue={setPassword}
          />
        </div>
        <Banner tone='info'>{t('messaging.smsWhitelist')}</Banner>
        {error && <Banner tone='critical' testId='sms-save-status'>{t('messaging.error', { message: error })}</Banner>}
        <div class='card__footer'>
          <Button variant='primary' type='submit' busy={saving} data-testid='sms-save'>{t('messaging.save')}</Button>
        </div>
      </form>
      <h3 class='card__subtitle'>{t('messaging.testSms')}</h3>
      <TestSend
        label={t('messaging.testPhone')} type='tel' initial='' disabled={!s.configured} okKey='messaging.testSmsSent' testId='sms-test'
        send={(phone) => api('/api/settings/sms/test', { method: 'POST', body: JSON.stringify({ phone }) }).then(() => {})}
      />
    </Card>
  )
}
