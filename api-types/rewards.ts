// Ưu đãi: the kinds of discount and reward (also the database's column enums, db/schema/rewards.ts), the catalogue,
// the automatic rewards and the issued codes as the API answers them.
import { z } from 'zod'

export const DISCOUNT_TYPES = ['fixed_amount', 'percentage', 'shipping'] as const
export const AUTO_TRIGGERS = ['first_purchase', 'registration', 'tier_upgrade'] as const
export const REWARD_TRIGGERS = ['redeem', ...AUTO_TRIGGERS] as const
export const REWARD_STATUSES = ['reserved', 'issued', 'held', 'voided', 'pending'] as const
export type DiscountType = typeof DISCOUNT_TYPES[number]
export type AutoTrigger = typeof AUTO_TRIGGERS[number]

// What the catalogue and the automatic rewards are edited with (PUT bodies), checked by the server with these.
const terms = {
  discountType: z.enum(DISCOUNT_TYPES),
  value: z.number().int().min(0).max(1_000_000_000),
  validDays: z.number().int().min(1).max(3650),
  minimumOrderAmount: z.number().int().min(0).max(100_000_000_000).default(0),
}

// Percent between 1 and 100, an amount above 0; free shipping carries no value.
function checkValue (v: { discountType: string, value: number }, ctx: z.RefinementCtx) {
  if (v.discountType === 'percentage' && (v.value < 1 || v.value > 100)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'Phần trăm giảm phải từ 1 đến 100' })
  if (v.discountType === 'fixed_amount' && v.value < 1) ctx.addIssue({ code: 'custom', path: ['value'], message: 'Số tiền giảm phải lớn hơn 0' })
}

/** PUT /api/rewards/options: the whole ordered list. */
export const optionsInputSchema = z.array(z.object({
  id: z.string().uuid().optional(),
  name: z.string().trim().min(1).max(200),
  pointsCost: z.number().int().min(1).max(1_000_000_000),
  ...terms,
  active: z.boolean().default(true),
}).superRefine(checkValue)).max(100)

/** PUT /api/rewards/automatic: the whole list. */
export const autoInputSchema = z.array(z.object({
  trigger: z.enum(AUTO_TRIGGERS),
  tierId: z.string().trim().min(1).max(100).nullable().default(null),
  enabled: z.boolean(),
  ...terms,
}).superRefine((v, ctx) => {
  if (v.enabled) checkValue(v, ctx)
  if (v.tierId !== null && v.trigger !== 'tier_upgrade') ctx.addIssue({ code: 'custom', path: ['tierId'], message: 'Chỉ ưu đãi lên hạng mới chọn được hạng' })
})).max(50).superRefine((rows, ctx) => {
  const seen = new Set<string>()
  rows.forEach((r, i) => {
    const k = `${r.trigger}:${r.tierId ?? ''}`
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: 'Trùng ưu đãi tự động (cùng sự kiện và hạng)' })
    seen.add(k)
  })
})

export type RewardOptionsBody = z.input<typeof optionsInputSchema>
export type AutoRewardsBody = z.input<typeof autoInputSchema>

export const optionSchema = z.object({
  id: z.string(),
  name: z.string(),
  pointsCost: z.number().int(),
  discountType: z.enum(DISCOUNT_TYPES),
  value: z.number().int(),
  validDays: z.number().int(),
  minimumOrderAmount: z.number().int(),
  active: z.boolean(),
})
/** A redemption option as GET /api/rewards/options answers it. */
export type RewardOption = z.infer<typeof optionSchema>

export const autoSchema = z.object({
  trigger: z.enum(AUTO_TRIGGERS),
  tierId: z.string().nullable(),
  enabled: z.boolean(),
  discountType: z.enum(DISCOUNT_TYPES),
  value: z.number().int(),
  validDays: z.number().int(),
  minimumOrderAmount: z.number().int(),
  // The tier (tier_upgrade) is not one of the shop's tiers any more: the reward cannot fire until a tier is chosen again.
  tierMissing: z.boolean(),
})
/** An automatic reward as GET /api/rewards/automatic answers it. */
export type AutoReward = z.infer<typeof autoSchema>

export const rewardSchema = z.object({
  id: z.string(),
  customerId: z.number().int(),
  trigger: z.enum(REWARD_TRIGGERS),
  optionId: z.string().nullable(),
  status: z.enum(REWARD_STATUSES),
  points: z.number().int(),
  discountType: z.enum(DISCOUNT_TYPES),
  value: z.number().int(),
  minimumOrderAmount: z.number().int(),
  description: z.string(),
  code: z.string(),
  haravanDiscountId: z.number().int().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  error: z.string().nullable(),
  // Vietnamese: what to create by hand in Haravan admin, or to grant the discount permission (held only).
  instruction: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Reward = z.infer<typeof rewardSchema>
export const rewardList = z.object({ items: z.array(rewardSchema), total: z.number().int(), page: z.number().int(), limit: z.number().int() })
export type RewardList = z.infer<typeof rewardList>
export const redeemBody = z.object({ optionId: z.string().uuid() })
export type RedeemBody = z.infer<typeof redeemBody>
