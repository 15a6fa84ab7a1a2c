// Earning rules: order targets, tiers, settings validation and shop-timezone calendar arithmetic.
import t from 'tap'
import fc from 'fast-check'
import { parseHaravanMoney } from '../../server/imports/amount.ts'
import {
  DEFAULT_SETTINGS, DEFAULT_TIERS, addCalendarDays, addMonths, computeOrderTarget, loyaltySettingsSchema,
  pointsForAmount, tierForRankPoints, tiersSchema,
  type EarningRule, type LoyaltySettings, type OrderFacts,
} from '../../server/loyalty/rules.ts'

// The money and status fields of the shared Haravan fixture order-paid.json (#100020), as Haravan sends them.
const fixture = {
  total_price: 1680000.0000,
  shipping_lines: [{ code: null, price: 30000.0000, title: 'Giao hàng tiêu chuẩn' }],
  refunds: [],
  financial_status: 'paid',
  fulfillment_status: 'notfulfilled',
  cancelled_status: 'uncancelled',
}

const fixtureFacts: OrderFacts = {
  totalPrice: parseHaravanMoney(fixture.total_price),
  shippingPrice: fixture.shipping_lines.reduce((sum, line) => sum + parseHaravanMoney(line.price), 0),
  refundedAmount: 0,
  financialStatus: fixture.financial_status,
  fulfillmentStatus: fixture.fulfillment_status,
  cancelled: fixture.cancelled_status === 'cancelled',
}

const withEarning = (earning: Partial<EarningRule>): LoyaltySettings =>
  ({ ...DEFAULT_SETTINGS, earning: { ...DEFAULT_SETTINGS.earning, ...earning } })

t.test('the fixture order earns 165 points at the default rule', async t => {
  t.same(fixtureFacts, { totalPrice: 1_680_000, shippingPrice: 30_000, refundedAmount: 0, financialStatus: 'paid', fulfillmentStatus: 'notfulfilled', cancelled: false })
  t.same(computeOrderTarget(fixtureFacts, DEFAULT_SETTINGS, 1), { eligibleAmount: 1_650_000, points: 165, rankPoints: 1_650_000, earned: true })
})

t.test('a ×1.5 tier rounds 247.5 down or half up as the setting says', async t => {
  t.equal(computeOrderTarget(fixtureFacts, DEFAULT_SETTINGS, 1.5).points, 247)
  t.equal(computeOrderTarget(fixtureFacts, withEarning({ rounding: 'half_up' }), 1.5).points, 248)
})

t.test('a ×1.1 tier has no float error', async t => {
  // 1.1 * 100 is 110.00000000000001 in floats; 1,000,000 × 1.1 must be exactly 110 points.
  t.equal(computeOrderTarget({ ...fixtureFacts, totalPrice: 1_030_000 }, DEFAULT_SETTINGS, 1.1).points, 110)
})

t.test('refunds, cancellation and voiding', async t => {
  t.same(computeOrderTarget({ ...fixtureFacts, financialStatus: 'refunded', refundedAmount: 1_680_000 }, DEFAULT_SETTINGS, 1),
    { eligibleAmount: 0, points: 0, rankPoints: 0, earned: false })
  const partial = computeOrderTarget({ ...fixtureFacts, financialStatus: 'partially_refunded', refundedAmount: 650_000 }, DEFAULT_SETTINGS, 1)
  t.same(partial, { eligibleAmount: 1_000_000, points: 100, rankPoints: 1_000_000, earned: true })
  t.equal(computeOrderTarget({ ...fixtureFacts, cancelled: true }, DEFAULT_SETTINGS, 1).points, 0)
  t.equal(computeOrderTarget({ ...fixtureFacts, financialStatus: 'voided' }, DEFAULT_SETTINGS, 1).points, 0)
  t.equal(computeOrderTarget({ ...fixtureFacts, financialStatus: 'pending' }, DEFAULT_SETTINGS, 1).earned, false)
  t.same(computeOrderTarget({ ...fixtureFacts, financialStatus: 'partially_refunded', refundedAmount: 1_660_000 }, DEFAULT_SETTINGS, 1),
    { eligibleAmount: 0, points: 0, rankPoints: 0, earned: true }, 'refunds beyond the goods clamp at zero')
})

t.test('earnOn fulfilled credits a delivered COD order that is still pending payment', async t => {
  const settings = withEarning({ earnOn: 'fulfilled' })
  const delivered = { ...fixtureFacts, financialStatus: 'pending', fulfillmentStatus: 'fulfilled' }
  t.match(computeOrderTarget(delivered, settings, 1), { earned: true, points: 165 })
  t.match(computeOrderTarget(fixtureFacts, settings, 1), { earned: false, points: 0 }, 'paid but not delivered')
  t.match(computeOrderTarget({ ...delivered, cancelled: true }, settings, 1), { earned: false, points: 0 })
  t.match(computeOrderTarget({ ...delivered, financialStatus: 'refunded' }, settings, 1), { earned: false, points: 0 })
})

t.test('shipping counts for points and ranking only when not excluded', async t => {
  const included = withEarning({ excludeShipping: false })
  t.same(computeOrderTarget(fixtureFacts, included, 1), { eligibleAmount: 1_680_000, points: 168, rankPoints: 1_680_000, earned: true })
})

t.test('pointsPerStep and vndPerRankPoint', async t => {
  t.equal(computeOrderTarget(fixtureFacts, withEarning({ vndPerPoint: 100_000, pointsPerStep: 3 }), 1).points, 49)
  const ranked = { ...DEFAULT_SETTINGS, ranking: { vndPerRankPoint: 1000, window: 'lifetime' as const } }
  t.equal(computeOrderTarget(fixtureFacts, ranked, 2).rankPoints, 1650, 'tier multiplier does not inflate ranking')
})

t.test('pointsForAmount converts opening balances', async t => {
  t.equal(pointsForAmount(12_345_678, DEFAULT_SETTINGS.earning, 100), 1234)
  t.equal(pointsForAmount(12_345_678, { ...DEFAULT_SETTINGS.earning, rounding: 'half_up' }, 100), 1235)
  t.equal(pointsForAmount(0, DEFAULT_SETTINGS.earning, 100), 0)
  t.equal(pointsForAmount(Number.MAX_SAFE_INTEGER, { ...DEFAULT_SETTINGS.earning, vndPerPoint: 1 }, 100), Number.MAX_SAFE_INTEGER)
  t.throws(() => pointsForAmount(1.5, DEFAULT_SETTINGS.earning, 100), RangeError)
})

t.test('settings schema accepts the defaults and the API body without pointsPerStep', async t => {
  t.same(loyaltySettingsSchema.parse(DEFAULT_SETTINGS), DEFAULT_SETTINGS)
  const { pointsPerStep: _omitted, ...earning } = DEFAULT_SETTINGS.earning
  t.equal(loyaltySettingsSchema.parse({ ...DEFAULT_SETTINGS, earning }).earning.pointsPerStep, 1)
  t.ok(loyaltySettingsSchema.safeParse({ ...DEFAULT_SETTINGS, expiry: { mode: 'inactivity', months: 120 } }).success)
})

t.test('settings schema rejections', async t => {
  const bad: Array<[string, unknown]> = [
    ['zero vndPerPoint', { ...DEFAULT_SETTINGS, earning: { ...DEFAULT_SETTINGS.earning, vndPerPoint: 0 } }],
    ['fractional vndPerPoint', { ...DEFAULT_SETTINGS, earning: { ...DEFAULT_SETTINGS.earning, vndPerPoint: 1000.5 } }],
    ['unknown rounding', { ...DEFAULT_SETTINGS, earning: { ...DEFAULT_SETTINGS.earning, rounding: 'ceil' } }],
    ['unknown earnOn', { ...DEFAULT_SETTINGS, earning: { ...DEFAULT_SETTINGS.earning, earnOn: 'created' } }],
    ['negative pendingDays', { ...DEFAULT_SETTINGS, pendingDays: -1 }],
    ['pendingDays over a year', { ...DEFAULT_SETTINGS, pendingDays: 366 }],
    ['0 months', { ...DEFAULT_SETTINGS, expiry: { mode: 'after_earning', months: 0 } }],
    ['121 months', { ...DEFAULT_SETTINGS, expiry: { mode: 'inactivity', months: 121 } }],
    ['months missing', { ...DEFAULT_SETTINGS, expiry: { mode: 'after_earning' } }],
    ['unknown expiry', { ...DEFAULT_SETTINGS, expiry: { mode: 'sometimes' } }],
    ['unknown window', { ...DEFAULT_SETTINGS, ranking: { vndPerRankPoint: 1, window: 'monthly' } }],
    ['zero vndPerRankPoint', { ...DEFAULT_SETTINGS, ranking: { vndPerRankPoint: 0, window: 'lifetime' } }],
    ['autoActivate as text', { ...DEFAULT_SETTINGS, autoActivate: 'yes' }],
  ]
  for (const [name, value] of bad) t.equal(loyaltySettingsSchema.safeParse(value).success, false, name)
})

t.test('tiers schema', async t => {
  t.ok(tiersSchema.safeParse(DEFAULT_TIERS).success, 'defaults are valid')
  const bad: Array<[string, unknown]> = [
    ['empty', []],
    ['first threshold not 0', [{ id: 'a', name: 'A', threshold: 10, earnMultiplier: 1 }]],
    ['thresholds not increasing', DEFAULT_TIERS.map((tier, i) => i === 2 ? { ...tier, threshold: 2_000_000 } : tier)],
    ['duplicate names up to case and spaces', DEFAULT_TIERS.map((tier, i) => i === 2 ? { ...tier, name: ' bạc ' } : tier)],
    ['duplicate ids', DEFAULT_TIERS.map((tier, i) => i === 2 ? { ...tier, id: 'silver' } : tier)],
    ['multiplier above 10', DEFAULT_TIERS.map((tier, i) => i === 3 ? { ...tier, earnMultiplier: 10.5 } : tier)],
    ['negative multiplier', DEFAULT_TIERS.map((tier, i) => i === 3 ? { ...tier, earnMultiplier: -1 } : tier)],
    ['three decimals', DEFAULT_TIERS.map((tier, i) => i === 3 ? { ...tier, earnMultiplier: 1.255 } : tier)],
    ['blank name', DEFAULT_TIERS.map((tier, i) => i === 3 ? { ...tier, name: '  ' } : tier)],
  ]
  for (const [name, value] of bad) t.equal(tiersSchema.safeParse(value).success, false, name)
  t.ok(tiersSchema.safeParse(DEFAULT_TIERS.map((tier, i) => i === 3 ? { ...tier, earnMultiplier: 1.15 } : tier)).success, 'two decimals')
})

t.test('tierForRankPoints boundaries', async t => {
  t.equal(tierForRankPoints(DEFAULT_TIERS, 0).name, 'Thành viên')
  t.equal(tierForRankPoints(DEFAULT_TIERS, 1_999_999).name, 'Thành viên')
  t.equal(tierForRankPoints(DEFAULT_TIERS, 2_000_000).name, 'Bạc')
  t.equal(tierForRankPoints(DEFAULT_TIERS, 4_999_999).name, 'Bạc')
  t.equal(tierForRankPoints(DEFAULT_TIERS, 5_000_000).name, 'Vàng')
  t.equal(tierForRankPoints(DEFAULT_TIERS, 15_000_000).name, 'Kim cương')
  t.equal(tierForRankPoints(DEFAULT_TIERS, Number.MAX_SAFE_INTEGER).name, 'Kim cương')
  t.equal(tierForRankPoints(DEFAULT_TIERS, -500).name, 'Thành viên', 'debt stays in the lowest tier')
  t.equal(tierForRankPoints([...DEFAULT_TIERS].reverse(), 6_000_000).name, 'Vàng', 'order of the list does not matter')
  t.throws(() => tierForRankPoints([], 0), RangeError)
})

const VN = 'Asia/Ho_Chi_Minh'
const iso = (d: Date): string => d.toISOString()

t.test('addCalendarDays counts calendar days in Vietnam time', async t => {
  // 23:30 local on 1 Nov is 16:30 UTC; one day later is 00:00 local on 2 Nov = 17:00 UTC on 1 Nov.
  t.equal(iso(addCalendarDays(new Date('2026-11-01T16:30:00Z'), 1, VN)), '2026-11-01T17:00:00.000Z')
  // 00:10 local on 2 Nov is still 1 Nov in UTC: the local date is what counts.
  t.equal(iso(addCalendarDays(new Date('2026-11-01T17:10:00Z'), 1, VN)), '2026-11-02T17:00:00.000Z')
  t.equal(iso(addCalendarDays(new Date('2026-11-01T07:30:10Z'), 0, VN)), '2026-10-31T17:00:00.000Z', '0 days is the start of today')
  t.equal(iso(addCalendarDays(new Date('2026-01-31T05:00:00Z'), 1, VN)), '2026-01-31T17:00:00.000Z', 'into February')
  t.equal(iso(addCalendarDays(new Date('2026-12-31T10:00:00Z'), 1, VN)), '2026-12-31T17:00:00.000Z', 'into the new year')
  t.equal(iso(addCalendarDays(new Date('2026-12-31T18:00:00Z'), 1, VN)), '2027-01-01T17:00:00.000Z', 'already 1 Jan locally')
  t.equal(iso(addCalendarDays(new Date('2028-02-28T03:00:00Z'), 1, VN)), '2028-02-28T17:00:00.000Z', 'leap day')
  t.equal(iso(addCalendarDays(new Date('2026-11-01T07:00:00Z'), 365, VN)), '2027-10-31T17:00:00.000Z')
  t.equal(iso(addCalendarDays(new Date('2026-11-01T07:00:00Z'), 1)), '2026-11-01T17:00:00.000Z', 'defaults to Vietnam time')
})

t.test('addCalendarDays across DST uses local midnight', async t => {
  // Europe/Berlin springs forward on 29 Mar 2026: midnight of 30 Mar is +02:00.
  t.equal(iso(addCalendarDays(new Date('2026-03-28T12:00:00Z'), 2, 'Europe/Berlin')), '2026-03-29T22:00:00.000Z')
  // America/Santiago skips 00:00 on 6 Sep 2026: that day starts at 01:00 local (04:00 UTC).
  t.equal(iso(addCalendarDays(new Date('2026-09-05T15:00:00Z'), 1, 'America/Santiago')), '2026-09-06T04:00:00.000Z')
  t.equal(iso(addCalendarDays(new Date('2026-09-05T15:00:00Z'), 2, 'America/Santiago')), '2026-09-07T03:00:00.000Z', 'then -03:00')
})

t.test('addMonths clamps to the end of the month', async t => {
  t.equal(iso(addMonths(new Date('2027-01-31T05:00:00Z'), 1, VN)), '2027-02-27T17:00:00.000Z', '31 Jan → 28 Feb')
  t.equal(iso(addMonths(new Date('2028-01-31T05:00:00Z'), 1, VN)), '2028-02-28T17:00:00.000Z', '31 Jan → 29 Feb in a leap year')
  t.equal(iso(addMonths(new Date('2026-11-15T05:00:00Z'), 12, VN)), '2027-11-14T17:00:00.000Z')
  t.equal(iso(addMonths(new Date('2026-03-31T05:00:00Z'), 11, VN)), '2027-02-27T17:00:00.000Z')
  t.equal(iso(addMonths(new Date('2026-01-31T18:00:00Z'), 1, VN)), '2026-02-28T17:00:00.000Z', 'local date is already 1 Feb')
})

const orderFacts = fc.record({
  goods: fc.integer({ min: 0, max: 1_000_000_000 }),
  shippingPrice: fc.integer({ min: 0, max: 1_000_000 }),
  refundedAmount: fc.integer({ min: 0, max: 1_000_000_000 }),
})
const earningRule = fc.record({
  vndPerPoint: fc.integer({ min: 1, max: 1_000_000 }),
  pointsPerStep: fc.integer({ min: 1, max: 100 }),
  rounding: fc.constantFrom('floor' as const, 'half_up' as const),
  earnOn: fc.constant('paid' as const),
  excludeShipping: fc.boolean(),
})
const hundredths = fc.integer({ min: 0, max: 1000 })
const amount = fc.integer({ min: 0, max: 1_000_000_000_000 })

t.test('property: points are monotone in the eligible amount and never negative', async t => {
  fc.assert(fc.property(earningRule, hundredths, amount, amount, (earning, m, a, b) => {
    const [low, high] = a <= b ? [a, b] : [b, a]
    const pLow = pointsForAmount(low, earning, m)
    return pLow >= 0 && pLow <= pointsForAmount(high, earning, m)
  }))
  t.pass()
})

t.test('property: half_up is at least floor and at most one more', async t => {
  fc.assert(fc.property(earningRule, hundredths, amount, (earning, m, a) => {
    const floor = pointsForAmount(a, { ...earning, rounding: 'floor' }, m)
    const halfUp = pointsForAmount(a, { ...earning, rounding: 'half_up' }, m)
    return halfUp >= floor && halfUp - floor <= 1
  }))
  t.pass()
})

t.test('property: refunding more never increases points or ranking', async t => {
  fc.assert(fc.property(earningRule, fc.constantFrom(1, 1.1, 1.25, 1.5, 2), orderFacts, fc.nat(1_000_000_000), (earning, multiplier, facts, extra) => {
    const settings = { ...DEFAULT_SETTINGS, earning }
    const order: OrderFacts = {
      totalPrice: facts.goods + facts.shippingPrice,
      shippingPrice: facts.shippingPrice,
      refundedAmount: facts.refundedAmount,
      financialStatus: 'partially_refunded',
      fulfillmentStatus: null,
      cancelled: false,
    }
    const before = computeOrderTarget(order, settings, multiplier)
    const after = computeOrderTarget({ ...order, refundedAmount: order.refundedAmount + extra }, settings, multiplier)
    return before.points >= 0 && after.points <= before.points && after.rankPoints <= before.rankPoints
  }))
  t.pass()
})

// An independent reading of an instant's local date (a formatter of its own, nothing remembered).
function referenceLocalDate (epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(epochMs))
  const part = (type: string) => Number(parts.find(p => p.type === type)?.value)
  return Date.UTC(part('year'), part('month') - 1, part('day')) / 86_400_000
}

t.test('property: addCalendarDays lands on the first instant of the local date N days on, in any zone, at any millisecond', async t => {
  // Instants a few seconds either side of a local midnight, in zones with whole-hour, half-hour, 45-minute and
  // DST offsets, and before 1906, when Vietnam's offset (LMT) was +7:06:40: a local midnight off the minute. The
  // calendar remembers recent answers by UTC second (rules.ts), so a wrong key would show right at such midnights.
  const zones = ['Asia/Ho_Chi_Minh', 'Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/St_Johns']
  const day = 86_400_000
  fc.assert(fc.property(
    fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1890, 0, 1) / day, max: Date.UTC(2060, 0, 1) / day }),
    fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: 0, max: 400 }),
    (zone, utcDay, delta, days) => {
      const midnight = addCalendarDays(new Date(utcDay * day + day / 2), 0, zone).getTime()
      const instant = midnight + delta
      const result = addCalendarDays(new Date(instant), days, zone).getTime()
      return referenceLocalDate(result, zone) === referenceLocalDate(instant, zone) + days &&
        referenceLocalDate(result - 1, zone) < referenceLocalDate(result, zone)
    },
  ), { numRuns: 2000 })
  t.pass()
})
