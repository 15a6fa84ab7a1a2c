// Loyalty settings, tiers and the pure computation of what an order is worth in points and ranking points.
import { z } from 'zod'

export interface EarningRule {
  vndPerPoint: number
  pointsPerStep: number /* Y points per X đồng, default 1 */
  rounding: 'floor' | 'half_up'
  earnOn: 'paid' | 'fulfilled'
  excludeShipping: boolean
}
export type ExpiryRule = { mode: 'never' } | { mode: 'after_earning', months: number } | { mode: 'inactivity', months: number }
export interface RankingRule { vndPerRankPoint: number, window: 'lifetime' | 'rolling_12_months' }
export interface LoyaltySettings {
  earning: EarningRule
  pendingDays: number
  expiry: ExpiryRule
  ranking: RankingRule
  autoActivate: boolean
}

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh'

export const DEFAULT_SETTINGS: LoyaltySettings = {
  earning: { vndPerPoint: 10_000, pointsPerStep: 1, rounding: 'floor', earnOn: 'paid', excludeShipping: true },
  pendingDays: 0,
  expiry: { mode: 'never' },
  ranking: { vndPerRankPoint: 1, window: 'lifetime' },
  autoActivate: true,
}

const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const months = z.number().int().min(1).max(120)

// pointsPerStep defaults to 1 because the admin API body (CONTRACT.md) does not have to send it.
export const loyaltySettingsSchema = z.object({
  earning: z.object({
    vndPerPoint: positiveInt.max(1_000_000_000),
    pointsPerStep: positiveInt.max(1_000_000).default(1),
    rounding: z.enum(['floor', 'half_up']),
    earnOn: z.enum(['paid', 'fulfilled']),
    excludeShipping: z.boolean(),
  }),
  pendingDays: z.number().int().min(0).max(365),
  expiry: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('never') }),
    z.object({ mode: z.literal('after_earning'), months }),
    z.object({ mode: z.literal('inactivity'), months }),
  ]),
  ranking: z.object({
    vndPerRankPoint: positiveInt.max(1_000_000_000),
    window: z.enum(['lifetime', 'rolling_12_months']),
  }),
  autoActivate: z.boolean(),
}) satisfies z.ZodType<LoyaltySettings, unknown>

export interface Tier { id: string, name: string, threshold: number, earnMultiplier: number /* e.g. 1, 1.2, 1.5, 2 */ }

// Thresholds are ranking points at the default 1 ₫ = 1 point, i.e. lifetime spend in đồng,
// pitched at a typical Haravan fashion/cosmetics shop (average order a few hundred thousand đồng).
export const DEFAULT_TIERS: Tier[] = [
  { id: 'member', name: 'Thành viên', threshold: 0, earnMultiplier: 1 },
  { id: 'silver', name: 'Bạc', threshold: 2_000_000, earnMultiplier: 1.1 },
  { id: 'gold', name: 'Vàng', threshold: 5_000_000, earnMultiplier: 1.2 },
  { id: 'diamond', name: 'Kim cương', threshold: 15_000_000, earnMultiplier: 1.5 },
]

// Multipliers are applied as integer hundredths, so only two decimals can be honoured exactly.
export function multiplierToHundredths (multiplier: number): number {
  return Math.round(multiplier * 100)
}

const hasAtMostTwoDecimals = (n: number): boolean => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6

const tierSchema = z.object({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(50),
  threshold: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  earnMultiplier: z.number().min(0).max(10).refine(hasAtMostTwoDecimals, 'Hệ số tích điểm chỉ được có tối đa 2 chữ số thập phân'),
})

// Names are compared the way a merchant reads them: "Vàng" and " vàng " are the same tier.
const nameKey = (name: string): string => name.normalize('NFC').trim().toLocaleLowerCase('vi')

export const tiersSchema = z.array(tierSchema).min(1).max(20).superRefine((tiers, ctx) => {
  if (tiers[0] !== undefined && tiers[0].threshold !== 0) {
    ctx.addIssue({ code: 'custom', path: [0, 'threshold'], message: 'Hạng đầu tiên phải có ngưỡng 0' })
  }
  const names = new Set<string>()
  const ids = new Set<string>()
  tiers.forEach((tier, i) => {
    const previous = tiers[i - 1]
    if (previous !== undefined && tier.threshold <= previous.threshold) {
      ctx.addIssue({ code: 'custom', path: [i, 'threshold'], message: 'Ngưỡng của các hạng phải tăng dần' })
    }
    if (names.has(nameKey(tier.name))) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'Tên hạng bị trùng' })
    if (ids.has(tier.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'Mã hạng bị trùng' })
    names.add(nameKey(tier.name))
    ids.add(tier.id)
  })
})

// The highest tier reached; below every threshold (e.g. negative after clawbacks) is the lowest tier.
export function tierForRankPoints (tiers: Tier[], rankPoints: number): Tier {
  let lowest: Tier | undefined
  let reached: Tier | undefined
  for (const tier of tiers) {
    if (lowest === undefined || tier.threshold < lowest.threshold) lowest = tier
    if (tier.threshold <= rankPoints && (reached === undefined || tier.threshold > reached.threshold)) reached = tier
  }
  const tier = reached ?? lowest
  if (tier === undefined) throw new RangeError('tierForRankPoints needs at least one tier')
  return tier
}

// The facts of an order we need (already converted to integer đồng by the caller):
export interface OrderFacts {
  totalPrice: number
  shippingPrice: number
  refundedAmount: number
  financialStatus: string
  fulfillmentStatus: string | null
  cancelled: boolean
}
export interface OrderTarget { eligibleAmount: number, points: number, rankPoints: number, earned: boolean /* whether the order currently qualifies */ }

const PAID_STATUSES = new Set(['paid', 'partially_refunded'])
const VOID_STATUSES = new Set(['voided', 'refunded'])
const NOTHING: OrderTarget = { eligibleAmount: 0, points: 0, rankPoints: 0, earned: false }

function orderQualifies (order: OrderFacts, earnOn: EarningRule['earnOn']): boolean {
  const financial = order.financialStatus.toLowerCase()
  if (order.cancelled || VOID_STATUSES.has(financial)) return false
  // COD orders are usually still "pending" when delivered; earnOn=fulfilled credits them on delivery.
  if (earnOn === 'fulfilled') return order.fulfillmentStatus?.toLowerCase() === 'fulfilled'
  return PAID_STATUSES.has(financial)
}

/**
 * What the ledger should hold for this order right now; the caller posts the difference.
 *
 * Refunds: OrderFacts has one refunded total, so the whole of it comes off the eligible amount,
 * shipping refunds included. When shipping is excluded and was itself refunded, the member loses at
 * most shipping / vndPerPoint points; we prefer that to crediting points for money the shop gave back.
 *
 * Ranking: paid spend is total − refunds, minus shipping when excludeShipping is on, so the one
 * "exclude shipping" switch means the same for points and tiers. The tier multiplier does not apply
 * to ranking points (that would let a tier lift itself), and ranking accrues on the same event as points.
 */
export function computeOrderTarget (order: OrderFacts, settings: LoyaltySettings, tierMultiplier: number): OrderTarget {
  if (!orderQualifies(order, settings.earning.earnOn)) return { ...NOTHING }
  // Held between 0 and the order's total whatever the parts say: a negative shipping line or refund never adds.
  const total = Math.max(0, order.totalPrice)
  const clamp = (v: number) => Math.min(Math.max(0, v), total)
  const shipping = settings.earning.excludeShipping ? clamp(order.shippingPrice) : 0
  const eligibleAmount = clamp(total - shipping - clamp(order.refundedAmount))
  return {
    eligibleAmount,
    points: pointsForAmount(eligibleAmount, settings.earning, multiplierToHundredths(tierMultiplier)),
    rankPoints: Math.floor(eligibleAmount / settings.ranking.vndPerRankPoint),
    earned: true,
  }
}

// points = amount / vndPerPoint × pointsPerStep × multiplier, in BigInt so large amounts and
// fractional multipliers round exactly once, as the setting says.
export function pointsForAmount (amountVnd: number, earning: EarningRule, multiplierHundredths: number): number {
  if (!Number.isSafeInteger(amountVnd) || !Number.isSafeInteger(multiplierHundredths)) {
    throw new RangeError('pointsForAmount takes integer đồng and an integer multiplier in hundredths')
  }
  if (amountVnd <= 0 || multiplierHundredths <= 0) return 0
  const numerator = BigInt(amountVnd) * BigInt(earning.pointsPerStep) * BigInt(multiplierHundredths)
  const denominator = BigInt(earning.vndPerPoint) * 100n
  const points = earning.rounding === 'half_up'
    ? (2n * numerator + denominator) / (2n * denominator)
    : numerator / denominator
  return Number(points)
}

/*
 * Calendar arithmetic in the shop's timezone. "N days" in a rule means N calendar days: the result
 * is the start (00:00 local) of the local date that is N days after the local date of `instant`.
 * So points earned at any time on the 1st with pendingDays = 1 become available at 00:00 on the 2nd,
 * which is what a merchant reads "after 1 day" as, and it is the same for every order of that day.
 * Vietnam has no DST, but this is written for any IANA zone (gaps and overlaps at midnight included).
 */
export function addCalendarDays (instant: Date, days: number, timeZone: string = DEFAULT_TIME_ZONE): Date {
  if (!Number.isInteger(days)) throw new RangeError('days must be an integer')
  const { year, month, day } = localDate(instant, timeZone)
  const target = new Date(Date.UTC(year, month - 1, day + days))
  return startOfLocalDay(target.getUTCFullYear(), target.getUTCMonth() + 1, target.getUTCDate(), timeZone)
}

// Same convention for months (expiry); a day that the target month lacks clamps to its last day: 31 Jan + 1 → 28/29 Feb.
export function addMonths (instant: Date, months: number, timeZone: string = DEFAULT_TIME_ZONE): Date {
  if (!Number.isInteger(months)) throw new RangeError('months must be an integer')
  const { year, month, day } = localDate(instant, timeZone)
  const firstOfTarget = new Date(Date.UTC(year, month - 1 + months, 1))
  const targetYear = firstOfTarget.getUTCFullYear()
  const targetMonth = firstOfTarget.getUTCMonth() + 1
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate()
  return startOfLocalDay(targetYear, targetMonth, Math.min(day, lastDay), timeZone)
}

interface LocalParts { year: number, month: number, day: number, hour: number, minute: number, second: number }

const formatters = new Map<string, Intl.DateTimeFormat>()

/**
 * Recent answers of localParts by zone and whole UTC second: every zone's offset is whole seconds, so all six parts
 * are the same for every instant of one UTC second. A batch's orders (and a day's start, looked up for each of them)
 * then cost one formatToParts, not five each. Bounded: emptied when it grows past LOCAL_PARTS_KEPT.
 */
const recentParts = new Map<string, Readonly<LocalParts>>()
const LOCAL_PARTS_KEPT = 4096

function localParts (epochMs: number, timeZone: string): Readonly<LocalParts> {
  const key = `${timeZone}|${Math.floor(epochMs / 1000)}`
  let parts = recentParts.get(key)
  if (parts === undefined) {
    if (recentParts.size >= LOCAL_PARTS_KEPT) recentParts.clear()
    parts = Object.freeze(formatLocalParts(epochMs, timeZone))
    recentParts.set(key, parts)
  }
  return parts
}

function formatLocalParts (epochMs: number, timeZone: string): LocalParts {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  const parts: Record<string, number> = {}
  for (const part of formatter.formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  }
}

function localDate (instant: Date, timeZone: string): { year: number, month: number, day: number } {
  const epochMs = instant.getTime()
  if (Number.isNaN(epochMs)) throw new RangeError('Invalid Date')
  const { year, month, day } = localParts(epochMs, timeZone)
  return { year, month, day }
}

// Local time minus UTC at that instant, in milliseconds (whole seconds; sub-second offsets do not exist).
function offsetAt (epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000))
}

// The first instant whose local date is the given one. Local midnight lies within 14 h of UTC midnight,
// and zones change offset at most once in such a window, so the offsets at its two ends are the only candidates.
function startOfLocalDay (year: number, month: number, day: number, timeZone: string): Date {
  const utcMidnight = Date.UTC(year, month - 1, day)
  const window = 15 * 3_600_000
  const candidates = [offsetAt(utcMidnight - window, timeZone), offsetAt(utcMidnight + window, timeZone)]
    .map(offset => utcMidnight - offset)
    .filter(candidate => {
      const p = localParts(candidate, timeZone)
      return p.year === year && p.month === month && p.day === day
    })
  if (candidates.length === 0) throw new RangeError(`No local day ${year}-${month}-${day} in ${timeZone}`)
  return new Date(Math.min(...candidates))
}
