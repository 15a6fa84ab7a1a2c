// Types and helpers shared by Cấu hình → Ưu đãi and the member's rewards block.
import { ApiError } from '../api.ts'
import { formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { wholeOrNaN } from '../numbers.ts'
import type { AutoReward as AutoRewardOut, DiscountType, Reward, RewardOption } from '../../../api-types/rewards.ts'

export type { AutoRewardsBody, DiscountType, RedeemBody, Reward, RewardList, RewardOption, RewardOptionsBody } from '../../../api-types/rewards.ts'
export const DISCOUNT_TYPES: DiscountType[] = ['fixed_amount', 'percentage', 'shipping']

/** An option being edited: a new one has no id until it is saved. */
export type OptionDraft = Omit<RewardOption, 'id'> & { id?: string }
/** An automatic reward being edited: tierMissing is the server's (set when its tier was deleted), never sent. */
export type AutoReward = Omit<AutoRewardOut, 'tierMissing'> & { tierMissing?: boolean }

export function errorText (err: unknown): string {
  if (err instanceof ApiError && Array.isArray(err.issues) && err.issues.length > 0) {
    return (err.issues as Array<{ message?: string }>).map(i => i.message).filter(Boolean).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}

export function discountLabel (type: DiscountType, value: number): string {
  if (type === 'fixed_amount') return `${t('rewards.type.fixed_amount')}: ${formatVnd(value)}`
  if (type === 'percentage') return `${t('rewards.type.percentage')}: ${value}%`
  return t('rewards.type.shipping')
}

export const statusLabel = (s: Reward['status']) => t(`rewards.status.${s}` as MessageKey)
export const triggerLabel = (s: Reward['trigger']) => t(`rewards.trigger.${s}` as MessageKey)
export const num = (value: string) => wholeOrNaN(value, { currency: true })

/** A fresh key per redemption attempt: a network retry of the same click never spends twice. */
export function newIdempotencyKey (): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`
}
