// "Tạo chiến dịch": kind → audience (live count) → channels → content (variables, live preview, SMS parts, bỏ dấu) → schedule → confirm.
import { useEffect, useRef, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { api } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { countSmsParts, removeDiacritics } from '../../../server/messaging/sms-text.ts'
import { AUTOMATIC, CODE_VARIABLES, FILTERS, KINDS, VARIABLES, errorText, kindLabel, type Audience, type Campaign, type Channel, type Estimate, type Kind, type Promo, type Segment } from './campaigns-shared.ts'

const SAMPLE: Record<string, string> = { ten: 'Lan', ho_ten: 'Nguyễn Thị Lan', diem: '1.250', hang: 'Vàng', diem_len_hang: '2.500', hang_tiep_theo: 'Kim cương', ten_cua_hang: '', ngay_sinh: '14/10', ma_giam_gia: 'CD-7KQ2M9PX', han_su_dung: '31/12/2026', uu_dai: 'Giảm 50.000 ₫' }
const fill = (text: string, html: boolean) => text.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (w, k: string) => {
  const v = SAMPLE[k]
  if (v === undefined) return w
  return html ? v.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`) : v
})
const TRIGGERS: Record<string, Record<string, unknown>> = { birthday: { daysBefore: 0 }, thank_you: { delayHours: 2, on: 'paid' }, reminder: { afterDays: 30 } }
const DISCOUNTS = ['fixed_amount', 'percentage', 'free_shipping'] as const

function ThankYouFields ({ trigger, setTrigger }: { trigger: Record<string, unknown>, setTrigger: (t: Record<string, unknown>) => void }) {
  const set = (patch: Record<string, unknown>) => setTrigger({ ...TRIGGERS.thank_you, ...trigger, ...patch })
  return (
    <p>
      <label>{t('campaigns.trigger.delayHours')} <input type='number' min={0} value={Number(trigger.delayHours ?? 2)} onInput={e => set({ delayHours: Number(e.currentTarget.value) })} /></label>{' '}
      <label>
        {t('campaigns.trigger.on')}{' '}
        <select value={String(trigger.on ?? 'paid')} onChange={e => set({ on: e.currentTarget.value })}>
          <option value='paid'>{t('campaigns.trigger.on.paid')}</option>
          <option value='fulfilled'>{t('campaigns.trigger.on.fulfilled')}</option>
        </select>
      </label>
    </p>
  )
}
const STEPS = ['kind', 'audience', 'channels', 'content', 'schedule', 'confirm'] as const

function VariableButtons ({ onInsert, withCode }: { onInsert: (v: string) => void, withCode: boolean }) {
  return (
    <p class='muted'>{t('campaigns.insertVariable')}:{' '}
      {VARIABLES.filter(v => withCode || !CODE_VARIABLES.includes(v)).map(v => (
        <button key={v} type='button' class='button button--ghost' title={`{{${v}}}`} onClick={() => onInsert(`{{${v}}}`)}>{t(`campaigns.var.${v}` as MessageKey)}</button>
      ))}
    </p>
  )
}

export function CampaignNewPage () {
  const { route } = useLocation()
  const [step, setStep] = useState(0)
  const [kind, setKind] = useState<Kind>('announcement')
  const [name, setName] = useState('')
  const [audience, setAudience] = useState<Audience>({ all: true })
  const [channels, setChannels] = useState<Channel[]>(['email'])
  const [subject, setSubject] = useState('{{ten}} ơi, ')
  const [html, setHtml] = useState('<p>Chào {{ho_ten}},</p>\n<p></p>')
  const [sms, setSms] = useState('')
  const [withCode, setWithCode] = useState(false)
  const [promo, setPromo] = useState<Promo>({ discountType: 'fixed_amount', value: 50000, validFrom: '', validTo: '', validDays: 30, minimumOrder: 0 })
  const [trigger, setTrigger] = useState<Record<string, unknown>>({})
  const [sendAt, setSendAt] = useState('')
  const [segments, setSegments] = useState<Segment[]>([])
  const [estimate, setEstimate] = useState<Estimate | null>(null)
  const [draft, setDraft] = useState<Campaign | null>(null)
  const [preview, setPreview] = useState<{ email?: { subject: string, html: string }, sms?: { text: string, parts: number } } | null>(null)
  const [previewId, setPreviewId] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const htmlRef = useRef<HTMLTextAreaElement>(null)
  const smsRef = useRef<HTMLTextAreaElement>(null)
  const automatic = AUTOMATIC.includes(kind)
  const hasCode = kind === 'promo' || (withCode && (kind === 'birthday' || kind === 'reminder'))

  useEffect(() => { api<{ items: Segment[] }>('/api/segments').then(s => setSegments(s.items)).catch(() => {}) }, [])
  // The live count (and, later, the estimate) follows every change of audience, channels or SMS text.
  useEffect(() => {
    const timer = setTimeout(() => {
      api<Estimate>('/api/campaigns/estimate', { method: 'POST', body: JSON.stringify({ type: kind, channels, audience, sms: channels.includes('sms') && sms ? { text: sms } : null, email: null }) })
        .then(setEstimate).catch(() => {})
    }, 300)
    return () => clearTimeout(timer)
  }, [kind, JSON.stringify(audience), channels.join(), sms])

  const insert = (ref: { current: HTMLTextAreaElement | null }, value: string, set: (v: string) => void, text: string) => {
    const el = ref.current
    const at = el ? el.selectionStart : text.length
    set(text.slice(0, at) + value + text.slice(el ? el.selectionEnd : at))
  }
  const body = () => ({
    name: name || kindLabel(kind),
    type: kind,
    channels,
    audience,
    email: channels.includes('email') ? { subject, html } : null,
    sms: channels.includes('sms') ? { text: sms } : null,
    promo: hasCode ? (automatic ? { ...promo, validFrom: null, validTo: null } : { ...promo, validDays: null }) : null,
    trigger: automatic ? { ...TRIGGERS[kind], ...trigger } : null,
  })
  const saveDraft = async (): Promise<Campaign | null> => {
    setBusy(true)
    setError(null)
    try {
      const saved = await api<Campaign>(draft ? `/api/campaigns/${draft.id}` : '/api/campaigns', { method: draft ? 'PUT' : 'POST', body: JSON.stringify(body()) })
      setDraft(saved)
      setEstimate(await api<Estimate>(`/api/campaigns/${saved.id}/estimate`))
      return saved
    } catch (err) { setError(errorText(err)); return null } finally { setBusy(false) }
  }
  const next = async () => {
    if (STEPS[step + 1] === 'confirm' && !(await saveDraft())) return
    setStep(step + 1)
  }
  const start = async () => {
    if (!draft || !window.confirm(t('campaigns.startConfirm', { name: draft.name }))) return
    setBusy(true)
    try {
      await api(`/api/campaigns/${draft.id}/start`, { method: 'POST', body: JSON.stringify(sendAt && !automatic ? { sendAt: new Date(sendAt).toISOString() } : {}) })
      route(`/campaigns/${draft.id}`)
    } catch (err) { setError(errorText(err)) } finally { setBusy(false) }
  }
  const serverPreview = async () => {
    if (!draft || !previewId) return
    try { setPreview(await api(`/api/campaigns/${draft.id}/preview`, { method: 'POST', body: JSON.stringify({ customerId: Number(previewId) }) })) } catch (err) { setError(errorText(err)) }
  }
  const parts = countSmsParts(sms)
  const current = STEPS[step]!

  return (
    <section class='page'>
      <PageHeader title={t('campaigns.new')}>{t(`campaigns.step.${current}` as MessageKey)}</PageHeader>
      {error && <p class='error-box' role='alert'>{t('campaigns.error', { message: error })}</p>}
      <div class='card'>
        {current === 'kind' && KINDS.map(k => (
          <label key={k} class='details__row' style='display: block'>
            <input type='radio' name='kind' checked={kind === k} onChange={() => setKind(k)} data-testid={`kind-${k}`} /> <strong>{kindLabel(k)}</strong>
            <p class='muted' style='margin: 4px 0 0 24px'>{t(`campaigns.kindHelp.${k}` as MessageKey)}</p>
          </label>
        ))}
        {current === 'audience' && (
          <div>
            <p><label><input type='radio' checked={'all' in audience} onChange={() => setAudience({ all: true })} /> {t('campaigns.audience.all')}</label></p>
            <p><label><input type='radio' checked={'filter' in audience} onChange={() => setAudience({ filter: 'last_30_days' })} /> {t('campaigns.audience.filter')}</label>{' '}
              {'filter' in audience && <select value={audience.filter} onChange={e => setAudience({ filter: e.currentTarget.value as typeof FILTERS[number] })}>{FILTERS.map(f => <option key={f} value={f}>{t(`campaigns.filter.${f}` as MessageKey)}</option>)}</select>}
            </p>
            <p><label><input type='radio' checked={'segmentId' in audience} disabled={segments.length === 0} onChange={() => setAudience({ segmentId: segments[0]!.id })} /> {t('campaigns.audience.segment')}</label>{' '}
              {'segmentId' in audience && <select value={audience.segmentId} onChange={e => setAudience({ segmentId: e.currentTarget.value })}>{segments.map(s => <option key={s.id} value={s.id}>{s.name}</option>)}</select>}
            </p>
            <p data-testid='live-count'><strong>{t('campaigns.liveCount', { count: estimate ? formatNumber(estimate.audience) : '…' })}</strong></p>
          </div>
        )}
        {current === 'channels' && (['email', 'sms'] as Channel[]).map(ch => (
          <p key={ch}><label><input type='checkbox' checked={channels.includes(ch)} onChange={e => setChannels(e.currentTarget.checked ? [...channels, ch] : channels.filter(x => x !== ch))} /> {t(`campaigns.channel.${ch}` as MessageKey)}</label></p>
        ))}
        {current === 'content' && (
          <div>
            <p><label>{t('campaigns.name')}<br /><input value={name} onInput={e => setName(e.currentTarget.value)} placeholder={kindLabel(kind)} style='width: 100%' /></label></p>
            {(kind === 'birthday' || kind === 'reminder') && <p><label><input type='checkbox' checked={withCode} onChange={e => setWithCode(e.currentTarget.checked)} /> {t('campaigns.promo.with')}</label></p>}
            {hasCode && (
              <fieldset><legend>{t('campaigns.promo')}</legend>
                <label>
                  {t('campaigns.promo.type')}{' '}
                  <select value={promo.discountType} onChange={e => setPromo({ ...promo, discountType: e.currentTarget.value as Promo['discountType'] })}>
                    {DISCOUNTS.map(d => <option key={d} value={d}>{t(`campaigns.promo.${d}` as MessageKey)}</option>)}
                  </select>
                </label>{' '}
                {promo.discountType !== 'free_shipping' && <label>{t('campaigns.promo.value')} <input type='number' min={0} value={promo.value} onInput={e => setPromo({ ...promo, value: Number(e.currentTarget.value) })} /></label>}{' '}
                {!automatic && <><label>{t('campaigns.promo.validFrom')} <input type='date' value={promo.validFrom ?? ''} onInput={e => setPromo({ ...promo, validFrom: e.currentTarget.value })} /></label>{' '}<label>{t('campaigns.promo.validTo')} <input type='date' value={promo.validTo ?? ''} onInput={e => setPromo({ ...promo, validTo: e.currentTarget.value })} /></label></>}
                {automatic && <label>{t('campaigns.promo.validDays')} <input type='number' min={1} value={promo.validDays ?? 30} onInput={e => setPromo({ ...promo, validDays: Number(e.currentTarget.value) })} /></label>}{' '}
                <label>{t('campaigns.promo.minimumOrder')} <input type='number' min={0} step={1000} value={promo.minimumOrder} onInput={e => setPromo({ ...promo, minimumOrder: Number(e.currentTarget.value) })} /></label>
              </fieldset>
            )}
            {kind === 'birthday' && <p><label>{t('campaigns.trigger.daysBefore')} <input type='number' min={0} max={30} value={Number(trigger.daysBefore ?? 0)} onInput={e => setTrigger({ daysBefore: Number(e.currentTarget.value) })} /></label></p>}
            {kind === 'thank_you' && <ThankYouFields trigger={trigger} setTrigger={setTrigger} />}
            {kind === 'reminder' && <p><label>{t('campaigns.trigger.afterDays')} <input type='number' min={1} value={Number(trigger.afterDays ?? 30)} onInput={e => setTrigger({ afterDays: Number(e.currentTarget.value) })} /></label></p>}
            {channels.includes('email') && (
              <div>
                <p><label>{t('campaigns.subject')}<br /><input value={subject} onInput={e => setSubject(e.currentTarget.value)} style='width: 100%' data-testid='email-subject' /></label></p>
                <p><label>{t('campaigns.html')}<br /><textarea ref={htmlRef} rows={6} value={html} onInput={e => setHtml(e.currentTarget.value)} style='width: 100%' data-testid='email-html' /></label></p>
                <VariableButtons withCode={hasCode} onInsert={v => insert(htmlRef, v, setHtml, html)} />
                <div class='card' data-testid='email-preview'><p><strong>{fill(subject, false)}</strong></p><div dangerouslySetInnerHTML={{ __html: fill(html, true) }} /></div>
              </div>
            )}
            {channels.includes('sms') && (
              <div>
                <p><label>{t('campaigns.smsText')}<br /><textarea ref={smsRef} rows={3} value={sms} onInput={e => setSms(e.currentTarget.value)} style='width: 100%' data-testid='sms-text' /></label></p>
                <VariableButtons withCode={hasCode} onInsert={v => insert(smsRef, v, setSms, sms)} />
                <p class='muted' data-testid='sms-parts'>{t('campaigns.smsParts', { length: parts.length, parts: parts.parts, encoding: t(parts.unicode ? 'campaigns.smsUnicode' : 'campaigns.smsGsm') })}{' '}
                  {parts.unicode && <button type='button' class='button button--ghost' onClick={() => setSms(removeDiacritics(sms))} data-testid='remove-diacritics'>{t('campaigns.removeDiacritics')}</button>}
                </p>
                {kind !== 'thank_you' && <p class='muted'>{t('campaigns.smsQcNote')}</p>}
                <p class='card'>{fill(sms, false)}</p>
              </div>
            )}
          </div>
        )}
        {current === 'schedule' && (automatic
          ? <p>{t('campaigns.schedule.automatic')}</p>
          : (
            <div>
              <p><label><input type='radio' checked={!sendAt} onChange={() => setSendAt('')} /> {t('campaigns.schedule.now')}</label></p>
              <p><label><input type='radio' checked={!!sendAt} onChange={() => setSendAt(new Date(Date.now() + 3600_000).toISOString().slice(0, 16))} /> {t('campaigns.schedule.later')}</label>{' '}
                {sendAt && <input type='datetime-local' value={sendAt} onInput={e => setSendAt(e.currentTarget.value)} />}
              </p>
            </div>
            ))}
        {current === 'confirm' && estimate && (
          <div data-testid='campaign-confirm'>
            <p><strong>{draft?.name}</strong> — {kindLabel(kind)}</p>
            <p>{t('campaigns.confirm.audience', { count: formatNumber(estimate.audience) })}</p>
            {estimate.email && <p>{t('campaigns.confirm.email', { messages: formatNumber(estimate.email.messages), eligible: formatNumber(estimate.email.eligible), capped: formatNumber(estimate.email.capped), contact: formatNumber(estimate.email.withContact) })}</p>}
            {estimate.email?.perDay && <p>{t('campaigns.confirm.eta', { perDay: formatNumber(estimate.email.perDay), days: estimate.email.days ?? 1 })}</p>}
            {estimate.sms && <p>{t('campaigns.confirm.sms', { messages: formatNumber(estimate.sms.messages), parts: estimate.sms.parts, price: formatVnd(estimate.sms.pricePerPart), cost: formatVnd(estimate.sms.cost) })}</p>}
            <p><label>{t('campaigns.previewFor')} <input type='number' value={previewId} onInput={e => setPreviewId(e.currentTarget.value)} /></label>{' '}
              <button type='button' class='button button--ghost' onClick={serverPreview}>{t('campaigns.preview')}</button>
            </p>
            {preview?.email && <div class='card'><p><strong>{preview.email.subject}</strong></p><div dangerouslySetInnerHTML={{ __html: preview.email.html }} /></div>}
            {preview?.sms && <p class='card'>{preview.sms.text}</p>}
          </div>
        )}
      </div>
      <p>
        {step > 0 && <button type='button' class='button button--secondary' onClick={() => setStep(step - 1)}>{t('campaigns.back')}</button>}{' '}
        {current !== 'confirm' && <button type='button' class='button' disabled={busy || (current === 'channels' && channels.length === 0)} onClick={next} data-testid='wizard-next'>{t('campaigns.next')}</button>}
        {current === 'confirm' && <a class='button button--secondary' href={draft ? `/campaigns/${draft.id}` : '/campaigns'}>{t('campaigns.saveDraft')}</a>}{' '}
        {current === 'confirm' && <button type='button' class='button' disabled={busy || !draft} onClick={start} data-testid='campaign-start'>{automatic ? t('campaigns.activate') : t('campaigns.start')}</button>}
      </p>
    </section>
  )
}
