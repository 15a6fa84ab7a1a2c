// An SMS text box with the live part counter and a "bỏ dấu" button; the counting rules are the server's own module.
import { countSmsParts, removeDiacritics } from '../../../server/messaging/sms-text.ts'
import { formatNumber } from '../format.ts'
import { t } from '../i18n.ts'
import { Button } from './button.tsx'
import { TextArea } from './form.tsx'

export function SmsEditor ({ value, onInput, label, testId = 'sms-editor' }: { value: string, onInput: (text: string) => void, label: string, testId?: string }) {
  const count = countSmsParts(value)
  return (
    <div class='sms-editor' data-testid={testId}>
      <TextArea label={label} rows={4} value={value} data-testid={`${testId}-text`} onValue={onInput} />
      <div class='inline inline--between'>
        <span class='field__hint' data-testid={`${testId}-count`} aria-live='polite'>
          {t('messaging.counterParts', {
            length: formatNumber(count.length),
            parts: formatNumber(count.parts),
            kind: t(count.unicode ? 'messaging.counterUnicode' : 'messaging.counterGsm'),
            remaining: formatNumber(count.remaining),
          })}
        </span>
        <Button slim disabled={!count.unicode} data-testid={`${testId}-plain`} onClick={() => onInput(removeDiacritics(value))}>{t('messaging.removeDiacritics')}</Button>
      </div>
    </div>
  )
}
