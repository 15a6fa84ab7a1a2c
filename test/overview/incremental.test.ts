// The rollup's incremental path: exact differences per order and per ledger entry, and tier totals kept by the members
// triggers, equal a recomputation after any sequence of writes — including writes stamped inside the look-back margin,
// concurrent writers on one customer and one day, and refreshes running side by side.
import t from 'tap'
import fc from 'fast-check'
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { MARGIN_MS, refreshRollup, verifyMemberTotals, verifyRollup } from '../../server/overview/rollup.ts'
import { authHeaders, freshDatabase } from '../helper.ts'
import { get, history, ORDERS, sendOrder } from './fixtures.ts'

const TZ = 'Asia/Ho_Chi_Minh'
const START = Date.parse('2026-11-20T10:00:00Z')
const STATUSES = ['paid', 'partially_refunded', 'refunded', 'pending', 'PAID'] as const
const TIERS = [null, 'member', 'silver', 'gold'] as const

type Op =
  | {
    kind: 'order',
    id: number,
    customer: number | null,
    total: number,
    refund: number,
    status: string,
    cancelled: boolean,
    deleted: boolean,
    day: number,
    hour: number,
    noCreatedAt: boolean,
    late: number
  }
  | { kind: 'activate', customer: number, tier: string | null, points: number }
  | { kind: 'member', customer: number, tier: string | null, available: number, pending: number }
  | { kind: 'entry', customer: number, entry: string, points: number, late: number }
  | { kind: 'refresh' }
  | { kind: 'wait', seconds: number }

const customer = fc.integer({ min: 1, max: 4 })
// late: the write is stamped up to 59 s before the clock, as a transaction that stamped before a refresh and
// committed after it (inside MARGIN_MS).
const late = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: Math.floor(MARGIN_MS / 1000) - 1 }))
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      id: fc.integer({ min: 1, max: 8 }),
      customer: fc.option(customer, { freq: 4 }),
      total: fc.integer({ min: 0, max: 5 }).map((n) => n * 100_000),
      refund: fc.integer({ min: 0, max: 3 }).map((n) => n * 100_000),
      status: fc.constantFrom(...STATUSES),
      cancelled: fc.boolean(),
      deleted: fc.boolean(),
      day: fc.integer({ min: 0, max: 4 }),
      hour: fc.integer({ min: 0, max: 23 }),
      noCreatedAt: fc.boolean(),
      late
    })
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('activate' as const), customer, tier: fc.constantFrom(...TIERS), points: fc.integer({ min: 0, max: 500 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('member' as const),
      customer,
      tier: fc.constantFrom(...TIERS),
      available: fc.integer({ min: -100, max: 100 }),
      pending: fc.integer({ min: -50, max: 50 })
    })
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('entry' as const),
      customer,
      entry: fc.constantFrom('earn', 'reverse', 'redeem', 'expire', 'opening', 'adjust', 'release'),
      points: fc.integer({ min: -300, max: 300 }),
      late
    })
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'refresh' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 150 }) }) },
)

async function apply (db: Db, shopId: string, o: Op, now: number, entryNo: number): Promise<void> {
  const at = (ms: number) => new Date(ms).toISOString()
  if (o.kind === 'order') {
    const created = o.noCreatedAt ? null : at(Date.parse('2026-11-15T00:00:00Z') + o.day * 86_400_000 + o.hour * 3_600_000)
    await db.execute(sql`insert into orders (shop_id, id, customer_id, total_price, refunded_amount, financial_status, cancelled_at, deleted, haravan_created_at, synced_at)
      values (${shopId}, ${o.id}, ${o.customer}, ${o.total}, ${o.refund}, ${o.status}, ${o.cancelled ? at(now) : null}, ${o.deleted}, ${created}, ${at(now - o.late * 1000)})
      on conflict (shop_id, id) do update set customer_id = excluded.customer_id, total_price = excluded.total_price, refunded_amount = excluded.refunded_amount,
        financial_status = excluded.financial_status, cancelled_at = excluded.cancelled_at, deleted = excluded.deleted,
        haravan_created_at = excluded.haravan_created_at, synced_at = excluded.synced_at`)
  } else if (o.kind === 'activate') {
    await db.execute(sql`insert into members (shop_id, customer_id, activated_at, activation_source, tier_id, points_available)
      values (${shopId}, ${o.customer}, ${at(now)}, 'manual', ${o.tier}, ${o.points}) on conflict do nothing`)
  } else if (o.kind === 'member') {
    await db.execute(sql`update members set tier_id = ${o.tier}, points_available = points_available + ${o.available},
      points_pending = points_pending + ${o.pending} where shop_id = ${shopId} and customer_id = ${o.customer}`)
  } else if (o.kind === 'entry') {
    await db.execute(sql`insert into ledger_entries (shop_id, customer_id, kind, points, state, available_at, source, idempotency_key, created_at)
      values (${shopId}, ${o.customer}, ${o.entry}, ${o.points}, 'available', ${at(now)}, 'system', ${`p:${entryNo}`}, ${at(now - o.late * 1000)})`)
  }
}

t.test('property: after any writes and refreshes, the rollup and the tier totals equal a recomputation', async (t) => {
  const { db } = await freshDatabase(t)
  let run = 0
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
    const shopId = `prop${++run}`
    let now = START
    let entries = 0
    for (const o of ops) {
      if (o.kind === 'wait') now += o.seconds * 1000
      else if (o.kind === 'refresh') {
        await refreshRollup(db, shopId, TZ, new Date(now))
        if ((await verifyRollup(db, shopId, TZ)).length > 0) return false
      } else await apply(db, shopId, o, now, ++entries)
      now += 1000
    }
    await refreshRollup(db, shopId, TZ, new Date(now))
    return (await verifyRollup(db, shopId, TZ)).length === 0 && (await verifyMemberTotals(db, shopId)).length === 0
  }), { numRuns: 60 })
  t.pass('60 random histories')
})

t.test('a refresh after only late writes inside the margin takes them in, and once', async (t) => {
  const { db } = await freshDatabase(t)
  const shopId = 'late1'
  const now = new Date(START)
  await refreshRollup(db, shopId, TZ, now)
  // Stamped 30 s before that refresh, committed after it.
  await apply(db, shopId, { kind: 'order', id: 1, customer: 1, total: 500_000, refund: 0, status: 'paid', cancelled: false, deleted: false, day: 1, hour: 3, noCreatedAt: false, late: 30 }, START, 1)
  await apply(db, shopId, { kind: 'entry', customer: 1, entry: 'earn', points: 50, late: 30 }, START, 2)
  t.equal(await refreshRollup(db, shopId, TZ, new Date(START + 5000)), 2, 'the order\'s day and the entry\'s day changed')
  t.equal(await refreshRollup(db, shopId, TZ, new Date(START + 10_000)), 0, 'nothing added twice')
  t.same(await verifyRollup(db, shopId, TZ), [])
  const days = await queryRows<{ day: string, revenue: unknown, earned: unknown }>(db, sql`select to_char(day, 'YYYY-MM-DD') as day,
    non_member_revenue as revenue, points_earned as earned from overview_days where shop_id = ${shopId} order by day`)
  t.same(days.map((d) => [d.day, Number(d.revenue), Number(d.earned)]), [['2026-11-16', 500_000, 0], ['2026-11-20', 0, 50]])
})

t.test('two writers on the same customer and day, and refreshes side by side, leave the rollup exact', async (t) => {
  const built = await history(t)
  const { app, shopId } = built
  const url = '/api/dashboard?from=2026-11-01&to=2026-11-30'
  await get(app, shopId, url)
  // Two new orders of 201 on 25/11 (one of them before 201's first order of November in time, changing which is
  // first), a refund of its 5/11 order, and dashboards and refreshes while they are written.
  const headers = await authHeaders(app, shopId)
  const writes = [
    sendOrder(app, { id: 9201, customerId: 201, total: 700_000, createdAt: '2026-11-25T02:00:00Z' }),
    sendOrder(app, { id: 9202, customerId: 201, total: 300_000, createdAt: '2026-11-25T03:00:00Z' }),
    sendOrder(app, { ...ORDERS[1]!, status: 'partially_refunded', refund: 200_000 }),
    sendOrder(app, { id: 9203, customerId: 203, total: 100_000, createdAt: '2026-11-25T04:00:00Z' }),
  ]
  const reads = [1, 2, 3].map(() => app.inject({ url, headers }))
  const refreshes = [1, 2].map(() => refreshRollup(app.db, shopId, TZ, app.clock()))
  await Promise.all([...writes, ...reads, ...refreshes])
  const d = await get(app, shopId, url)
  t.same(await verifyRollup(app.db, shopId, TZ), [], 'stored days and contributions = recomputed')
  t.same(await verifyMemberTotals(app.db, shopId), [], 'tier totals = the members rows')
  // 3,300,000 before; + 700,000 + 300,000 (201) + 100,000 (203) − 200,000 refunded on 9101.
  t.equal(d.revenue.members, 3_300_000 + 700_000 + 300_000 + 100_000 - 200_000)
  t.same(d.orders, { members: 6, nonMembers: 3 })
  t.same(d.repeatRate, { members: 5 / 6, nonMembers: 1 / 2 }, "201's four and 203's second are repeat orders")
  const list = await get(app, shopId, '/api/members?limit=100')
  const items = list.items as Array<{ pointsAvailable: number, pointsPending: number }>
  t.equal(d.points.outstanding, items.reduce((n, i) => n + i.pointsAvailable + i.pointsPending, 0), 'outstanding = Σ balances after the writes')

  // Concurrent member writes on one member (each its own transaction) and refreshes folding the deltas meanwhile.
  await Promise.all([
    ...[10, -3, 25, 7].map((p) => app.db.transaction(async (tx) => {
      await tx.execute(sql`update members set points_available = points_available + ${p} where shop_id = ${shopId} and customer_id = 201`)
    })),
    app.db.execute(sql`update members set tier_id = 'silver' where shop_id = ${shopId} and customer_id = 203`),
    refreshRollup(app.db, shopId, TZ, app.clock()),
    refreshRollup(app.db, shopId, TZ, app.clock()),
  ])
  t.same(await verifyMemberTotals(app.db, shopId), [], 'before the next fold: totals + deltas = the members rows')
  await refreshRollup(app.db, shopId, TZ, app.clock())
  t.same(await verifyMemberTotals(app.db, shopId), [], 'after it')
  const after = await get(app, shopId, url)
  t.equal(after.points.outstanding, d.points.outstanding + 39)
  t.equal(after.tiers.find((x: { tierId: string }) => x.tierId === 'silver').members, 1)
})
