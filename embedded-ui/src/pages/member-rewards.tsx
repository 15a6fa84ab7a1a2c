// The member's rewards on the profile page: the codes issued, and "Đổi điểm" for a redemption option (confirmed first).
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.ts'
import { formatDate, formatNumber } from '../format.ts'
import { t } from '../i18n.ts'
import { Button } from '../components/button.tsx'
import { Badge, Banner, Card, EmptyState } from '../components/feedback.tsx'
import { Table } from '../components/table.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { toast } from '../components/toast.tsx'
import { discountLabel, errorText, newIdempotencyKey, statusLabel, triggerLabel, type RedeemBody, type Reward, type RewardList, type RewardOption } from './settings-rewards-shared.ts'

export function MemberRewards ({ customerId, onChange }: { customerId: number | string, onChange?: () => void }) {
  const [list, setList] = useState<RewardList | null>(null)
  const [options, setOptions] = useState<RewardOption[]>([])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [choosing, setChoosing] = useState(false)

  const load = () => api<RewardList>(`/api/members/${customerId}/rewards?limit=50`).then(setList).catch((err: unknown) => setError(errorText(err)))
  useEffect(() => {
    load().catch(() => {})
    api<RewardOption[]>('/api/rewards/options').then(o => setOptions(o.filter(x => x.active))).catch((err: unknown) => setError(errorText(err)))
  }, [customerId])

  const redeem = async (option: RewardOption) => {
    const ok = await confirmDialog({
      title: t('rewards.member.confirmTitle'),
      body: t('rewards.member.confirm', { points: formatNumber(option.pointsCost), name: option.name }),
      consequences: [discountLabel(option.discountType, option.value), t('rewards.member.consequence', { days: formatNumber(option.validDays) })],
      confirmLabel: t('rewards.member.redeem'),
    })
    if (!ok) return
    setBusy(true)
    setError(null)
    try {
      const reward = await api<Reward>(`/api/members/${customerId}/rewards`, {
        method: 'POST',
        headers: { 'Idempotency-Key': newIdempotencyKey() },
        body: JSON.stringify({ optionId: option.id } satisfies RedeemBody),
      })
      toast(reward.status === 'held' ? t('rewards.member.heldNotice') : t('rewards.member.issued', { code: reward.code }), reward.status === 'held' ? 'critical' : 'default')
      setChoosing(false)
      await load()
      onChange?.()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const statusTone = (st: Reward['status']) => st === 'issued' ? 'success' : st === 'held' ? 'warning' : st === 'voided' ? undefined : 'attention'
  return (
    <Card
      title={t('rewards.member.title')} testId='member-rewards'
      actions={!choosing && <Button variant='primary' disabled={busy} onClick={() => setChoosing(true)} data-testid='redeem-open'>{t('rewards.member.redeem')}</Button>}
    >
      {error && <Banner tone='critical'>{t('rewards.error', { message: error })}</Banner>}
      {choosing && (
        <div class='card card--nested' style={{ marginBottom: '16px' }}>
          <div class='card__header'>
            <h3 class='card__title'>{t('rewards.member.choose')}</h3>
            <Button variant='plain' onClick={() => setChoosing(false)}>{t('rewards.member.cancel')}</Button>
          </div>
          {options.length === 0 && <p class='muted'>{t('rewards.member.noOptions')}</p>}
          <ul class='resource-list'>
            {options.map(o => (
              <li key={o.id} class='resource-list__item'>
                <div class='resource-list__main'>
                  <span class='resource-list__name'>{o.name}</span>
                  <span class='muted'>{discountLabel(o.discountType, o.value)}</span>
                </div>
                <Button busy={busy} onClick={() => redeem(o)} data-testid='redeem-option'>{t('rewards.member.redeemFor', { points: formatNumber(o.pointsCost) })}</Button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {list === null && !error && <p class='muted'>{t('rewards.loading')}</p>}
      {list?.items.length === 0 && <EmptyState title={t('rewards.member.empty')} />}
      {list && list.items.length > 0 && (
        <Table label={t('rewards.member.title')}>
          <thead>
            <tr><th>{t('rewards.code')}</th><th>{t('rewards.discountType')}</th><th>{t('rewards.event')}</th><th class='num'>{t('rewards.pointsCost')}</th><th>{t('rewards.validity')}</th><th>{t('rewards.status')}</th></tr>
          </thead>
          <tbody>
            {list.items.map(r => (
              <tr key={r.id} data-testid='member-reward-row'>
                <td class='nowrap'><strong class='mono'>{r.code}</strong></td>
                <td>{discountLabel(r.discountType, r.value)}</td>
                <td class='nowrap'>{triggerLabel(r.trigger)}</td>
                <td class='num'>{formatNumber(r.points)}</td>
                <td class='nowrap'>{formatDate(r.startsAt)} – {formatDate(r.endsAt)}</td>
                <td title={r.instruction ?? r.error ?? ''}><Badge tone={statusTone(r.status)}>{statusLabel(r.status)}</Badge></td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  )
}
