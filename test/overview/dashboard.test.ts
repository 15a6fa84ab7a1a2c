// GET /api/dashboard against the lists it summarises, on history made of refunds, cancellations, guests and an opening import.
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import { verifyRollup } from '../../server/overview/rollup.ts'
import { get, history, ORDERS, sendOrder } from './fixtures.ts'

t.test('every figure agrees with the member list, the balances and the orders sent in', async (t) => {
  const { app, shopId } = await history(t)
  const d = await get(app, shopId, '/api/dashboard?from=2026-11-01&to=2026-11-30')
  const list = await get(app, shopId, '/api/members?limit=100')
  const items = list.items as Array<{ totalSpent: number, ordersCount: number, pointsAvailable: number, pointsPending: number, pointsUsed: number, tier: { id: string } | null }>
  const sum = (f: (i: (typeof items)[number]) => number) => items.reduce((n, i) => n + f(i), 0)

  t.same(d.period, { from: '2026-11-01', to: '2026-11-30' })
  t.same(d.previous.period, { from: '2026-10-02', to: '2026-10-31' }, 'the 30 days before')
  t.equal(d.members.total, list.total, 'members total = the member list total')
  t.equal(d.members.new, 3, 'two by the import, one by the button')
  t.equal(d.members.shareOfCustomers, 3 / 5)
  t.equal(d.previous.members.total, 0)

  // Live revenue: 2,000,000 + (1,000,000 − 300,000 refunded) + 600,000; the cancelled, refunded and pending orders count for nothing.
  t.equal(d.revenue.members, 3_300_000)
  t.equal(d.revenue.nonMembers, 1_250_000, "204's two orders and the guest's")
  t.equal(d.revenue.openingBalances, 3_800_000, 'DTTichLuy of the import, apart from live revenue')
  t.equal(d.revenue.members + d.revenue.openingBalances, sum((i) => i.totalSpent), 'members: live revenue + opening = Σ totalSpent')
  t.equal(d.previous.revenue.members, 1_000_000, "201's order of October counts as a member's: 201 is one now")
  t.equal(d.orders.members + d.previous.orders.members, sum((i) => i.ordersCount), 'Σ ordersCount over both periods')
  t.same(d.orders, { members: 3, nonMembers: 3 })
  t.same(d.averageOrder, { members: 1_100_000, nonMembers: Math.floor(1_250_000 / 3) })
  t.same(d.repeatRate, { members: 2 / 3, nonMembers: 1 / 2 }, "201's two orders follow its October one, 203's is its first; 204's second (guests left out)")

  t.equal(d.points.outstanding, sum((i) => i.pointsAvailable + i.pointsPending), 'outstanding = Σ balances')
  t.equal(d.points.opening, 200, '150 + 50 points from DTDauKy')
  t.equal(d.points.earned, d.points.outstanding - d.points.opening + sum((i) => i.pointsUsed), 'earned = what the orders left on the balances')
  t.equal(d.points.redeemed, sum((i) => i.pointsUsed))
  t.equal(d.points.liabilityVnd, Math.floor(d.points.outstanding * 50_000 / 100), 'at the reward catalogue: 100 points → 50.000 ₫')
  t.equal(d.redemptionRate, 0)

  for (const [filter, value] of [['last_7_days', d.activity.active7], ['last_30_days', d.activity.active30], ['inactive_31_days', d.activity.lapsed]]) {
    t.equal(value, (await get(app, shopId, `/api/members?filter=${filter}`)).total, `activity = the ${filter} list`)
  }
  t.equal(d.tiers.reduce((n: number, x: { members: number }) => n + x.members, 0), list.total, 'tiers add up to the total')
  for (const tier of d.tiers as Array<{ tierId: string, members: number }>) {
    t.equal(tier.members, items.filter((i) => i.tier?.id === tier.tierId).length, `tier ${tier.tierId}`)
  }

  t.equal(d.series.length, 30)
  const total = (k: string) => d.series.reduce((n: number, s: Record<string, number>) => n + s[k]!, 0)
  t.equal(total('memberRevenue'), d.revenue.members)
  t.equal(total('nonMemberRevenue'), d.revenue.nonMembers)
  t.equal(total('newMembers'), d.members.new)
  t.equal(total('pointsEarned'), d.points.earned)
  t.match(d.series.find((s: { date: string }) => s.date === '2026-11-30'), { nonMemberRevenue: 250_000 }, "the guest's order on its Vietnamese day")
  t.same(d.campaigns, { sent: 0, orders: 0, revenue: 0 })
  t.same(d.checklist.map((c: { id: string, done: boolean }) => [c.id, c.done]),
    [['loyaltyRules', true], ['openingBalances', true], ['messagingChannels', false], ['firstCampaign', false]])
  t.equal(d.isNew, false)
})

t.test('the rollup follows later writes: a refund on an old day, an activation, and equals a recomputation', async (t) => {
  const built = await history(t)
  const { app, shopId } = built
  const url = '/api/dashboard?from=2026-11-01&to=2026-11-30'
  const before = await get(app, shopId, url)
  t.same(await verifyRollup(app.db, shopId, 'Asia/Ho_Chi_Minh'), [], 'stored days = recomputed days')

  // A refund on 9101 (5/11) arrives later, and 204 becomes a member by the button: both change old days.
  await sendOrder(app, { ...ORDERS[1]!, status: 'partially_refunded', refund: 500_000 })
  const activate = await app.inject({ method: 'POST', url: '/api/members/204/activate', headers: await authHeaders(app, shopId) })
  t.equal(activate.statusCode, 200)
  const after = await get(app, shopId, url)
  t.equal(after.revenue.members, before.revenue.members - 500_000 + 1_000_000, "the refund taken off, 204's orders now members'")
  t.equal(after.revenue.nonMembers, 250_000, 'only the guest is left')
  const list = await get(app, shopId, '/api/members?limit=100')
  t.equal(after.revenue.members + after.revenue.openingBalances, list.items.reduce((n: number, i: { totalSpent: number }) => n + i.totalSpent, 0))
  t.same(after.repeatRate, { members: 3 / 5, nonMembers: null })
  t.same(await verifyRollup(app.db, shopId, 'Asia/Ho_Chi_Minh'), [], 'still equal to a recomputation')

  // Another zone for the shop: the days are rebuilt for it.
  await app.db.update(shops).set({ timezone: 'UTC' }).where(eq(shops.shopId, shopId))
  const utc = await get(app, shopId, url)
  t.equal(utc.series.find((s: { date: string }) => s.date === '2026-11-29').nonMemberRevenue, 250_000, "the guest's order is on 29/11 in UTC")
  t.same(await verifyRollup(app.db, shopId, 'UTC'), [])
})

t.test('a new shop: zeros, the checklist, the last 30 days by default', async (t) => {
  const { app, shopId } = await build(t, { clock: () => new Date('2026-12-04T20:00:00Z') })
  const d = await get(app, shopId, '/api/dashboard')
  t.same(d.period, { from: '2026-11-06', to: '2026-12-05' }, '30 days up to today in Việt Nam (already 5/12 there)')
  t.equal(d.isNew, true)
  t.ok(d.checklist.every((c: { done: boolean }) => !c.done))
  t.same(d.revenue, { members: 0, nonMembers: 0, openingBalances: 0 })
  t.equal(d.points.liabilityVnd, null, 'no reward to value points at')
  t.equal(d.redemptionRate, null)
  t.same(d.repeatRate, { members: null, nonMembers: null })
  t.equal(d.tiers.length, 4, 'the default tiers, empty')
})

t.test('bad periods are a 400 in Vietnamese', async (t) => {
  const { app, shopId } = await build(t)
  const headers = await authHeaders(app, shopId)
  for (const [query, message] of [
    ['from=2026-11-30&to=2026-11-01', /trước hoặc bằng/],
    ['from=2025-01-01&to=2026-11-30', /tối đa là 366 ngày/],
    ['from=2026-02-30&to=2026-03-01', /không hợp lệ/],
    ['from=2026-11-01', /Cần cả/],
  ] as const) {
    const res = await app.inject({ url: `/api/dashboard?${query}`, headers })
    t.equal(res.statusCode, 400, query)
    t.match(res.json().message, message)
  }
  t.equal((await app.inject({ url: '/api/dashboard?from=2026-11-01&to=2026-11-01', headers })).statusCode, 200, 'one day is a period')
})
