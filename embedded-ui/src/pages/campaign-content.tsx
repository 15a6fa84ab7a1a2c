// The wizard's content step: name, discount code, trigger, the email and the SMS with variables and a sample preview.
import { useId, useRef } from 'preact/hooks'
import { Button } from '../components/button.tsx'
import { Checkbox, DateField, Field, NumberField, Select, TextField } from '../components/form.tsx'
import { SmsEditor } from '../components/sms-editor.tsx'
import { formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { CODE_VARIABLES, VARIABLES, kindLabel, type Audience, type Channel, type Kind, type Promo } from './campaigns-shared.ts'

export interface Form {
  kind: Kind
  name: string
  audience: Audience
  channels: Channel[]
  subject: string
  html: string
  sms: string
  withCode: boolean
  promo: Promo
  trigger: Record<string, unknown>
  sendAt: string
}

export const TRIGGERS: Record<string, Record<string, unknown>> = { birthday: { daysBefore: 0 }, thank_you: { delayHours: 2, on: 'paid' }, reminder: { afterDays: 30 } }
const DISCOUNTS = ['fixed_amount', 'percentage', 'free_shipping'] as const
// A made-up member, so the merchant sees the message as a customer would before choosing a real one.
const SAMPLE: Record<string, string> = { ten: 'Lan', ho_ten: 'Nguyễn Thị Lan', diem: '1.250', hang: 'Vàng', diem_len_hang: '2.500', hang_tiep_theo: 'Kim cương', ten_cua_hang: '', ngay_sinh: '14/10', ma_giam_gia: 'CD-7KQ2M9PX', han_su_dung: '31/12/2026', uu_dai: 'Giảm 50.000 ₫' }
const fill = (text: string, html: boolean) => text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (w, k: string) => {
  const v = SAMPLE[k]
  if (v === undefined) return w
  return html ? v.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`) : v
})

function VariableButtons ({ onInsert, withCode, testId }: { onInsert: (v: string) => void, withCode: boolean, testId: string }) {
  return (
    <div class='inline' data-testid={testId}>
      <span class='field__hint'>{t('campaigns.insertVariable')}:</span>
      {VARIABLES.filter(v => withCode || !CODE_VARIABLES.includes(v)).map(v => (
        <Button key={v} variant='plain' slim title={`{{${v}}}`} onClick={() => onInsert(`{{${v}}}`)}>{t(`campaigns.var.${v}` as MessageKey)}</Button>
      ))}
    </div>
  )
}

/** Puts the variable where the caret is (or at the end) of the text box. */
function insertAt (el: HTMLTextAreaElement | null | undefined, text: string, value: string): string {
  const from = el ? el.selectionStart : text.length
  const to = el ? el.selectionEnd : text.length
  return text.slice(0, from) + value + text.slice(to)
}

export function ContentStep ({ form, set, errors, hasCode, automatic }: { form: Form, set: (patch: Partial<Form>) => void, errors: Record<string, string>, hasCode: boolean, automatic: boolean }) {
  const htmlRef = useRef<HTMLTextAreaElement>(null)
  const smsWrap = useRef<HTMLDivElement>(null)
  const htmlId = useId()
  const { promo, trigger, kind } = form
  const setPromo = (patch: Partial<Promo>) => set({ promo: { ...promo, ...patch } })
  const setTrigger = (patch: Record<string, unknown>) => set({ trigger: { ...TRIGGERS[kind], ...trigger, ...patch } })
  const num = (v: string) => (v === '' ? 0 : Number(v))
  return (
    <div class='stack'>
      <TextField label={t('campaigns.name')} value={form.name} placeholder={kindLabel(kind)} onValue={name => set({ name })} error={errors.name} data-testid='campaign-name' />
      {(kind === 'birthday' || kind === 'reminder') && <Checkbox label={t('campaigns.promo.with')} checked={form.withCode} onValue={withCode => set({ withCode })} />}
      {hasCode && (
        <fieldset class='fieldset'>
          <legend class='fieldset__legend'>{t('campaigns.promo')}</legend>
          <div class='form-grid'>
            <Select label={t('campaigns.promo.type')} value={promo.discountType} options={DISCOUNTS.map(d => ({ value: d, label: t(`campaigns.promo.${d}` as MessageKey) }))} onValue={v => setPromo({ discountType: v as Promo['discountType'] })} />
            {promo.discountType !== 'free_shipping' && <NumberField label={t('campaigns.promo.value')} hint={promo.discountType === 'fixed_amount' ? formatVnd(promo.value) : `${formatNumber(promo.value)} %`} min={0} value={promo.value} onValue={v => setPromo({ value: num(v) })} error={errors['promo.value']} />}
            {!automatic && <DateField label={t('campaigns.promo.validFrom')} value={promo.validFrom ?? ''} onValue={v => setPromo({ validFrom: v })} error={errors['promo.validFrom']} />}
            {!automatic && <DateField label={t('campaigns.promo.validTo')} value={promo.validTo ?? ''} onValue={v => setPromo({ validTo: v })} error={errors['promo.validTo']} />}
            {automatic && <NumberField label={t('campaigns.promo.validDays')} min={1} value={promo.validDays ?? 30} onValue={v => setPromo({ validDays: num(v) })} error={errors['promo.validDays']} />}
            <NumberField label={t('campaigns.promo.minimumOrder')} hint={formatVnd(promo.minimumOrder)} min={0} step={1000} value={promo.minimumOrder} onValue={v => setPromo({ minimumOrder: num(v) })} error={errors['promo.minimumOrder']} />
          </div>
          {errors.promo && <span class='field__error' role='alert'>{errors.promo}</span>}
        </fieldset>
      )}
      {automatic && (
        <div class='form-grid'>
          {kind === 'birthday' && <NumberField label={t('campaigns.trigger.daysBefore')} min={0} max={30} value={Number(trigger.daysBefore ?? 0)} onValue={v => setTrigger({ daysBefore: num(v) })} error={errors.trigger} />}
          {kind === 'thank_you' && <NumberField label={t('campaigns.trigger.delayHours')} min={0} value={Number(trigger.delayHours ?? 2)} onValue={v => setTrigger({ delayHours: num(v) })} error={errors.trigger} />}
          {kind === 'thank_you' && (
            <Select
              label={t('campaigns.trigger.on')} value={String(trigger.on ?? 'paid')} onValue={v => setTrigger({ on: v })}
              options={[{ value: 'paid', label: t('campaigns.trigger.on.paid') }, { value: 'fulfilled', label: t('campaigns.trigger.on.fulfilled') }]}
            />
          )}
          {kind === 'reminder' && <NumberField label={t('campaigns.trigger.afterDays')} min={1} value={Number(trigger.afterDays ?? 30)} onValue={v => setTrigger({ afterDays: num(v) })} error={errors.trigger} />}
        </div>
      )}
      {form.channels.includes('email') && (
        <section class='card card--nested stack'>
          <h3 class='card__title'>{t('campaigns.channel.email')}</h3>
          <TextField label={t('campaigns.subject')} value={form.subject} onValue={subject => set({ subject })} error={errors['email.subject'] ?? errors.email} data-testid='email-subject' />
          <Field label={t('campaigns.html')} id={htmlId} error={errors['email.html']} hint={t('campaigns.htmlHint')}>
            <textarea
              ref={htmlRef} id={htmlId} class='input textarea textarea--code' rows={6} value={form.html} data-testid='email-html'
              aria-invalid={errors['email.html'] ? true : undefined} onInput={e => set({ html: e.currentTarget.value })}
            />
          </Field>
          <VariableButtons withCode={hasCode} testId='email-variables' onInsert={v => set({ html: insertAt(htmlRef.current, form.html, v) })} />
          <div class='preview' data-testid='email-preview'>
            <p class='field__hint'>{t('campaigns.samplePreview')}</p>
            <p class='preview__subject'>{fill(form.subject, false)}</p>
            <div dangerouslySetInnerHTML={{ __html: fill(form.html, true) }} />
          </div>
        </section>
      )}
      {form.channels.includes('sms') && (
        <section class='card card--nested stack'>
          <h3 class='card__title'>{t('campaigns.channel.sms')}</h3>
          <div ref={smsWrap}>
            <SmsEditor label={t('campaigns.smsText')} value={form.sms} onInput={sms => set({ sms })} testId='sms' />
            {(errors['sms.text'] ?? errors.sms) && <span class='field__error' role='alert'>{errors['sms.text'] ?? errors.sms}</span>}
          </div>
          <VariableButtons withCode={hasCode} testId='sms-variables' onInsert={v => set({ sms: insertAt(smsWrap.current?.querySelector('textarea'), form.sms, v) })} />
          {kind !== 'thank_you' && <p class='field__hint'>{t('campaigns.smsQcNote')}</p>}
          <div class='preview' data-testid='sms-preview'>
            <p class='field__hint'>{t('campaigns.samplePreview')}</p>
            <p>{fill(form.sms, false)}</p>
          </div>
        </section>
      )}
    </div>
  )
}
