// Cấu hình → Ưu đãi: the redemption options editor, automatic rewards, and the held rewards the merchant must act on.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { formatDate } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { DISCOUNT_TYPES, discountLabel, errorText, num, triggerLabel, type AutoReward, type DiscountType, type Reward, type RewardList, type RewardOption } from './settings-rewards-shared.ts'

function SaveStatus ({ saving, error, saved }: { saving: boolean, error: string | null, saved: boolean }) {
  if (saving) return <p class='muted'>{t('rewards.saving')}</p>
  if (error) return <p class='error-box' role='alert'>{t('rewards.error', { message: error })}</p>
  if (saved) return <p class='muted'>{t('rewards.saved')}</p>
  return null
}

function useSaver<T> (path: string, setData: (v: T) => void) {
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const save = async (body: T) => {
    setSaving(true)
    setError(null)
    try {
      setData(await api<T>(path, { method: 'PUT', body: JSON.stringify(body) }))
      setSaved(true)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }
  return { saving, error, saved, setSaved, save }
}

function TypeFields<R extends { discountType: DiscountType, value: number, validDays: number, minimumOrderAmount: number }> ({ row, patch }: { row: R, patch: (p: Partial<R>) => void }) {
  return (
    <>
      <td>
        <select value={row.discountType} onChange={(e) => patch({ discountType: e.currentTarget.value as DiscountType } as Partial<R>)}>
          {DISCOUNT_TYPES.map(v => <option key={v} value={v}>{t(`rewards.type.${v}` as MessageKey)}</option>)}
        </select>
      </td>
      <td>{row.discountType !== 'shipping' && <input type='number' min={0} step={1} value={row.value} onInput={(e) => patch({ value: num(e.currentTarget.value) } as Partial<R>)} />}</td>
      <td><input type='number' min={1} max={3650} step={1} value={row.validDays} onInput={(e) => patch({ validDays: num(e.currentTarget.value) } as Partial<R>)} /></td>
      <td><input type='number' min={0} step={1000} value={row.minimumOrderAmount} onInput={(e) => patch({ minimumOrderAmount: num(e.currentTarget.value) } as Partial<R>)} /></td>
    </>
  )
}

function OptionsEditor ({ initial }: { initial: RewardOption[] }) {
  const [rows, setRows] = useState(initial)
  const s = useSaver<RewardOption[]>('/api/rewards/options', setRows)
  const change = (next: RewardOption[]) => { setRows(next); s.setSaved(false) }
  const patch = (i: number, p: Partial<RewardOption>) => change(rows.map((r, j) => (j === i ? { ...r, ...p } : r)))
  return (
    <section class='card' data-testid='reward-options'>
      <h2 class='card__title'>{t('rewards.options')}</h2>
      {rows.length === 0 && <p class='muted'>{t('rewards.optionsEmpty')}</p>}
      {rows.length > 0 && (
        <table class='table'>
          <thead>
            <tr>
              <th>{t('rewards.name')}</th><th>{t('rewards.pointsCost')}</th><th>{t('rewards.discountType')}</th><th>{t('rewards.value')}</th>
              <th>{t('rewards.validDays')}</th><th>{t('rewards.minimumOrder')}</th><th>{t('rewards.active')}</th><th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.id ?? `new-${i}`} data-testid='reward-option-row'>
                <td><input value={r.name} maxLength={200} onInput={(e) => patch(i, { name: e.currentTarget.value })} /></td>
                <td><input type='number' min={1} step={1} value={r.pointsCost} onInput={(e) => patch(i, { pointsCost: num(e.currentTarget.value) })} /></td>
                <TypeFields row={r} patch={(p) => patch(i, p)} />
                <td><input type='checkbox' checked={r.active} onChange={(e) => patch(i, { active: e.currentTarget.checked })} /></td>
                <td>
                  <button
                    type='button' class='button button--secondary'
                    onClick={() => { if (window.confirm(t('rewards.confirmRemove', { name: r.name }))) change(rows.filter((_, j) => j !== i)) }}
                  >{t('rewards.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <button
          type='button' class='button button--secondary' data-testid='add-reward-option'
          onClick={() => change([...rows, { name: '', pointsCost: 100, discountType: 'fixed_amount', value: 50_000, validDays: 30, minimumOrderAmount: 0, active: true }])}
        >{t('rewards.addOption')}
        </button>
      </p>
      <SaveStatus {...s} />
      <button type='button' class='button' disabled={s.saving} onClick={() => s.save(rows)} data-testid='save-reward-options'>{t('rewards.save')}</button>
    </section>
  )
}

function AutomaticEditor ({ initial }: { initial: AutoReward[] }) {
  const [rows, setRows] = useState(initial)
  const s = useSaver<AutoReward[]>('/api/rewards/automatic', setRows)
  const change = (next: AutoReward[]) => { setRows(next); s.setSaved(false) }
  const patch = (i: number, p: Partial<AutoReward>) => change(rows.map((r, j) => (j === i ? { ...r, ...p } : r)))
  return (
    <section class='card' data-testid='auto-rewards'>
      <h2 class='card__title'>{t('rewards.automatic')}</h2>
      <table class='table'>
        <thead>
          <tr>
            <th>{t('rewards.enabled')}</th><th>{t('rewards.event')}</th><th>{t('rewards.discountType')}</th><th>{t('rewards.value')}</th>
            <th>{t('rewards.validDays')}</th><th>{t('rewards.minimumOrder')}</th><th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.trigger}:${r.tierId ?? ''}:${i}`} data-testid={`auto-reward-${r.trigger}`}>
              <td><input type='checkbox' checked={r.enabled} onChange={(e) => patch(i, { enabled: e.currentTarget.checked })} /></td>
              <td>
                {triggerLabel(r.trigger)}
                {r.trigger === 'tier_upgrade' && (
                  <div><input placeholder={t('rewards.tier')} value={r.tierId ?? ''} onInput={(e) => patch(i, { tierId: e.currentTarget.value.trim() || null })} /></div>
                )}
              </td>
              <TypeFields row={r} patch={(p) => patch(i, p)} />
              <td>{r.tierId !== null && <button type='button' class='button button--secondary' onClick={() => change(rows.filter((_, j) => j !== i))}>{t('rewards.remove')}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button
          type='button' class='button button--secondary'
          onClick={() => change([...rows, { trigger: 'tier_upgrade', tierId: '', enabled: true, discountType: 'percentage', value: 10, validDays: 30, minimumOrderAmount: 0 }])}
        >{t('rewards.addTierReward')}
        </button>
      </p>
      <SaveStatus {...s} />
      <button type='button' class='button' disabled={s.saving} onClick={() => s.save(rows.map(r => ({ ...r, tierId: r.tierId || null })))} data-testid='save-auto-rewards'>{t('rewards.save')}</button>
    </section>
  )
}

function HeldRewards () {
  const [list, setList] = useState<Reward[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const load = () => api<RewardList>('/api/rewards?status=held&limit=100').then(r => setList(r.items)).catch((err: unknown) => setError(errorText(err)))
  useEffect(() => { load().catch(() => {}) }, [])
  const act = async (r: Reward, action: 'retry' | 'confirm-manual') => {
    if (action === 'confirm-manual' && !window.confirm(t('rewards.confirmManualAsk', { code: r.code }))) return
    setBusy(r.id)
    setError(null)
    try {
      await api<Reward>(`/api/rewards/${r.id}/${action}`, { method: 'POST' })
      await load()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(null)
    }
  }
  return (
    <section class='card' data-testid='held-rewards'>
      <h2 class='card__title'>{t('rewards.held')}</h2>
      {error && <p class='error-box' role='alert'>{t('rewards.error', { message: error })}</p>}
      {list === null && !error && <p class='muted'>{t('rewards.loading')}</p>}
      {list?.length === 0 && <p class='muted'>{t('rewards.heldEmpty')}</p>}
      {list && list.length > 0 && (
        <>
          <p class='muted'>{t('rewards.heldLead')}</p>
          {list.map(r => (
            <article key={r.id} class='card' data-testid='held-reward'>
              <p>
                <strong>{r.code}</strong> · {discountLabel(r.discountType, r.value)} · {triggerLabel(r.trigger)} ·{' '}
                <a href={`/members/${r.customerId}`}>{t('rewards.customer')} #{r.customerId}</a> · {formatDate(r.startsAt)} – {formatDate(r.endsAt)}
              </p>
              <p>{r.instruction}</p>
              <button type='button' class='button' disabled={busy === r.id} onClick={() => act(r, 'retry')}>{t('rewards.retry')}</button>{' '}
              <button type='button' class='button button--secondary' disabled={busy === r.id} onClick={() => act(r, 'confirm-manual')}>{t('rewards.confirmManual')}</button>
            </article>
          ))}
        </>
      )}
    </section>
  )
}

export function SettingsRewardsPage () {
  const [data, setData] = useState<{ options: RewardOption[], auto: AutoReward[] } | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    Promise.all([api<RewardOption[]>('/api/rewards/options'), api<AutoReward[]>('/api/rewards/automatic')])
      .then(([options, auto]) => setData({ options, auto }))
      .catch((err: unknown) => setError(errorText(err)))
  }, [])
  return (
    <section class='page'>
      <PageHeader title={t('rewards.title')}>{t('rewards.lead')}</PageHeader>
      <HeldRewards />
      {error && <p class='error-box' role='alert'>{t('rewards.error', { message: error })}</p>}
      {!data && !error && <p class='muted'>{t('rewards.loading')}</p>}
      {data && <OptionsEditor initial={data.options} />}
      {data && <AutomaticEditor initial={data.auto} />}
    </section>
  )
}
