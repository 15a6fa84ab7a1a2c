// The member's rewards on the profile page: the codes issued, and "Đổi điểm" for a redemption option (confirmed first).
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { formatDate, formatNumber } from '../format.ts'
import { t } from '../i18n.ts'
import { discountLabel, errorText, newIdempotencyKey, statusLabel, triggerLabel, type Reward, type RewardList, type RewardOption } from './settings-rewards-shared.ts'

export function MemberRewards ({ customerId, onChange }: { customerId: number | string, onChange?: () => void }) {
  const [list, setList] = useState<RewardList | null>(null)
  const [options, setOptions] = useState<RewardOption[]>([])
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [choosing, setChoosing] = useState(false)

  const load = () => api<RewardList>(`/api/members/${customerId}/rewards?limit=50`).then(setList).catch((err: unknown) => setError(errorText(err)))
  useEffect(() => {
    load().catch(() => {})
    api<RewardOption[]>('/api/rewards/options').then(o => setOptions(o.filter(x => x.active))).catch((err: unknown) => setError(errorText(err)))
  }, [customerId])

  const redeem = async (option: RewardOption) => {
    if (!window.confirm(t('rewards.member.confirm', { points: formatNumber(option.pointsCost), name: option.name }))) return
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      const reward = await api<Reward>(`/api/members/${customerId}/rewards`, {
        method: 'POST',
        headers: { 'Idempotency-Key': newIdempotencyKey() },
        body: JSON.stringify({ optionId: option.id }),
      })
      setNotice(reward.status === 'held' ? t('rewards.member.heldNotice') : t('rewards.member.issued', { code: reward.code }))
      setChoosing(false)
      await load()
      onChange?.()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class='card' data-testid='member-rewards'>
      <h2 class='card__title'>{t('rewards.member.title')}</h2>
      {error && <p class='error-box' role='alert'>{t('rewards.error', { message: error })}</p>}
      {notice && <p class='muted' data-testid='member-rewards-notice'>{notice}</p>}
      {!choosing && (
        <button type='button' class='button' disabled={busy} onClick={() => setChoosing(true)} data-testid='redeem-open'>{t('rewards.member.redeem')}</button>
      )}
      {choosing && (
        <div>
          <p>{t('rewards.member.choose')}</p>
          {options.length === 0 && <p class='muted'>{t('rewards.member.noOptions')}</p>}
          {options.map(o => (
            <p key={o.id}>
              <button type='button' class='button button--secondary' disabled={busy} onClick={() => redeem(o)} data-testid='redeem-option'>
                {o.name} — {formatNumber(o.pointsCost)} {t('rewards.pointsCost').toLowerCase()} ({discountLabel(o.discountType, o.value)})
              </button>
            </p>
          ))}
          <button type='button' class='button button--secondary' onClick={() => setChoosing(false)}>{t('rewards.member.cancel')}</button>
        </div>
      )}
      {list === null && !error && <p class='muted'>{t('rewards.loading')}</p>}
      {list?.items.length === 0 && <p class='muted'>{t('rewards.member.empty')}</p>}
      {list && list.items.length > 0 && (
        <table class='table'>
          <thead>
            <tr><th>{t('rewards.code')}</th><th>{t('rewards.discountType')}</th><th>{t('rewards.event')}</th><th>{t('rewards.pointsCost')}</th><th>{t('rewards.validity')}</th><th>{t('rewards.status')}</th></tr>
          </thead>
          <tbody>
            {list.items.map(r => (
              <tr key={r.id} data-testid='member-reward-row'>
                <td><strong>{r.code}</strong></td>
                <td>{discountLabel(r.discountType, r.value)}</td>
                <td>{triggerLabel(r.trigger)}</td>
                <td>{formatNumber(r.points)}</td>
                <td>{formatDate(r.startsAt)} – {formatDate(r.endsAt)}</td>
                <td title={r.instruction ?? r.error ?? ''}>{statusLabel(r.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
