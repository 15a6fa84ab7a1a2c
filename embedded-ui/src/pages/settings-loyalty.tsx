// Cấu hình → Loyalty: the earning rule, pending days, expiry, ranking, auto-activation, and the tiers table editor.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Button } from '../components/button.tsx'
import { Banner, Card } from '../components/feedback.tsx'
import { NumberField, Select, TextField, Toggle } from '../components/form.tsx'
import { Table } from '../components/table.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { toast } from '../components/toast.tsx'
import { formatNumber } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { multiplierOrNaN, wholeOrNaN } from '../numbers.ts'

type Expiry = { mode: 'never' } | { mode: 'after_earning' | 'inactivity', months: number }
interface Settings {
  earning: { vndPerPoint: number, pointsPerStep: number, rounding: 'floor' | 'half_up', earnOn: 'paid' | 'fulfilled', excludeShipping: boolean }
  pendingDays: number
  expiry: Expiry
  ranking: { vndPerRankPoint: number, window: 'lifetime' | 'rolling_12_months' }
  autoActivate: boolean
}
interface Tier { id?: string, name: string, threshold: number, earnMultiplier: number }

const errorText = (err: unknown) => {
  if (err instanceof ApiError && Array.isArray(err.issues) && err.issues.length > 0) {
    return (err.issues as Array<{ message?: string }>).map(i => i.message).filter(Boolean).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}

const num = (value: string) => wholeOrNaN(value)
const numText = (v: number) => (Number.isFinite(v) ? String(v) : '')

function useSave<T> (path: string, apply: (v: T) => void) {
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const save = async (body: T) => {
    setSaving(true)
    setError(null)
    try {
      apply(await api<T>(path, { method: 'PUT', body: JSON.stringify(body) }))
      toast(t('loyalty.saved'))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }
  return { saving, error, save }
}

const positiveInt = (v: number) => Number.isInteger(v) && v >= 1
const dayCount = (v: number) => Number.isInteger(v) && v >= 0 && v <= 365

/** The fields the merchant must fix before saving, with what is wrong, in the chosen language. */
function invalidFields (s: Settings): Partial<Record<'vndPerPoint' | 'pointsPerStep' | 'pendingDays' | 'months' | 'vndPerRankPoint', string>> {
  const errors: ReturnType<typeof invalidFields> = {}
  if (!positiveInt(s.earning.vndPerPoint)) errors.vndPerPoint = t('loyalty.mustBePositive')
  if (!positiveInt(s.earning.pointsPerStep)) errors.pointsPerStep = t('loyalty.mustBePositive')
  if (!dayCount(s.pendingDays)) errors.pendingDays = t('loyalty.mustBeDays')
  if (s.expiry.mode !== 'never' && !(positiveInt(s.expiry.months) && s.expiry.months <= 120)) errors.months = t('loyalty.mustBeMonths')
  if (!positiveInt(s.ranking.vndPerRankPoint)) errors.vndPerRankPoint = t('loyalty.mustBePositive')
  return errors
}

function SettingsForm ({ initial }: { initial: Settings }) {
  const [s, setS] = useState<Settings>(initial)
  const [checked, setChecked] = useState(false)
  const saver = useSave<Settings>('/api/settings/loyalty', setS)
  const errors = checked ? invalidFields(s) : {}
  const earning = (patch: Partial<Settings['earning']>) => setS({ ...s, earning: { ...s.earning, ...patch } })
  const months = s.expiry.mode === 'never' ? 12 : s.expiry.months
  const example = Number.isFinite(s.earning.vndPerPoint) && Number.isFinite(s.earning.pointsPerStep)
    ? t('loyalty.example', { vnd: formatNumber(s.earning.vndPerPoint), points: formatNumber(s.earning.pointsPerStep) })
    : t('loyalty.earningHint')

  return (
    <form
      noValidate data-testid='loyalty-settings-form'
      onSubmit={(e) => {
        e.preventDefault()
        setChecked(true)
        if (Object.keys(invalidFields(s)).length === 0) saver.save(s).catch(() => {})
      }}
    >
      <Card title={t('loyalty.earning')}>
        <div class='form-grid'>
          <NumberField label={t('loyalty.vndPerPoint')} min={1} value={numText(s.earning.vndPerPoint)} data-testid='vnd-per-point' onValue={(v) => earning({ vndPerPoint: num(v) })} hint={example} error={errors.vndPerPoint} />
          <NumberField label={t('loyalty.pointsPerStep')} min={1} value={numText(s.earning.pointsPerStep)} data-testid='points-per-step' onValue={(v) => earning({ pointsPerStep: num(v) })} error={errors.pointsPerStep} />
          <Select
            label={t('loyalty.rounding')} value={s.earning.rounding} onValue={(v) => earning({ rounding: v as 'floor' })}
            options={(['floor', 'half_up'] as const).map(v => ({ value: v, label: t(`loyalty.rounding.${v}` as MessageKey) }))}
          />
          <Select
            label={t('loyalty.earnOn')} value={s.earning.earnOn} onValue={(v) => earning({ earnOn: v as 'paid' })}
            options={(['paid', 'fulfilled'] as const).map(v => ({ value: v, label: t(`loyalty.earnOn.${v}` as MessageKey) }))}
          />
          <NumberField label={t('loyalty.pendingDays')} min={0} max={365} value={numText(s.pendingDays)} data-testid='pending-days' hint={t('loyalty.pendingHint')} error={errors.pendingDays} onValue={(v) => setS({ ...s, pendingDays: num(v) })} />
          <Select
            label={t('loyalty.expiry')} value={s.expiry.mode}
            onValue={(v) => { const mode = v as Expiry['mode']; setS({ ...s, expiry: mode === 'never' ? { mode } : { mode, months } }) }}
            options={(['never', 'after_earning', 'inactivity'] as const).map(v => ({ value: v, label: t(`loyalty.expiry.${v}` as MessageKey) }))}
          />
          {s.expiry.mode !== 'never' && (
            <NumberField
              label={t('loyalty.months')} min={1} max={120} value={numText(months)} error={errors.months}
              onValue={(v) => setS({ ...s, expiry: { mode: (s.expiry as { mode: 'inactivity' }).mode, months: num(v) } })}
            />
          )}
        </div>
        <div style={{ marginTop: '16px' }}>
          <Toggle label={t('loyalty.excludeShipping')} checked={s.earning.excludeShipping} onValue={(v) => earning({ excludeShipping: v })} />
        </div>
      </Card>
      <Card title={t('loyalty.ranking')}>
        <div class='form-grid'>
          <NumberField label={t('loyalty.vndPerRankPoint')} min={1} value={numText(s.ranking.vndPerRankPoint)} error={errors.vndPerRankPoint} onValue={(v) => setS({ ...s, ranking: { ...s.ranking, vndPerRankPoint: num(v) } })} />
          <Select
            label={t('loyalty.window')} value={s.ranking.window} onValue={(v) => setS({ ...s, ranking: { ...s.ranking, window: v as 'lifetime' } })}
            options={(['lifetime', 'rolling_12_months'] as const).map(v => ({ value: v, label: t(`loyalty.window.${v}` as MessageKey) }))}
          />
        </div>
        <div style={{ marginTop: '16px' }}>
          <Toggle label={t('loyalty.autoActivate')} checked={s.autoActivate} onValue={(v) => setS({ ...s, autoActivate: v })} />
        </div>
        {Object.keys(errors).length > 0 && <Banner tone='critical' testId='settings-invalid'>{t('loyalty.fixErrors')}</Banner>}
        {saver.error && <Banner tone='critical' testId='settings-error'>{t('loyalty.error', { message: saver.error })}</Banner>}
        <div class='card__footer'>
          <Button variant='primary' type='submit' busy={saver.saving} data-testid='save-settings'>{t('loyalty.save')}</Button>
        </div>
      </Card>
    </form>
  )
}

function TiersEditor ({ initial }: { initial: Tier[] }) {
  const [tiers, setTiers] = useState<Tier[]>(initial)
  const saver = useSave<Tier[]>('/api/tiers', setTiers)
  const patch = (i: number, p: Partial<Tier>) => setTiers(tiers.map((tier, j) => (j === i ? { ...tier, ...p } : tier)))
  const move = (i: number, d: -1 | 1) => {
    const next = [...tiers]
    const [row] = next.splice(i, 1)
    next.splice(i + d, 0, row!)
    setTiers(next)
  }
  const remove = async (i: number) => {
    const ok = await confirmDialog({
      title: t('loyalty.removeTierTitle'),
      body: t('loyalty.confirmRemove', { name: tiers[i]!.name }),
      consequences: [t('loyalty.removeConsequence')],
      confirmLabel: t('loyalty.removeTier'),
      danger: true,
    })
    if (ok) setTiers(tiers.filter((_, j) => j !== i))
  }

  return (
    <Card
      title={t('loyalty.tiers')} testId='tiers-editor'
      actions={(
        <Button
          data-testid='add-tier' onClick={() => {
            const last = tiers[tiers.length - 1]
            setTiers([...tiers, { name: '', threshold: (last?.threshold ?? 0) + 1_000_000, earnMultiplier: last?.earnMultiplier ?? 1 }])
          }}
        >+ {t('loyalty.addTier')}
        </Button>
      )}
    >
      <Table label={t('loyalty.tiers')}>
        <thead>
          <tr><th>#</th><th>{t('loyalty.tierName')}</th><th class='num'>{t('loyalty.tierThreshold')}</th><th class='num'>{t('loyalty.tierMultiplier')}</th><th /></tr>
        </thead>
        <tbody>
          {tiers.map((tier, i) => (
            <tr key={tier.id ?? `new-${i}`} data-testid='tier-row'>
              <td>{i + 1}</td>
              <td><TextField label={t('loyalty.tierName')} hideLabel value={tier.name} maxLength={50} onValue={(v) => patch(i, { name: v })} /></td>
              <td class='num'><NumberField label={t('loyalty.tierThreshold')} hideLabel min={0} value={numText(tier.threshold)} hint={Number.isFinite(tier.threshold) ? formatNumber(tier.threshold) : ''} onValue={(v) => patch(i, { threshold: num(v) })} /></td>
              <td class='num'><NumberField label={t('loyalty.tierMultiplier')} hideLabel min={0} max={10} step={0.01} value={numText(tier.earnMultiplier)} onValue={(v) => patch(i, { earnMultiplier: multiplierOrNaN(v) })} /></td>
              <td class='nowrap'>
                <Button variant='plain' slim disabled={i === 0} aria-label={t('loyalty.moveUp')} onClick={() => move(i, -1)}>↑</Button>
                <Button variant='plain' slim disabled={i === tiers.length - 1} aria-label={t('loyalty.moveDown')} onClick={() => move(i, 1)}>↓</Button>
                <Button variant='plain-danger' slim disabled={tiers.length === 1} onClick={() => remove(i)}>{t('loyalty.removeTier')}</Button>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {saver.error && <Banner tone='critical' testId='tiers-error'>{t('loyalty.error', { message: saver.error })}</Banner>}
      <div class='card__footer'>
        <Button variant='primary' busy={saver.saving} onClick={() => saver.save(tiers)} data-testid='save-tiers'>{t('loyalty.saveTiers')}</Button>
      </div>
    </Card>
  )
}

export function SettingsLoyaltyPage () {
  const [data, setData] = useState<{ settings: Settings, tiers: Tier[] } | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    Promise.all([api<Settings>('/api/settings/loyalty'), api<Tier[]>('/api/tiers')])
      .then(([settings, tiers]) => setData({ settings, tiers }))
      .catch((err: unknown) => setError(errorText(err)))
  }, [])
  return (
    <>
      <PageHeader title={t('loyalty.title')}>{t('loyalty.lead')}</PageHeader>
      {error && <Banner tone='critical'>{t('loyalty.error', { message: error })}</Banner>}
      {!data && !error && <p class='muted'>{t('loyalty.loading')}</p>}
      {data && <SettingsForm initial={data.settings} />}
      {data && <TiersEditor initial={data.tiers} />}
    </>
  )
}
