// Per-recipient discount codes: created on Haravan just before their batch is sent, through the client's leaky bucket.
/*
 * A recipient row carries its code from the moment it is written (unique per shop), status 'pending'. createCodes
 * turns a batch of them into Haravan discounts, one POST each, in order; the client's per-shop bucket paces them.
 * 422 "code taken" is our own earlier attempt (a crash after Haravan answered): the code exists, so it counts as
 * created. 403 is the shop refusing the discount scope: the batch stops there and the caller holds the campaign —
 * nobody is sent a message whose code does not exist.
 */
import { and, eq, inArray } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { campaignRecipients } from '../../db/schema/index.ts'
import { HaravanApiError, type HaravanClient } from '../haravan/client.ts'
import { discountPayload, describeDiscount, newRewardCode } from '../loyalty/rewards-terms.ts'
import { startOfLocalDay } from '../segments/time.ts'
import type { Promo } from './definition.ts'

export type CodeClient = Pick<HaravanClient, 'createDiscount'>
export const newCampaignCode = (): string => newRewardCode().replace(/^TD-/, 'CD-')

const noon = (day: string) => new Date(`${day}T12:00:00Z`)

/** The code's window: the campaign's dates (whole local days), or validDays from `now` for automatic kinds. */
export function codeWindow (promo: Promo, now: Date, timeZone: string): { startsAt: Date, endsAt: Date } {
  if (promo.validFrom && promo.validTo) {
    return { startsAt: startOfLocalDay(noon(promo.validFrom), timeZone, 0), endsAt: new Date(startOfLocalDay(noon(promo.validTo), timeZone, 1).getTime() - 1000) }
  }
  return { startsAt: now, endsAt: new Date(startOfLocalDay(now, timeZone, Math.max(1, promo.validDays ?? 30)).getTime() - 1000) }
}

const haravanType = (t: Promo['discountType']) => (t === 'free_shipping' ? 'shipping' : t)

export function promoDescription (promo: Promo): string {
  const text = describeDiscount(haravanType(promo.discountType), promo.value)
  return promo.minimumOrder > 0 ? `${text} cho đơn từ ${new Intl.NumberFormat('vi-VN').format(promo.minimumOrder)} ₫` : text
}

export function campaignDiscountPayload (promo: Promo, code: string, customerId: number, window: { startsAt: Date, endsAt: Date }) {
  return discountPayload({
    code,
    discountType: haravanType(promo.discountType),
    value: promo.value,
    minimumOrderAmount: promo.minimumOrder,
    customerId,
    ...window,
  })
}

function isTaken (err: HaravanApiError): boolean {
  return err.status === 422 && /code|taken|exist/i.test(JSON.stringify(err.body ?? ''))
}

export interface PendingCode { customerId: number, occurrence: string, code: string }
export type CodeOutcome = { refused: false, created: number, failed: number } | { refused: true, created: number, failed: number, message: string }

/** Creates the batch's pending codes; stops at a 403 (the rest stay pending for when the merchant grants the scope). */
export async function createCodes (
  deps: { db: Db, client: CodeClient, clock: () => Date }, shopId: string, campaignId: string, promo: Promo, timeZone: string, batch: PendingCode[],
): Promise<CodeOutcome> {
  let created = 0
  let failed = 0
  for (const r of batch) {
    const now = deps.clock()
    const window = codeWindow(promo, now, timeZone)
    let status: 'created' | 'failed' = 'created'
    let discountId: number | null = null
    let reason: string | null = null
    try {
      discountId = (await deps.client.createDiscount(shopId, campaignDiscountPayload(promo, r.code, r.customerId, window))).id
    } catch (err) {
      if (err instanceof HaravanApiError && err.status === 403) {
        return { refused: true, created, failed, message: err.message }
      }
      if (!(err instanceof HaravanApiError && isTaken(err))) {
        status = 'failed'
        reason = (err instanceof Error ? err.message : String(err)).slice(0, 500)
      }
    }
    await deps.db.update(campaignRecipients).set({ codeStatus: status, haravanDiscountId: discountId, codeEndsAt: window.endsAt, reason })
      .where(and(eq(campaignRecipients.shopId, shopId), eq(campaignRecipients.campaignId, campaignId), eq(campaignRecipients.customerId, r.customerId),
        eq(campaignRecipients.occurrence, r.occurrence), inArray(campaignRecipients.codeStatus, ['pending', 'refused'])))
    if (status === 'created') created++
    else failed++
  }
  return { refused: false, created, failed }
}

/** What the merchant reads when Haravan refuses the discount scope (the same two ways out as a held reward). */
export function scopeRefusedMessage (): string {
  return 'Haravan chưa cho phép ứng dụng tạo mã giảm giá (quyền khuyến mãi com.write_discounts), nên chiến dịch chưa gửi cho ai. ' +
    'Cách 1: cấp quyền khuyến mãi cho ứng dụng Tích Điểm rồi bấm "Tiếp tục". ' +
    'Cách 2: chọn loại "Gửi thông báo" và tạo mã chung bằng tay trong Haravan admin → Khuyến mãi.'
}
