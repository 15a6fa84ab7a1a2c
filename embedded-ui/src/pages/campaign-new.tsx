// "Tạo chiến dịch": kind → audience (live count) → channels → content (variables, preview, SMS parts) → schedule → confirm.
import { useEffect, useId, useState } from 'preact/hooks'
import { useLocation } from 'preact-iso'
import { api } from '../api.ts'
import { Button, buttonClass } from '../components/button.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { Banner, Card } from '../components/feedback.tsx'
import { Checkbox, Field, Select } from '../components/form.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Tabs } from '../components/tabs.tsx'
import { toast } from '../components/toast.tsx'
import { formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { useTimeZone } from '../components/customer-list.tsx'
import { isoToZonedLocal, zonedLocalToIso } from '../zoned-time.ts'
import { ContentStep, TRIGGERS, type Form } from './campaign-content.tsx'
import { AUTOMATIC, FILTERS, KINDS, errorText, fieldErrors, kindLabel, messageCount, startConsequences, type Campaign, type Channel, type Estimate, type Segment } from './campaigns-shared.ts'

const STEPS = ['kind', 'audience', 'channels', 'content', 'schedule', 'confirm'] as const
type Step = typeof STEPS[number]
// Which step shows a field the server complained about.
const stepOf = (path: string): Step => (path === 'audience' ? 'audience' : path === 'channels' ? 'channels' : 'content')

function Choice ({ name, checked, onChoose, label, hint, testId, disabled }: { name: string, checked: boolean, onChoose: () => void, label: string, hint?: string, testId?: string, disabled?: boolean }) {
  return (
    <label class='check'>
      <input type='radio' name={name} checked={checked} disabled={disabled} onChange={onChoose} data-testid={testId} />
      <span><strong>{label}</strong>{hint && <span class='field__hint' style={{ display: 'block' }}>{hint}</span>}</span>
    </label>
  )
}

function Figure ({ label, value, testId }: { label: string, value: string, testId?: string }) {
  return <div class='stat'><dt>{label}</dt><dd data-testid={testId}>{value}</dd></div>
}

export function CampaignNewPage () {
  const { route } = useLocation()
  const [step, setStep] = useState<Step>('kind')
  const [reached, setReached] = useState(0)
  const [form, setForm] = useState<Form>({
    kind: 'announcement',
    name: '',
    audience: { all: true },
    channels: ['email'],
    subject: '{{ten}} ơi, ',
    html: '<p>Chào {{ho_ten}},</p>\n<p></p>',
    sms: '',
    withCode: false,
    promo: { discountType: 'fixed_amount', value: 50000, validFrom: '', validTo: '', validDays: 30, minimumOrder: 0 },
    trigger: {},
    sendAt: '',
  })
  const set = (patch: Partial<Form>) => setForm(f => ({ ...f, ...patch }))
  const [segments, setSegments] = useState<Segment[]>([])
  const [estimate, setEstimate] = useState<Estimate | null>(null)
  const [draft, setDraft] = useState<Campaign | null>(null)
  const [preview, setPreview] = useState<{ email?: { subject: string, html: string }, sms?: { text: string, parts: number } } | null>(null)
  const [previewId, setPreviewId] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<'save' | 'start' | 'preview' | null>(null)
  const sendAtId = useId()
  // The picker shows and means the shop's wall clock, whatever the browser's timezone.
  const timeZone = useTimeZone()
  const previewFieldId = useId()
  const { kind, audience, channels } = form
  const automatic = AUTOMATIC.includes(kind)
  const hasCode = kind === 'promo' || (form.withCode && (kind === 'birthday' || kind === 'reminder'))

  useEffect(() => { api<{ items: Segment[] }>('/api/segments').then(s => setSegments(s.items)).catch(() => {}) }, [])
  // The live count follows every change of audience, channels or SMS text (debounced: typing is not a request per key).
  useEffect(() => {
    const timer = setTimeout(() => {
      api<Estimate>('/api/campaigns/estimate', { method: 'POST', body: JSON.stringify({ type: kind, channels, audience, sms: channels.includes('sms') && form.sms ? { text: form.sms } : null, email: null }) })
        .then(setEstimate).catch(() => {})
    }, 300)
    return () => clearTimeout(timer)
  }, [kind, JSON.stringify(audience), channels.join(), form.sms])

  const body = () => ({
    name: form.name.trim() || kindLabel(kind),
    type: kind,
    channels,
    audience,
    email: channels.includes('email') ? { subject: form.subject, html: form.html } : null,
    sms: channels.includes('sms') ? { text: form.sms } : null,
    promo: hasCode ? (automatic ? { ...form.promo, validFrom: null, validTo: null } : { ...form.promo, validFrom: form.promo.validFrom || null, validTo: form.promo.validTo || null, validDays: null }) : null,
    trigger: automatic ? { ...TRIGGERS[kind], ...form.trigger } : null,
  })
  const [savedJson, setSavedJson] = useState('')
  const go = async (to: Step) => {
    if (STEPS.indexOf(to) > reached) return
    if (STEPS.indexOf(to) > STEPS.indexOf('content') && !(await ensureSaved())) return
    setStep(to)
  }
  const advance = (to: Step) => { setReached(r => Math.max(r, STEPS.indexOf(to))); setStep(to) }
  /** Saves the draft (create, then edit); a field the server names gets its message and the wizard goes to its step. */
  const save = async (): Promise<Campaign | null> => {
    setBusy('save')
    setError(null)
    setErrors({})
    try {
      const json = JSON.stringify(body())
      const saved = await api<Campaign>(draft ? `/api/campaigns/${draft.id}` : '/api/campaigns', { method: draft ? 'PUT' : 'POST', body: json })
      setDraft(saved)
      setSavedJson(json)
      setEstimate(await api<Estimate>(`/api/campaigns/${saved.id}/estimate`))
      toast(t('campaigns.draftSaved'))
      return saved
    } catch (err) {
      const fields = fieldErrors(err)
      if (fields) {
        setErrors(fields)
        setStep(stepOf(Object.keys(fields)[0]!))
      } else setError(errorText(err))
      return null
    } finally { setBusy(null) }
  }
  // Saved when leaving the content step and again before the confirm step if anything changed since.
  const ensureSaved = async () => (draft && savedJson === JSON.stringify(body()) ? draft : save())
  const next = async () => {
    const to = STEPS[STEPS.indexOf(step) + 1]!
    if (STEPS.indexOf(to) > STEPS.indexOf('content') && !(await ensureSaved())) return
    advance(to)
  }
  const start = async () => {
    if (!draft || !estimate) return
    const ok = await confirmDialog({
      title: t(automatic ? 'campaigns.activateConfirm' : 'campaigns.startConfirm', { name: draft.name }),
      consequences: startConsequences(estimate, automatic),
      warning: !automatic && messageCount(estimate) === 0 ? t('campaigns.confirm.nothing') : undefined,
      confirmLabel: automatic ? t('campaigns.activate') : t('campaigns.start'),
    })
    if (!ok) return
    setBusy('start')
    try {
      await api(`/api/campaigns/${draft.id}/start`, { method: 'POST', body: JSON.stringify(form.sendAt && !automatic ? { sendAt: zonedLocalToIso(form.sendAt, timeZone) } : {}) })
      toast(t(automatic ? 'campaigns.activated' : 'campaigns.started'))
      route(`/campaigns/${draft.id}`)
    } catch (err) { setError(errorText(err)) } finally { setBusy(null) }
  }
  const serverPreview = async () => {
    if (!draft || !previewId) return
    setBusy('preview')
    setErrors({})
    try { setPreview(await api(`/api/campaigns/${draft.id}/preview`, { method: 'POST', body: JSON.stringify({ customerId: Number(previewId) }) })) } catch (err) { setErrors({ customerId: errorText(err) }) } finally { setBusy(null) }
  }
  const stepIndex = STEPS.indexOf(step)

  return (
    <section class='page'>
      <PageHeader title={t('campaigns.new')} back={{ href: '/campaigns', label: t('campaigns.backToList') }}>{t(`campaigns.kindHelp.${kind}` as MessageKey)}</PageHeader>
      <Tabs label='campaigns.steps' tabs={STEPS.map(s => ({ key: s, label: t(`campaigns.step.${s}` as MessageKey), testId: `step-${s}` }))} selected={step} onSelect={k => { go(k as Step).catch(() => {}) }} />
      {error && <Banner tone='critical'>{t('campaigns.error', { message: error })}</Banner>}
      <Card testId={`wizard-${step}`}>
        {step === 'kind' && (
          <fieldset class='fieldset stack'>
            <legend class='visually-hidden'>{t('campaigns.step.kind')}</legend>
            {KINDS.map(k => <Choice key={k} name='kind' checked={kind === k} onChoose={() => set({ kind: k })} label={kindLabel(k)} hint={t(`campaigns.kindHelp.${k}` as MessageKey)} testId={`kind-${k}`} />)}
          </fieldset>
        )}
        {step === 'audience' && (
          <div class='stack'>
            <fieldset class='fieldset stack'>
              <legend class='visually-hidden'>{t('campaigns.step.audience')}</legend>
              <Choice name='audience' checked={'all' in audience} onChoose={() => set({ audience: { all: true } })} label={t('campaigns.audience.all')} testId='audience-all' />
              <Choice name='audience' checked={'filter' in audience} onChoose={() => set({ audience: { filter: 'last_30_days' } })} label={t('campaigns.audience.filter')} testId='audience-filter' />
              {'filter' in audience && (
                <div class='choice__detail'><Select label={t('campaigns.audience.filter')} hideLabel value={audience.filter} onValue={v => set({ audience: { filter: v as typeof FILTERS[number] } })} options={FILTERS.map(f => ({ value: f, label: t(`campaigns.filter.${f}` as MessageKey) }))} /></div>
              )}
              <Choice name='audience' checked={'segmentId' in audience} disabled={segments.length === 0} onChoose={() => set({ audience: { segmentId: segments[0]!.id } })} label={t('campaigns.audience.segment')} hint={segments.length === 0 ? t('campaigns.audience.noSegments') : undefined} testId='audience-segment' />
              {'segmentId' in audience && (
                <div class='choice__detail'><Select label={t('campaigns.audience.segment')} hideLabel value={audience.segmentId} onValue={v => set({ audience: { segmentId: v } })} options={segments.map(s => ({ value: s.id, label: `${s.name} (${formatNumber(s.count)})` }))} /></div>
              )}
            </fieldset>
            {errors.audience && <span class='field__error' role='alert'>{errors.audience}</span>}
            <Banner tone='info'>{t('campaigns.liveCountLabel')}: <strong data-testid='live-count'>{estimate ? formatNumber(estimate.audience) : '…'}</strong></Banner>
          </div>
        )}
        {step === 'channels' && (
          <fieldset class='fieldset stack'>
            <legend class='visually-hidden'>{t('campaigns.step.channels')}</legend>
            {(['email', 'sms'] as Channel[]).map(ch => (
              <Checkbox
                key={ch} label={t(`campaigns.channel.${ch}` as MessageKey)} checked={channels.includes(ch)} data-testid={`channel-${ch}`}
                hint={estimate?.[ch] ? t('campaigns.channelReach', { count: formatNumber(estimate[ch].withContact) }) : undefined}
                onValue={on => set({ channels: on ? [...channels, ch] : channels.filter(x => x !== ch) })}
              />
            ))}
            {(errors.channels || channels.length === 0) && <span class='field__error' role='alert'>{errors.channels ?? t('campaigns.channelsNone')}</span>}
          </fieldset>
        )}
        {step === 'content' && <ContentStep form={form} set={set} errors={errors} hasCode={hasCode} automatic={automatic} />}
        {step === 'schedule' && (automatic
          ? <p>{t('campaigns.schedule.automatic')}</p>
          : (
            <fieldset class='fieldset stack'>
              <legend class='visually-hidden'>{t('campaigns.step.schedule')}</legend>
              <Choice name='when' checked={!form.sendAt} onChoose={() => set({ sendAt: '' })} label={t('campaigns.schedule.now')} testId='send-now' />
              <Choice name='when' checked={!!form.sendAt} onChoose={() => set({ sendAt: isoToZonedLocal(Date.now() + 3600_000, timeZone) })} label={t('campaigns.schedule.later')} testId='send-later' />
              {form.sendAt && (
                <Field label={t('campaigns.schedule.at')} id={sendAtId}>
                  <input id={sendAtId} class='input input--medium' type='datetime-local' value={form.sendAt} onInput={e => set({ sendAt: e.currentTarget.value })} />
                </Field>
              )}
            </fieldset>
            ))}
        {step === 'confirm' && draft && estimate && (
          <div class='stack' data-testid='campaign-confirm'>
            <p class='card__title'>{draft.name} <span class='muted'>· {kindLabel(kind)}</span></p>
            <dl class='stat-list'>
              <Figure label={t('campaigns.stats.recipients')} value={formatNumber(estimate.audience)} testId='confirm-audience' />
              {estimate.email && <Figure label={t('campaigns.figure.email')} value={formatNumber(estimate.email.messages)} testId='confirm-email' />}
              {estimate.sms && <Figure label={t('campaigns.figure.sms')} value={formatNumber(estimate.sms.messages)} testId='confirm-sms' />}
              {estimate.sms && <Figure label={t('campaigns.figure.smsCost')} value={formatVnd(estimate.sms.cost)} testId='confirm-sms-cost' />}
            </dl>
            <ul class='bullets'>{startConsequences(estimate, automatic).map(line => <li key={line}>{line}</li>)}</ul>
            <Field label={t('campaigns.previewFor')} hint={t('campaigns.previewForHint')} error={errors.customerId} id={previewFieldId}>
              <div class='inline'>
                <input
                  id={previewFieldId} class='input input--medium' inputMode='numeric' value={previewId} data-testid='preview-customer'
                  aria-invalid={errors.customerId ? true : undefined} onInput={e => setPreviewId(e.currentTarget.value)}
                />
                <Button onClick={serverPreview} busy={busy === 'preview'} disabled={!previewId}>{t('campaigns.preview')}</Button>
              </div>
            </Field>
            {preview?.email && <div class='preview' data-testid='member-preview'><p class='preview__subject'>{preview.email.subject}</p><div dangerouslySetInnerHTML={{ __html: preview.email.html }} /></div>}
            {preview?.sms && <div class='preview'><p>{preview.sms.text}</p></div>}
          </div>
        )}
        <div class='card__footer'>
          {stepIndex > 0 && <Button onClick={() => setStep(STEPS[stepIndex - 1]!)} data-testid='wizard-back'>{t('campaigns.back')}</Button>}
          {step !== 'confirm' && (
            <Button variant='primary' busy={busy === 'save'} disabled={step === 'channels' && channels.length === 0} onClick={next} data-testid='wizard-next'>{t('campaigns.next')}</Button>
          )}
          {step === 'confirm' && <a class={buttonClass('secondary')} href={draft ? `/campaigns/${draft.id}` : '/campaigns'} data-testid='campaign-keep-draft'>{t('campaigns.saveDraft')}</a>}
          {step === 'confirm' && (
            <Button variant='primary' busy={busy === 'start'} disabled={!draft || !estimate} onClick={start} data-testid='campaign-start'>{automatic ? t('campaigns.activate') : t('campaigns.start')}</Button>
          )}
        </div>
      </Card>
    </section>
  )
}
