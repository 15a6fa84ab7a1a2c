// "Gửi thử" of the messaging settings: one address or phone, a busy send button, the outcome (the server's reason as it comes).
import { useState } from 'preact/hooks'
import { t } from '../i18n.ts'
import { errorText } from '../pages/settings-rewards-shared.ts'
import { Button } from './button.tsx'
import { Banner } from './feedback.tsx'
import { TextField } from './form.tsx'

export function TestSend ({ label, initial, disabled, send, okKey, testId, type = 'text' }: {
  label: string,
  initial: string,
  disabled: boolean,
  send: (value: string) => Promise<void>,
  okKey: 'messaging.testSent' | 'messaging.testSmsSent',
  testId: string,
  type?: 'email' | 'tel' | 'text'
}) {
  const [value, setValue] = useState(initial)
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | 'failed'>('idle')
  const [error, setError] = useState('')
  const run = async () => {
    setState('sending')
    try {
      await send(value.trim())
      setState('sent')
    } catch (err) {
      setError(errorText(err))
      setState('failed')
    }
  }
  return (
    <div data-testid={testId}>
      {/* Its own form: Enter sends the test instead of submitting the settings around it. */}
      <form class='form-row' noValidate onSubmit={(e) => { e.preventDefault(); if (!disabled && value.trim() !== '') run().catch(() => {}) }}>
        <div class='form-row__grow'>
          <TextField
            label={label} type={type} value={value} data-testid={`${testId}-to`}
            onValue={(v) => { setValue(v); setState('idle') }}
          />
        </div>
        <Button type='submit' busy={state === 'sending'} disabled={disabled || value.trim() === ''} data-testid={`${testId}-send`}>
          {state === 'sending' ? t('messaging.testSending') : t('messaging.testSend')}
        </Button>
      </form>
      {disabled && <p class='field__hint'>{t('messaging.saveFirst')}</p>}
      {state === 'sent' && <Banner tone='success' testId={`${testId}-ok`}>{t(okKey)}</Banner>}
      {state === 'failed' && <Banner tone='critical' testId={`${testId}-error`}>{t('messaging.testFailed', { message: error })}</Banner>}
    </div>
  )
}
