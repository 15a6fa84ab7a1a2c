// Order deliveries that arrive together are applied in one transaction: same results as one by one, nothing lost.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import type { App } from '../../server/app.ts'
import { haravanOrderSchema } from '../../server/haravan/mappers.ts'
import { KnownCustomers, OrderBatcher } from '../../webhooks/batch.ts'
import { bodyHash } from '../../webhooks/inbox.ts'
import { authHeaders, build, DEMO_SHOP_ID } from '../helper.ts'
import { deliver, fixture, inboxRows } from './helpers.ts'

const paid = fixture('order-paid.json')

function order (id: number, customerId: number, total: number, extra: Record<string, unknown> = {}) {
  const phone = `09${String(10_000_000 + customerId % 10_000_000).padStart(8, '0')}`
  return {
    ...paid,
    id,
    name: `#B${id}`,
    customer: { id: customerId, phone, first_name: 'Lan', last_name: 'Nguyễn Thị' },
    billing_address: { phone },
    shipping_address: { phone },
    total_price: total,
    subtotal_price: total - 30_000,
    line_items: [],
    transactions: [],
    ...extra,
  }
}

/** What the webhook route does after the signature and schema checks, for many deliveries at the same instant. */
function submit (app: App, topic: string, body: unknown, batcher: OrderBatcher = app.orderBatcher) {
  const raw = JSON.stringify(body)
  const delivery = { shopId: DEMO_SHOP_ID, topic, body: raw, bodyHash: bodyHash(raw), now: app.clock() }
  return batcher.submit(delivery, haravanOrderSchema.parse(body))
}

interface MemberRow { customer_id: unknown, points_available: unknown, rank_points: unknown, total_spent: unknown, orders_count: unknown, tier_id: string }
async function memberRows (db: Parameters<typeof queryRows>[0]) {
  const rows = await queryRows<MemberRow>(db, sql`
    select customer_id, points_available, rank_points, total_spent, orders_count, tier_id from members order by customer_id`)
  return rows.map(r => ({
    id: Number(r.customer_id), points: Number(r.points_available), rank: Number(r.rank_points), spent: Number(r.total_spent), n: Number(r.orders_count), tier: r.tier_id,
  }))
}

t.test('40 concurrent order deliveries go in a few batches and give the balances of one-by-one delivery', async (t) => {
  // The same 40 deliveries (8 customers, some with several orders, one order delivered twice, one stale update)
  // sent all at once to one app and one at a time to another.
  const deliveries: { topic: string, body: unknown }[] = []
  for (let i = 0; i < 36; i++) deliveries.push({ topic: 'orders/paid', body: order(700_000 + i, 800_000 + (i % 8), 500_000 + i * 100_000) })
  deliveries.push({ topic: 'orders/paid', body: order(700_000, 800_000, 500_000) }) // the very same delivery again
  deliveries.push({ topic: 'orders/updated', body: order(700_001, 800_001, 600_000, { financial_status: 'refunded', updated_at: '2026-11-02T00:00:00Z' }) })
  deliveries.push({ topic: 'orders/updated', body: order(700_002, 800_002, 700_000, { updated_at: '2026-10-01T00:00:00Z' }) }) // stale
  deliveries.push({ topic: 'orders/create', body: order(700_099, 800_099, 2_000_000, { financial_status: 'pending' }) })

  const customers = Array.from({ length: 9 }, (_, i) => i === 8 ? 800_099 : 800_000 + i)
    .map(id => ({ ...fixture('customer.json'), id, phone: `09${String(10_000_000 + id % 10_000_000).padStart(8, '0')}`, email: `c${id}@example.vn` }))
  const together = await build(t)
  for (const body of customers) t.equal((await deliver(together.app, { topic: 'customers/create', body })).json().result, 'applied')
  // Submitted in one go (as concurrent requests on a real server are), so they queue up behind the first batches.
  const results = await Promise.all(deliveries.map(d => submit(together.app, d.topic, d.body)))
  t.same(results.map(r => r.result).filter(r => r !== 'applied'), ['duplicate'], 'all applied but the repeated one')
  const stats = together.app.orderBatcher.stats
  t.equal(stats.failedBatches, 0, 'no batch fell back to one by one')
  t.equal(stats.deliveries, customers.length + deliveries.length, 'the customers/create deliveries are batched too')
  t.ok(stats.batches < deliveries.length / 2, `batched (${stats.batches} batches for ${deliveries.length} deliveries)`)

  const oneByOne = await build(t)
  for (const body of customers) await deliver(oneByOne.app, { topic: 'customers/create', body })
  for (const d of deliveries) await deliver(oneByOne.app, d)
  t.ok(oneByOne.app.orderBatcher.stats.batches >= deliveries.length - 1)

  const expected = await memberRows(oneByOne.database.db)
  t.equal(expected.length, 9, 'every customer became a member (auto activation)')
  t.same(await memberRows(together.database.db), expected)
  t.same((await inboxRows(together.database.db)).length, customers.length + deliveries.length - 1)
  t.same((await verifyLedger(together.database.db)).problems, [])
})

t.test('automatic rewards (registration, first purchase, tier upgrade) are queued once per member, batched or one by one alike', async (t) => {
  // Buyers synced by customers/create and buyers seen only inside their orders, several orders each, big enough to
  // move up tiers; every delivery sent twice. Rewards are compared with the same deliveries applied one at a time.
  const buyers = Array.from({ length: 10 }, (_, i) => 810_000 + i)
  const deliveries = buyers.flatMap((c, i) => [0, 1, 2].map(k => ({ topic: 'orders/paid', body: order(710_000 + i * 10 + k, c, 3_000_000 + k * 4_000_000) })))
  const synced = buyers.filter((_, i) => i % 2 === 0)
    .map(id => ({ ...fixture('customer.json'), id, phone: `09${String(10_000_000 + id % 10_000_000).padStart(8, '0')}`, email: `r${id}@example.vn` }))
  const automatic = ['registration', 'first_purchase', 'tier_upgrade'].map(trigger => ({ trigger, enabled: true, discountType: 'percentage', value: 10, validDays: 7 }))
  async function shop () {
    const built = await build(t)
    const put = await built.app.inject({ method: 'PUT', url: '/api/rewards/automatic', headers: await authHeaders(built.app), payload: automatic })
    t.equal(put.statusCode, 200, put.body)
    for (const body of synced) await deliver(built.app, { topic: 'customers/create', body })
    return built
  }
  const rewardKeys = async (db: Parameters<typeof queryRows>[0]) => (await queryRows<{ key: string }>(db, sql`
    select idempotency_key as key from rewards order by 1`)).map(r => r.key)

  const together = await shop()
  await Promise.all(deliveries.map(d => submit(together.app, d.topic, d.body)))
  t.equal(together.app.orderBatcher.stats.failedBatches, 0, 'no batch fell back to one by one')
  t.ok(together.app.orderBatcher.stats.batches < deliveries.length / 2, 'batched')
  const keys = await rewardKeys(together.database.db)
  await Promise.all(deliveries.map(d => submit(together.app, d.topic, d.body)))
  t.same(await rewardKeys(together.database.db), keys, 'redelivered: nothing more')

  const oneByOne = await shop()
  for (const d of deliveries) await deliver(oneByOne.app, d)
  t.same(keys, await rewardKeys(oneByOne.database.db), 'the same rewards as one at a time')
  for (const c of buyers) {
    t.equal(keys.filter(k => k === `auto:registration:${c}`).length, 1, `registration once for ${c}`)
    t.equal(keys.filter(k => k === `auto:first_purchase:${c}`).length, 1, `first purchase once for ${c}`)
  }
  t.ok(keys.some(k => k.startsWith('auto:tier_upgrade:')), `tier upgrades queued (${keys.filter(k => k.startsWith('auto:tier_upgrade:')).length})`)
})

t.test('a new buyer with several orders and a guest order on their phone in one batch: the balances of one-by-one delivery', async (t) => {
  // The guest order (no customer, the buyer's phone) is one the batch leaves alone: it still makes the buyer's
  // history converge, as it does when the orders come one at a time.
  const deliveries = [
    { topic: 'orders/paid', body: order(720_001, 820_000, 900_000, { customer: null }) },
    { topic: 'orders/paid', body: order(720_002, 820_000, 3_000_000) },
    { topic: 'orders/paid', body: order(720_003, 820_000, 4_000_000) },
    { topic: 'orders/paid', body: order(720_004, 820_001, 2_500_000) },
    { topic: 'orders/paid', body: order(720_005, 820_001, 6_000_000) },
  ]
  const together = await build(t)
  await Promise.all(deliveries.map(d => submit(together.app, d.topic, d.body)))
  t.equal(together.app.orderBatcher.stats.failedBatches, 0)
  const oneByOne = await build(t)
  for (const d of deliveries) await deliver(oneByOne.app, d)
  const expected = await memberRows(oneByOne.database.db)
  t.equal(expected.length, 2, 'both buyers are members')
  t.same(await memberRows(together.database.db), expected)
  t.same((await verifyLedger(together.database.db)).problems, [])
})

t.test('a batch that fails is taken again one by one: the bad delivery is stored as failed, the others apply', async (t) => {
  const { app, database } = await build(t)
  for (const id of [810_001, 810_002, 810_003]) {
    await deliver(app, { topic: 'customers/create', body: { ...fixture('customer.json'), id, phone: `09${id}0`, email: `c${id}@example.vn` } })
  }
  // The database refuses order 710002 (as it would a row breaking a constraint): its batch fails as a whole.
  await database.db.execute(sql.raw(`
    create function refuse_order() returns trigger language plpgsql as $$
    begin if new.id = 710002 then raise exception 'order 710002 refused by the test'; end if; return new; end $$`))
  await database.db.execute(sql.raw('create trigger refuse_order before insert or update on orders for each row execute function refuse_order()'))
  const bodies = [order(710_001, 810_001, 1_000_000), order(710_002, 810_002, 1_000_000), order(710_003, 810_003, 1_000_000)]
  const results = await Promise.all(bodies.map(body => submit(app, 'orders/paid', body)))
  t.same(results.map(r => r.result), ['applied', 'failed', 'applied'])
  t.ok(app.orderBatcher.stats.failedBatches >= 1)
  const inbox = await inboxRows(database.db)
  t.same(inbox.filter(r => r.topic === 'orders/paid').map(r => r.status).sort(), ['applied', 'applied', 'failed'])
  t.match(inbox.find(r => r.status === 'failed'), { last_error: /refused by the test/ })
  t.same((await memberRows(database.db)).map(m => [m.id, m.points]), [[810_001, 97], [810_002, 0], [810_003, 97]], 'points for the two that applied (shipping excluded)')
  t.same((await verifyLedger(database.db)).problems, [])
})

t.test('a batch whose last statement fails (COMMIT already sent behind it) commits nothing and is taken again one by one', async (t) => {
  const { app, database } = await build(t)
  for (const id of [811_001, 811_002, 811_003]) {
    await deliver(app, { topic: 'customers/create', body: { ...fixture('customer.json'), id, phone: `09${id}1`, email: `d${id}@example.vn` } })
  }
  // The earn entries are the batch's last statement: the database refuses the one for customer 811002.
  await database.db.execute(sql.raw(`
    create function refuse_entry() returns trigger language plpgsql as $$
    begin if new.customer_id = 811002 then raise exception 'entry for 811002 refused by the test'; end if; return new; end $$`))
  await database.db.execute(sql.raw('create trigger refuse_entry before insert on ledger_entries for each row execute function refuse_entry()'))
  const batchesBefore = app.orderBatcher.stats.failedBatches
  const bodies = [order(711_001, 811_001, 1_000_000), order(711_002, 811_002, 1_000_000), order(711_003, 811_003, 1_000_000)]
  const results = await Promise.all(bodies.map(body => submit(app, 'orders/paid', body)))
  t.same(results.map(r => r.result), ['applied', 'failed', 'applied'])
  t.ok(app.orderBatcher.stats.failedBatches > batchesBefore, 'the batch failed as a whole')
  const inbox = (await inboxRows(database.db)).filter(r => r.topic === 'orders/paid')
  t.same(inbox.map(r => r.status).sort(), ['applied', 'applied', 'failed'], 'one inbox row per delivery: the batch left none behind')
  t.same((await memberRows(database.db)).map(m => [m.id, m.points]), [[811_001, 97], [811_002, 0], [811_003, 97]])
  const [entries] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from ledger_entries`)
  t.equal(entries!.n, 2, 'one earn entry for each order that applied, none twice')
  t.same((await verifyLedger(database.db)).problems, [])
})

t.test('a delivery whose batch row cannot be made goes alone (one at a time): answered and stored, the others still batch', async (t) => {
  // A delivery's row is made when it is submitted (not when its batch runs). One that cannot be made (here a value
  // JSON cannot hold, which no parsed payload has) must neither throw out of submit nor hold up the others.
  const { app, database } = await build(t)
  const raw = JSON.stringify(order(713_001, 813_001, 1_000_000))
  const odd = { ...haravanOrderSchema.parse(JSON.parse(raw)), total_price: 1n as unknown as number }
  const delivery = { shopId: DEMO_SHOP_ID, topic: 'orders/paid', body: raw, bodyHash: bodyHash(raw), now: app.clock() }
  const batchedBefore = app.orderBatcher.stats.deliveries
  const [alone, ...others] = await Promise.all([
    app.orderBatcher.submit(delivery, odd),
    submit(app, 'orders/paid', order(713_002, 813_002, 1_000_000)),
    submit(app, 'orders/paid', order(713_003, 813_003, 1_000_000)),
  ])
  t.ok(alone?.result === 'applied' || alone?.result === 'failed', `answered: ${alone?.result}`)
  t.same(others.map(r => r.result), ['applied', 'applied'])
  t.equal(app.orderBatcher.stats.deliveries - batchedBefore, 2, 'only the other two went through a batch')
  const inbox = (await inboxRows(database.db)).filter(r => r.topic === 'orders/paid')
  t.equal(inbox.length, 3, 'one inbox row each')
  t.same((await verifyLedger(database.db)).problems, [])
})

t.test('two batches racing on one order: the later one sees what the earlier one posted', async (t) => {
  // Two app instances on one database (two batchers): a paid order and its refund land in different batches at the
  // same instant; the second waits for the first's lock on the order and must then read the ledger as the first left it.
  const { app, database } = await build(t)
  const otherInstance = new OrderBatcher(database.db, app.log)
  const customerId = 820_000
  await deliver(app, { topic: 'customers/create', body: { ...fixture('customer.json'), id: customerId, phone: '0982000000', email: 'race@example.vn' } })
  const results = []
  for (let i = 0; i < 20; i++) {
    const paidVersion = order(720_000 + i, customerId, 1_030_000)
    const refunded = order(720_000 + i, customerId, 1_030_000, { financial_status: 'refunded', updated_at: '2026-11-02T00:00:00Z' })
    results.push(...await Promise.all([submit(app, 'orders/paid', paidVersion), submit(app, 'orders/updated', refunded, otherInstance)]))
  }
  t.same(results.filter(r => r.result !== 'applied'), [])
  t.same((await memberRows(database.db)).map(m => [m.id, m.points, m.rank]), [[customerId, 0, 0]], 'every order refunded: nothing held')
  t.same((await verifyLedger(database.db)).problems, [])
})

t.test('a buyer seen only in orders: created by the first, later orders (skipping the known row) still earn, a newer customers/update wins', async (t) => {
  const { app } = await build(t)
  const buyer = 812_345
  t.equal((await submit(app, 'orders/paid', order(9_812_001, buyer, 400_000))).result, 'applied')
  const [created] = await queryRows<{ full_name: string }>(app.db, sql`select full_name from customers where shop_id = ${DEMO_SHOP_ID} and id = ${buyer}`)
  t.equal(created?.full_name, 'Nguyễn Thị Lan', 'the first order created its buyer')
  const update = { ...fixture('customer.json'), id: buyer, first_name: 'Hoa', last_name: 'Trần', phone: '0910812345', updated_at: '2099-01-01T00:00:00Z' }
  t.equal((await deliver(app, { topic: 'customers/update', body: update })).json().result, 'applied')
  const later = await Promise.all([9_812_002, 9_812_003].map(id => submit(app, 'orders/paid', order(id, buyer, 300_000))))
  t.same(later.map(o => o.result), ['applied', 'applied'])
  const [row] = await queryRows<{ full_name: string }>(app.db, sql`select full_name from customers where shop_id = ${DEMO_SHOP_ID} and id = ${buyer}`)
  t.equal(row?.full_name, 'Trần Hoa', "later orders' copies of the buyer never overwrite the newer customer")
  const [member] = await queryRows<{ orders_count: unknown }>(app.db, sql`select orders_count from members where shop_id = ${DEMO_SHOP_ID} and customer_id = ${buyer}`)
  t.equal(Number(member?.orders_count), 3, 'all three orders counted for the member')
  t.same((await verifyLedger(app.db)).problems, [])
})

t.test('KnownCustomers is bounded: the oldest pair goes first', async (t) => {
  const known = new KnownCustomers(3)
  for (const id of [1, 2, 3, 4]) known.add('s', id)
  t.same([1, 2, 3, 4].map(id => known.has('s', id)), [false, true, true, true])
  t.equal(known.has('other', 4), false, 'per shop')
})

t.test('a batch stores each delivery with its own payload, byte for byte, whatever the bodies hold', async (t) => {
  // The payloads travel apart from the rest of the batch's rows (batchPayloads): a mix-up would store one
  // delivery's body under another's hash. Notes with escaped control characters (the separator among them),
  // quotes, backslashes, Vietnamese and astral characters, and bodies of very different sizes.
  const { app } = await build(t)
  const notes = ['\u001e', 'a\u001eb\u001f', '"quoted" \\ back\\slash', 'Giao giờ hành chính 🚚', '', 'x'.repeat(50_000), '{"not":"json"}', '\n\t']
  // Customers come through the route, which cleans control characters out of the text (text.ts): theirs keep the others.
  const clean = notes.filter(n => !n.includes('\u001e') && !n.includes('\u001f'))
  const customerBody = (i: number) => ({ ...fixture('customer.json'), id: 830_000 + i, phone: `0913${String(830_000 + i).slice(-6)}`, note: clean[i % clean.length] })
  const orderBodies = notes.map((note, i) => order(9_830_000 + i, 830_000 + i, 300_000 + i * 1_000, { note }))
  const results = await Promise.all([
    ...orderBodies.map(body => submit(app, 'orders/paid', body)),
    ...notes.map((_, i) => deliver(app, { topic: 'customers/create', body: customerBody(i) }).then(r => r.json() as { result: string })),
  ])
  t.same(results.map(r => r.result), results.map(() => 'applied'))
  t.ok(app.orderBatcher.stats.batches < results.length, 'they went together')
  const sent = [...orderBodies, ...notes.map((_, i) => customerBody(i))].map(b => JSON.stringify(b))
  const stored = await queryRows<{ body_hash: string, payload: string }>(app.db, sql`
    select body_hash, payload::text as payload from webhook_inbox where shop_id = ${DEMO_SHOP_ID} and topic in ('orders/paid', 'customers/create')`)
  const byHash = new Map(stored.map(r => [r.body_hash, r.payload]))
  for (const body of sent) t.equal(byHash.get(bodyHash(body)), body, `stored as sent: ${body.slice(0, 60)}…`)
})
