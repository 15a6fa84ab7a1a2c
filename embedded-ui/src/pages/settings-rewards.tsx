// Cấu hình → Ưu đãi: the redemption options editor, automatic rewards (tiers by name), and the held rewards to act on.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Button } from '../components/button.tsx'
import { Badge, Banner, Card, EmptyState } from '../components/feedback.tsx'
import { NumberField, Select, TextField, Toggle } from '../components/form.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { toast } from '../components/toast.tsx'
import { formatDate, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { DISCOUNT_TYPES, discountLabel, errorText, num, triggerLabel, type AutoReward, type AutoRewardsBody, type DiscountType, type OptionDraft, type Reward, type RewardList, type RewardOptionsBody } from './settings-rewards-shared.ts'

interface TierOption { id: string, name: string }

function useSaver<T extends RewardOptionsBody | AutoRewardsBody> (path: string, setData: (v: T) => void) {
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const save = async (body: T) => {
    setSaving(true)
    setError(null)
    try {
      setData(await api<T>(path, { method: 'PUT', body: JSON.stringify(body) }))
      toast(t('rewards.saved'))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setSaving(false)
    }
  }
  return { saving, error, save }
}

const numText = (v: number) => (Number.isFinite(v) ? String(v) : '')
const money = (v: number) => (Number.isFinite(v) ? formatVnd(v) : '')

function TypeFields<R extends { discountType: DiscountType, value: number, validDays: number, minimumOrderAmount: number }> ({ row, patch }: { row: R, patch: (p: Partial<R>) => void }) {
  return (
    <>
      <Select
        label={t('rewards.discountType')} value={row.discountType} onValue={(v) => patch({ discountType: v as DiscountType } as Partial<R>)}
        options={DISCOUNT_TYPES.map(v => ({ value: v, label: t(`rewards.type.${v}` as MessageKey) }))}
      />
      {row.discountType !== 'shipping'
        ? <NumberField label={t('rewards.value')} min={0} value={numText(row.value)} hint={row.discountType === 'fixed_amount' ? money(row.value) : `${numText(row.value)}%`} onValue={(v) => patch({ value: num(v) } as Partial<R>)} />
        : <div />}
      <NumberField label={t('rewards.validDays')} min={1} max={3650} value={numText(row.validDays)} onValue={(v) => patch({ validDays: num(v) } as Partial<R>)} />
      <NumberField label={t('rewards.minimumOrder')} min={0} step={1000} value={numText(row.minimumOrderAmount)} hint={money(row.minimumOrderAmount)} onValue={(v) => patch({ minimumOrderAmount: num(v) } as Partial<R>)} />
    </>
  )
}

function OptionsEditor ({ initial }: { initial: OptionDraft[] }) {
  const [rows, setRows] = useState(initial)
  const s = useSaver<OptionDraft[]>('/api/rewards/options', setRows)
  const patch = (i: number, p: Partial<OptionDraft>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...p } : r)))
  const remove = async (i: number) => {
    const ok = await confirmDialog({
      title: t('rewards.removeTitle'),
      body: t('rewards.confirmRemove', { name: rows[i]!.name }),
      consequences: [t('rewards.removeConsequence')],
      confirmLabel: t('rewards.remove'),
      danger: true,
    })
    if (ok) setRows(rows.filter((_, j) => j !== i))
  }
  return (
    <Card
      title={t('rewards.options')} testId='reward-options'
      actions={<Button data-testid='add-reward-option' onClick={() => setRows([...rows, { name: '', pointsCost: 100, discountType: 'fixed_amount', value: 50_000, validDays: 30, minimumOrderAmount: 0, active: true }])}>+ {t('rewards.addOption')}</Button>}
    >
      {rows.length === 0 && <EmptyState title={t('rewards.optionsEmpty')} />}
      <div class='stack'>
        {rows.map((r, i) => (
          <div key={r.id ?? `new-${i}`} class='card card--nested' data-testid='reward-option-row' style={{ marginTop: 0 }}>
            <div class='form-grid'>
              <TextField label={t('rewards.name')} maxLength={200} value={r.name} onValue={(v) => patch(i, { name: v })} data-testid='option-name' />
              <NumberField label={t('rewards.pointsCost')} min={1} value={numText(r.pointsCost)} onValue={(v) => patch(i, { pointsCost: num(v) })} data-testid='option-points' />
              <TypeFields row={r} patch={(p) => patch(i, p)} />
            </div>
            <div class='inline inline--between' style={{ marginTop: '12px' }}>
              <Toggle label={t('rewards.active')} checked={r.active} onValue={(v) => patch(i, { active: v })} />
              <Button variant='plain-danger' onClick={() => remove(i)}>{t('rewards.remove')}</Button>
            </div>
          </div>
        ))}
      </div>
      {s.error && <Banner tone='critical'>{t('rewards.error', { message: s.error })}</Banner>}
      <div class='card__footer'>
        <Button variant='primary' busy={s.saving} onClick={() => s.save(rows)} data-testid='save-reward-options'>{t('rewards.save')}</Button>
      </div>
    </Card>
  )
}

function AutomaticEditor ({ initial, tiers }: { initial: AutoReward[], tiers: TierOption[] }) {
  const [rows, setRows] = useState(initial)
  const s = useSaver<AutoReward[]>('/api/rewards/automatic', setRows)
  const patch = (i: number, p: Partial<AutoReward>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...p } : r)))
  const tierOptions = (r: AutoReward) => {
    const known = tiers.map((x) => ({ value: x.id, label: x.name }))
    // A saved tier that no longer exists stays visible (flagged) instead of silently turning into "any tier".
    return r.tierId && !tiers.some((x) => x.id === r.tierId) ? [...known, { value: r.tierId, label: t('common.tierMissing') }] : known
  }
  const missing = (r: AutoReward) => r.tierMissing === true || (r.tierId !== null && r.tierId !== '' && tiers.length > 0 && !tiers.some((x) => x.id === r.tierId))
  return (
    <Card
      title={t('rewards.automatic')} testId='auto-rewards'
      actions={<Button onClick={() => setRows([...rows, { trigger: 'tier_upgrade', tierId: '', enabled: true, discountType: 'percentage', value: 10, validDays: 30, minimumOrderAmount: 0 }])} data-testid='add-tier-reward'>+ {t('rewards.addTierReward')}</Button>}
    >
      <div class='stack'>
        {rows.map((r, i) => (
          <div key={`${r.trigger}:${i}`} class='card card--nested' data-testid={`auto-reward-${r.trigger}`} style={{ marginTop: 0 }}>
            <div class='inline inline--between' style={{ marginBottom: '12px' }}>
              <div class='inline'>
                <strong>{triggerLabel(r.trigger)}{r.trigger === 'tier_upgrade' && r.tierId === null ? ` · ${t('common.anyTier')}` : ''}</strong>
                {missing(r) && <Badge tone='warning' testId='tier-missing'>{t('common.tierMissing')}</Badge>}
              </div>
              <div class='inline'>
                <Toggle label={t('rewards.enabled')} checked={r.enabled} onValue={(v) => patch(i, { enabled: v })} />
                {r.trigger === 'tier_upgrade' && r.tierId !== null && <Button variant='plain-danger' onClick={() => setRows(rows.filter((_, j) => j !== i))}>{t('rewards.remove')}</Button>}
              </div>
            </div>
            <div class='form-grid'>
              {/* The built-in row (no tier) is for any tier; rows the merchant adds name one tier, picked by name. */}
              {r.trigger === 'tier_upgrade' && r.tierId !== null && (
                <Select
                  label={t('rewards.chooseTier')} value={r.tierId} data-testid='auto-reward-tier' placeholder={t('common.chooseTier')}
                  onValue={(v) => patch(i, { tierId: v, tierMissing: false })}
                  options={tierOptions(r)}
                  error={missing(r) ? t('rewards.tierMissing') : null}
                />
              )}
              <TypeFields row={r} patch={(p) => patch(i, p)} />
            </div>
          </div>
        ))}
      </div>
      {s.error && <Banner tone='critical'>{t('rewards.error', { message: s.error })}</Banner>}
      <div class='card__footer'>
        <Button
          variant='primary' busy={s.saving} data-testid='save-auto-rewards'
          onClick={() => s.save(rows.map(({ tierMissing: _, ...r }) => ({ ...r, tierId: r.tierId || null })))}
        >{t('rewards.save')}
        </Button>
      </div>
    </Card>
  )
}

function HeldRewards () {
  const [list, setList] = useState<Reward[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const load = () => api<RewardList>('/api/rewards?status=held&limit=100').then(r => setList(r.items)).catch((err: unknown) => setError(errorText(err)))
  useEffect(() => { load().catch(() => {}) }, [])
  const act = async (r: Reward, action: 'retry' | 'confirm-manual') => {
    if (action === 'confirm-manual' && !await confirmDialog({ title: t('rewards.confirmManual'), body: t('rewards.confirmManualAsk', { code: r.code }), confirmLabel: t('rewards.confirmManual') })) return
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
  // Nothing to act on: the card stays out of the way.
  if (list !== null && list.length === 0 && !error) return null
  return (
    <Card title={<>{t('rewards.held')} {list && <Badge tone='warning'>{list.length}</Badge>}</>} testId='held-rewards'>
      {error && <Banner tone='critical'>{t('rewards.error', { message: error })}</Banner>}
      {list === null && !error && <p class='muted'>{t('rewards.loading')}</p>}
      {list && list.length > 0 && (
        <>
          <Banner tone='warning'>{t('rewards.heldLead')}</Banner>
          <ul class='resource-list'>
            {list.map(r => (
              <li key={r.id} class='resource-list__item' data-testid='held-reward'>
                <div class='resource-list__main' style={{ flexDirection: 'column', alignItems: 'flex-start' }}>
                  <span><strong class='mono'>{r.code}</strong> · {discountLabel(r.discountType, r.value)} · {triggerLabel(r.trigger)} · <a href={`/members/${r.customerId}`}>{t('rewards.customer')}</a> · {formatDate(r.startsAt)} – {formatDate(r.endsAt)}</span>
                  {r.instruction && <span class='muted'>{r.instruction}</span>}
                </div>
                <div class='inline'>
                  <Button variant='primary' slim busy={busy === r.id} onClick={() => act(r, 'retry')}>{t('rewards.retry')}</Button>
                  <Button slim disabled={busy === r.id} onClick={() => act(r, 'confirm-manual')}>{t('rewards.confirmManual')}</Button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  )
}

export function SettingsRewardsPage () {
  const [data, setData] = useState<{ options: OptionDraft[], auto: AutoReward[], tiers: TierOption[] } | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    Promise.all([api<OptionDraft[]>('/api/rewards/options'), api<AutoReward[]>('/api/rewards/automatic'), api<TierOption[]>('/api/tiers')])
      .then(([options, auto, tiers]) => setData({ options, auto, tiers }))
      .catch((err: unknown) => setError(errorText(err)))
  }, [])
  return (
    <>
      <PageHeader title={t('rewards.title')}>{t('rewards.lead')}</PageHeader>
      <HeldRewards />
      {error && <Banner tone='critical'>{t('rewards.error', { message: error })}</Banner>}
      {!data && !error && <p class='muted'>{t('rewards.loading')}</p>}
      {data && <OptionsEditor initial={data.options} />}
      {data && <AutomaticEditor initial={data.auto} tiers={data.tiers} />}
    </>
  )
}
