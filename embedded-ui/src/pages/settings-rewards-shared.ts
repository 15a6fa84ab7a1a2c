// Types and helpers shared by Cấu hình → Ưu đãi and the member's rewards block.
import { ApiError } from '../api.ts'
import { formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { wholeOrNaN } from '../numbers.ts'

export type DiscountType = 'fixed_amount' | 'percentage' | 'shipping'
export const DISCOUNT_TYPES: DiscountType[] = ['fixed_amount', 'percentage', 'shipping']

export interface RewardOption {
  id?: string
  name: string
  pointsCost: number
  discountType: DiscountType
  value: number
  validDays: number
  minimumOrderAmount: number
  active: boolean
}

export interface AutoReward {
  trigger: 'first_purchase' | 'registration' | 'tier_upgrade'
  tierId: string | null
  enabled: boolean
  discountType: DiscountType
  value: number
  validDays: number
  minimumOrderAmount: number
  /** Set by the server when the tier this reward is for was deleted. */
  tierMissing?: boolean
}

export interface Reward {
  id: string
  customerId: number
  trigger: 'redeem' | AutoReward['trigger']
  status: 'reserved' | 'issued' | 'held' | 'voided' | 'pending'
  points: number
  discountType: DiscountType
  value: number
  description: string
  code: string
  startsAt: string
  endsAt: string
  error: string | null
  instruction: string | null
  createdAt: string
}

export interface RewardList { items: Reward[], total: number }

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
