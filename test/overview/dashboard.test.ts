// GET /api/dashboard against the lists it summarises, on history made of refunds, cancellations, guests and an opening import.
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { createOption } from '../loyalty/rewards-fixtures.ts'
import { get, importOpening, seedShopCustomers, sendOrder, type OrderSpec } from './fixtures.ts'

const ORDERS: OrderSpec[] = [
  { id: 9001, customerId: 201, total: 1_000_000, createdAt: '2026-10-16T02:00:00Z' }, // before the import: previous period
  { id: 9101, customerId: 201, total: 2_000_000, createdAt: '2026-11-05T02:00:00Z' },
  { id: 9102, customerId: 201, total: 1_000_000, createdAt: '2026-11-06T02:00:00Z', status: 'partially_refunded', refund: 300_000 },
  { id: 9103, customerId: 202, total: 500_000, createdAt: '2026-11-07T02:00:00Z', cancelled: true },
  { id: 9104, customerId: 203, total: 400_000, createdAt: '2026-11-08T02:00:00Z', status: 'refunded' },
  { id: 9105, customerId: 203, total: 600_000, createdAt: '2026-11-20T02:00:00Z' },
  { id: 9106, customerId: 204, total: 900_000, createdAt: '2026-11-21T02:00:00Z' }, // 204 never becomes a member
  { id: 9107, customerId: 204, total: 100_000, createdAt: '2026-11-22T02:00:00Z' },
  { id: 9108, customerId: null, total: 250_000, createdAt: '2026-11-29T18:30:00Z' }, // a guest, 30/11 01:30 in Việt Nam
  { id: 9109, customerId: 205, total: 999_000, createdAt: '2026-11-23T02:00:00Z', status: 'pending' },
]

async function history (t: { teardown: (fn: () => unknown) => void, equal: (a: unknown, b: unknown) => void }) {
  let now = new Date('2026-10-10T03:00:00Z')
  const built = await build(t, { jobs: true, clock: () => now })
  const { app, shopId } = built
  // Sessions expire: each step mints its own at the clock's time.
  let headers = await authHeaders(app, shopId)
  await seedShopCustomers(app, shopId)
  // Members only by decision here (import, button): 204 and 205 stay customers.
  const settings = await get(app, shopId, '/api/settings/loyalty')
  const put = await app.inject({ method: 'PUT', url: '/api/settings/loyalty', headers, payload: { ...settings, autoActivate: false } })
  t.equal(put.statusCode, 200)
  await sendOrder(app, ORDERS[0]!)
  now = new Date('2026-11-01T03:00:00Z')
  await importOpening(app, shopId, ['Nguyễn Văn An,0912345678,,1.500.000,3.000.000', 'Trần Thị Bình,0987654321,,500.000,800.000'])
  now = new Date('2026-11-10T03:00:00Z')
  headers = await authHeaders(app, shopId)
  t.equal((await app.inject({ method: 'POST', url: '/api/members/203/activate', headers })).statusCode, 200)
  now = new Date('2026-11-30T05:00:00Z')
  for (const o of ORDERS.slice(1)) await sendOrder(app, o)
  headers = await authHeaders(app, shopId)
  await createOption(app, headers, { pointsCost: 100, value: 50_000 })
  return built
}

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
  t.same(d.repeatRate, { members: 1 / 2, nonMembers: 1 }, '201 of {201, 203}; 204 of {204} (guests left out)')

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
