// Cấu hình → Loyalty: the earning rule, pending days, expiry, ranking, auto-activation, and the tiers table editor.
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { formatVnd } from '../format.ts'
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

function Field ({ label, children, hint }: { label: string, children: preact.ComponentChildren, hint?: string }) {
  return (
    <label class='details__row' style={{ display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap', margin: '8px 0' }}>
      <span style={{ minWidth: '260px' }}>{label}</span>
      {children}
      {hint && <span class='muted'>{hint}</span>}
    </label>
  )
}

function Status ({ saving, error, saved, testId }: { saving: boolean, error: string | null, saved: boolean, testId: string }) {
  if (saving) return <p class='muted'>{t('loyalty.saving')}</p>
  if (error) return <p class='error-box' role='alert' data-testid={testId}>{t('loyalty.error', { message: error })}</p>
  if (saved) return <p class='muted' data-testid={`${testId}-ok`}>{t('loyalty.saved')}</p>
  return null
}

function SettingsForm ({ initial }: { initial: Settings }) {
  const [s, setS] = useState<Settings>(initial)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const update = (next: Settings) => { setS(next); setSaved(false) }
  const earning = (patch: Partial<Settings['earning']>) => update({ ...s, earning: { ...s.earning, ...patch } })
  const months = s.expiry.mode === 'never' ? 12 : s.expiry.months

  const save = async (e: Event) => {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      setS(await api<Settings>('/api/settings/loyalty', { method: 'PUT', body: JSON.stringify(s) }))
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <form class='card' onSubmit={save} data-testid='loyalty-settings-form'>
      <h2 class='card__title'>{t('loyalty.earning')}</h2>
      <Field label={t('loyalty.vndPerPoint')} hint={t('loyalty.earningHint')}>
        <input type='number' min={1} step={1} value={s.earning.vndPerPoint} data-testid='vnd-per-point' onInput={(e) => earning({ vndPerPoint: num(e.currentTarget.value) })} />
        <span>{t('loyalty.pointsPerStep')}</span>
        <input type='number' min={1} step={1} value={s.earning.pointsPerStep} onInput={(e) => earning({ pointsPerStep: num(e.currentTarget.value) })} />
      </Field>
      <Field label={t('loyalty.rounding')}>
        <select value={s.earning.rounding} onChange={(e) => earning({ rounding: e.currentTarget.value as 'floor' })}>
          {(['floor', 'half_up'] as const).map(v => <option key={v} value={v}>{t(`loyalty.rounding.${v}` as MessageKey)}</option>)}
        </select>
      </Field>
      <Field label={t('loyalty.earnOn')}>
        <select value={s.earning.earnOn} onChange={(e) => earning({ earnOn: e.currentTarget.value as 'paid' })}>
          {(['paid', 'fulfilled'] as const).map(v => <option key={v} value={v}>{t(`loyalty.earnOn.${v}` as MessageKey)}</option>)}
        </select>
      </Field>
      <Field label={t('loyalty.excludeShipping')}>
        <input type='checkbox' checked={s.earning.excludeShipping} onChange={(e) => earning({ excludeShipping: e.currentTarget.checked })} />
      </Field>
      <Field label={t('loyalty.pendingDays')} hint={t('loyalty.pendingHint')}>
        <input type='number' min={0} max={365} step={1} value={s.pendingDays} data-testid='pending-days' onInput={(e) => update({ ...s, pendingDays: num(e.currentTarget.value) })} />
      </Field>
      <Field label={t('loyalty.expiry')}>
        <select
          value={s.expiry.mode} onChange={(e) => {
            const mode = e.currentTarget.value as Expiry['mode']
            update({ ...s, expiry: mode === 'never' ? { mode } : { mode, months } })
          }}
        >
          {(['never', 'after_earning', 'inactivity'] as const).map(v => <option key={v} value={v}>{t(`loyalty.expiry.${v}` as MessageKey)}</option>)}
        </select>
        {s.expiry.mode !== 'never' && (
          <>
            <span>{t('loyalty.months')}</span>
            <input type='number' min={1} max={120} step={1} value={months} onInput={(e) => update({ ...s, expiry: { mode: (s.expiry as { mode: 'inactivity' }).mode, months: num(e.currentTarget.value) } })} />
          </>
        )}
      </Field>

      <h2 class='card__title'>{t('loyalty.ranking')}</h2>
      <Field label={t('loyalty.vndPerRankPoint')}>
        <input type='number' min={1} step={1} value={s.ranking.vndPerRankPoint} onInput={(e) => update({ ...s, ranking: { ...s.ranking, vndPerRankPoint: num(e.currentTarget.value) } })} />
      </Field>
      <Field label={t('loyalty.window')}>
        <select value={s.ranking.window} onChange={(e) => update({ ...s, ranking: { ...s.ranking, window: e.currentTarget.value as 'lifetime' } })}>
          {(['lifetime', 'rolling_12_months'] as const).map(v => <option key={v} value={v}>{t(`loyalty.window.${v}` as MessageKey)}</option>)}
        </select>
      </Field>
      <Field label={t('loyalty.autoActivate')}>
        <input type='checkbox' checked={s.autoActivate} onChange={(e) => update({ ...s, autoActivate: e.currentTarget.checked })} />
      </Field>
      <Status saving={saving} error={error} saved={saved} testId='settings-error' />
      <button class='button' type='submit' disabled={saving} data-testid='save-settings'>{t('loyalty.save')}</button>
    </form>
  )
}

function TiersEditor ({ initial }: { initial: Tier[] }) {
  const [tiers, setTiers] = useState<Tier[]>(initial)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const change = (next: Tier[]) => { setTiers(next); setSaved(false) }
  const patch = (i: number, p: Partial<Tier>) => change(tiers.map((tier, j) => (j === i ? { ...tier, ...p } : tier)))
  const move = (i: number, d: -1 | 1) => {
    const next = [...tiers]
    const [row] = next.splice(i, 1)
    next.splice(i + d, 0, row!)
    change(next)
  }
  const remove = (i: number) => {
    if (window.confirm(t('loyalty.confirmRemove', { name: tiers[i]!.name }))) change(tiers.filter((_, j) => j !== i))
  }
  const save = async () => {
    setSaving(true)
    setError(null)
    try {
      setTiers(await api<Tier[]>('/api/tiers', { method: 'PUT', body: JSON.stringify(tiers) }))
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <section class='card' data-testid='tiers-editor'>
      <h2 class='card__title'>{t('loyalty.tiers')}</h2>
      <table class='table'>
        <thead>
          <tr><th>#</th><th>{t('loyalty.tierName')}</th><th>{t('loyalty.tierThreshold')}</th><th>{t('loyalty.tierMultiplier')}</th><th /></tr>
        </thead>
        <tbody>
          {tiers.map((tier, i) => (
            <tr key={tier.id ?? `new-${i}`} data-testid='tier-row'>
              <td>{i + 1}</td>
              <td><input value={tier.name} maxLength={50} onInput={(e) => patch(i, { name: e.currentTarget.value })} /></td>
              <td>
                <input type='number' min={0} step={1} value={tier.threshold} onInput={(e) => patch(i, { threshold: num(e.currentTarget.value) })} />
                <div class='muted'>{Number.isFinite(tier.threshold) ? formatVnd(tier.threshold) : ''}</div>
              </td>
              <td><input type='number' min={0} max={10} step={0.01} value={tier.earnMultiplier} onInput={(e) => patch(i, { earnMultiplier: multiplierOrNaN(e.currentTarget.value) })} /></td>
              <td>
                <button type='button' class='button button--secondary' disabled={i === 0} onClick={() => move(i, -1)}>{t('loyalty.moveUp')}</button>{' '}
                <button type='button' class='button button--secondary' disabled={i === tiers.length - 1} onClick={() => move(i, 1)}>{t('loyalty.moveDown')}</button>{' '}
                <button type='button' class='button button--secondary' disabled={tiers.length === 1} onClick={() => remove(i)}>{t('loyalty.removeTier')}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button
          type='button' class='button button--secondary' data-testid='add-tier' onClick={() => {
            const last = tiers[tiers.length - 1]
            change([...tiers, { name: '', threshold: (last?.threshold ?? 0) + 1_000_000, earnMultiplier: last?.earnMultiplier ?? 1 }])
          }}
        >{t('loyalty.addTier')}
        </button>
      </p>
      <Status saving={saving} error={error} saved={saved} testId='tiers-error' />
      <button type='button' class='button' disabled={saving} onClick={save} data-testid='save-tiers'>{t('loyalty.saveTiers')}</button>
    </section>
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
    <section class='page'>
      <PageHeader title={t('loyalty.title')}>{t('loyalty.lead')}</PageHeader>
      {error && <p class='error-box' role='alert'>{t('loyalty.error', { message: error })}</p>}
      {!data && !error && <p class='muted'>{t('loyalty.loading')}</p>}
      {data && <SettingsForm initial={data.settings} />}
      {data && <TiersEditor initial={data.tiers} />}
    </section>
  )
}
