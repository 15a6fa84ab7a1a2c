// Pure parts of a reward: its code, validity window, the Haravan discount payload and the merchant's manual instruction.
import { randomInt } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rewards, shops } from '../../db/schema/index.ts'
import { addCalendarDays, DEFAULT_TIME_ZONE } from './rules.ts'

export type RewardRow = typeof rewards.$inferSelect
export type DiscountType = RewardRow['discountType']

// No 0/O, 1/I/L: the code is read aloud at the till and typed by hand.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

export function newRewardCode (): string {
  let s = 'TD-'
  for (let i = 0; i < 8; i++) s += ALPHABET[randomInt(ALPHABET.length)]
  return s
}

/** Valid from now to the end of the local calendar day `validDays` days from today (validDays = 1: today only). */
export function validityWindow (now: Date, validDays: number, timeZone: string): { startsAt: Date, endsAt: Date } {
  return { startsAt: now, endsAt: new Date(addCalendarDays(now, Math.max(1, validDays), timeZone).getTime() - 1000) }
}

export async function shopTimeZone (db: Db, shopId: string): Promise<string> {
  const [row] = await db.select({ tz: shops.timezone }).from(shops).where(eq(shops.shopId, shopId))
  return row?.tz || DEFAULT_TIME_ZONE
}

/** POST /com/discounts.json body: one use, by this customer only. */
export function discountPayload (r: Pick<RewardRow, 'code' | 'discountType' | 'value' | 'startsAt' | 'endsAt' | 'minimumOrderAmount' | 'customerId'>) {
  return {
    code: r.code,
    discount_type: r.discountType,
    value: r.discountType === 'shipping' ? 0 : r.value,
    starts_at: r.startsAt.toISOString(),
    ends_at: r.endsAt.toISOString(),
    usage_limit: 1,
    once_per_customer: true,
    minimum_order_amount: r.minimumOrderAmount > 0 ? r.minimumOrderAmount : null,
    entitled_customer_ids: [r.customerId],
  }
}

const vnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)} ₫`

export function describeDiscount (type: DiscountType, value: number): string {
  if (type === 'fixed_amount') return `Giảm ${vnd(value)}`
  if (type === 'percentage') return `Giảm ${value}%`
  return 'Miễn phí vận chuyển'
}

function day (d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('vi-VN', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(d)
}

/** What the merchant must do for a held reward (Haravan refused to let the app create the code). */
export function manualInstruction (r: RewardRow, timeZone: string): string {
  const min = r.minimumOrderAmount > 0 ? `, đơn hàng tối thiểu ${vnd(r.minimumOrderAmount)}` : ''
  const spent = r.points > 0 ? ` Điểm của khách chưa bị trừ (${r.points} điểm sẽ được trừ khi mã được tạo).` : ''
  return `Haravan chưa cho phép ứng dụng tạo mã giảm giá (quyền khuyến mãi com.write_discounts).${spent} ` +
    `Cách 1: vào Haravan admin → Khuyến mãi → Tạo mã khuyến mãi với mã "${r.code}", loại: ${describeDiscount(r.discountType, r.value)}${min}, ` +
    `chỉ áp dụng cho khách hàng #${r.customerId}, giới hạn 1 lần sử dụng, hiệu lực từ ${day(r.startsAt, timeZone)} đến hết ${day(r.endsAt, timeZone)}; ` +
    'sau đó bấm "Đã tạo thủ công". Cách 2: cấp quyền khuyến mãi cho ứng dụng Tích Điểm rồi bấm "Thử lại".'
}

export function reserveKey (id: string, attempt: number): string {
  return attempt <= 1 ? `reward:${id}:reserve` : `reward:${id}:reserve:${attempt}`
}

export function voidKey (id: string, attempt: number): string {
  return attempt <= 1 ? `reward:${id}:void` : `reward:${id}:void:${attempt}`
}

/** The API shape of a reward (camelCase, ISO times, the instruction when held). */
export function rewardView (r: RewardRow, timeZone: string) {
  return {
    id: r.id,
    customerId: r.customerId,
    trigger: r.trigger,
    optionId: r.optionId,
    status: r.status,
    points: r.points,
    discountType: r.discountType,
    value: r.value,
    minimumOrderAmount: r.minimumOrderAmount,
    description: describeDiscount(r.discountType, r.value),
    code: r.code,
    haravanDiscountId: r.haravanDiscountId,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt.toISOString(),
    error: r.error,
    instruction: r.status === 'held' ? manualInstruction(r, timeZone) : null,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

export type RewardView = ReturnType<typeof rewardView>
