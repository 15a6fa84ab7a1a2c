// An SMS text box with the live part counter and a "bỏ dấu" button; the counting rules are the server's own module.
import { countSmsParts, removeDiacritics } from '../../../server/messaging/sms-text.ts'
import { formatNumber } from '../format.ts'
import { t } from '../i18n.ts'

export function SmsEditor ({ value, onInput, label, testId = 'sms-editor' }: { value: string, onInput: (text: string) => void, label: string, testId?: string }) {
  const count = countSmsParts(value)
  return (
    <div data-testid={testId}>
      <label style={{ display: 'block' }}>
        <span>{label}</span>
        <textarea rows={4} style={{ display: 'block', width: '100%', maxWidth: '640px', marginTop: '4px' }} value={value} data-testid={`${testId}-text`} onInput={(e) => onInput(e.currentTarget.value)} />
      </label>
      <p class='muted' data-testid={`${testId}-count`} aria-live='polite'>
        {t('messaging.counterParts', {
          length: formatNumber(count.length),
          parts: formatNumber(count.parts),
          kind: t(count.unicode ? 'messaging.counterUnicode' : 'messaging.counterGsm'),
          remaining: formatNumber(count.remaining),
        })}{' '}
        <button type='button' class='button button--ghost' disabled={!count.unicode} data-testid={`${testId}-plain`} onClick={() => onInput(removeDiacritics(value))}>{t('messaging.removeDiacritics')}</button>
      </p>
    </div>
  )
}
