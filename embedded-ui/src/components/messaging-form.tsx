// Small form pieces of the messaging settings: a labelled field, the save status, and the "Gửi thử" box.
import { useState } from 'preact/hooks'
import { ApiError } from '../api.ts'
import { t } from '../i18n.ts'

export const errorText = (err: unknown) => {
  if (err instanceof ApiError && Array.isArray(err.issues) && err.issues.length > 0) {
    return (err.issues as Array<{ message?: string }>).map(i => i.message).filter(Boolean).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}

export function Field ({ label, children, hint }: { label: string, children: preact.ComponentChildren, hint?: string }) {
  return (
    <label style={{ display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap', margin: '8px 0' }}>
      <span style={{ minWidth: '200px' }}>{label}</span>
      {children}
      {hint && <span class='muted'>{hint}</span>}
    </label>
  )
}

export function SaveStatus ({ saving, error, saved, testId }: { saving: boolean, error: string | null, saved: boolean, testId: string }) {
  if (saving) return <p class='muted'>{t('messaging.saving')}</p>
  if (error) return <p class='error-box' role='alert' data-testid={testId}>{t('messaging.error', { message: error })}</p>
  if (saved) return <p class='muted' data-testid={`${testId}-ok`}>{t('messaging.saved')}</p>
  return null
}

/** "Gửi thử": one input (address or phone) and the outcome, the server's reason shown as it comes (Vietnamese). */
export function TestSend ({ label, initial, disabled, send, okKey, testId }: {
  label: string, initial: string, disabled: boolean, send: (value: string) => Promise<void>, okKey: 'messaging.testSent' | 'messaging.testSmsSent', testId: string
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
      <Field label={label}>
        <input value={value} data-testid={`${testId}-to`} onInput={(e) => { setValue(e.currentTarget.value); setState('idle') }} />
        <button type='button' class='button' disabled={disabled || state === 'sending' || value.trim() === ''} data-testid={`${testId}-send`} onClick={run}>
          {state === 'sending' ? t('messaging.testSending') : t('messaging.testSend')}
        </button>
      </Field>
      {disabled && <p class='muted'>{t('messaging.saveFirst')}</p>}
      {state === 'sent' && <p class='muted' data-testid={`${testId}-ok`}>{t(okKey)}</p>}
      {state === 'failed' && <p class='error-box' role='alert' data-testid={`${testId}-error`}>{t('messaging.testFailed', { message: error })}</p>}
    </div>
  )
}
