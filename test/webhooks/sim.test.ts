// End to end with the Haravan simulator: subscribe through its REST, mutate the shop, signed deliveries land in our tables.
import type { AddressInfo } from 'node:net'
import { and, eq } from 'drizzle-orm'
import t, { type Test } from 'tap'
import { customers, orders } from '../../db/schema/index.ts'
import { CLIENT_ID, CLIENT_SECRET, install, simFor, subscribe, VERIFY_TOKEN } from '../haravan-sim/helpers.ts'
import { build, mintSessionToken } from '../helper.ts'
import { count, inboxRows } from './helpers.ts'

const ORG = '1000000001'

async function setup (t: Test, duplicates = 0) {
  const built = await build(t, { env: { HARAVAN_CLIENT_ID: CLIENT_ID, HARAVAN_CLIENT_SECRET: CLIENT_SECRET, HARAVAN_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN } })
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = built.app.server.address() as AddressInfo
  const sim = await simFor(t, { retry: { baseMs: 5, maxMs: 20, maxAttempts: 19 }, sendDuplicates: duplicates })
  sim.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/haravan`)
  sim.addShop({ orgid: ORG, name: 'Cửa hàng Demo' })
  const res = await subscribe(sim, (await install(sim, ORG)).access_token)
  t.same(res.body, { error: false, message: 'Subscribe success' }, 'the handshake passed and the shop is subscribed')
  return { ...built, sim }
}

t.test('customers and orders created and paid in Haravan arrive in our database', async (t) => {
  const { sim, database, shopId } = await setup(t)
  const c = sim.createCustomer(ORG, { first_name: 'Lan', last_name: 'Nguyễn Thị', phone: '0912 345 678', email: 'lan@example.vn', gender: 0 })
  const paidAtOnce = sim.createOrder(ORG, { customer: { id: c.id }, financial_status: 'paid' })
  const later = sim.createOrder(ORG, { customer: { id: c.id }, financial_status: 'pending' })
  sim.payOrder(ORG, later.id)
  await sim.flushWebhooks()

  t.ok(sim.deliveries.length >= 6)
  t.ok(sim.deliveries.every((d) => d.ok && d.attempt === 1), 'every delivery answered 2xx the first time')
  const [row] = await database.db.select().from(customers).where(and(eq(customers.shopId, shopId), eq(customers.id, c.id)))
  t.match(row, { fullName: 'Nguyễn Thị Lan', phoneE164: '+84912345678', gender: 'female' })
  const stored = await database.db.select().from(orders).where(eq(orders.shopId, shopId))
  t.equal(stored.length, 2)
  for (const o of stored) {
    t.equal(o.financialStatus, 'paid', `order ${o.id} is paid`)
    t.equal(o.customerId, c.id)
    t.equal(o.totalPrice, sim.orders(ORG).find((x) => x.id === o.id)?.total_price)
  }
  t.ok(stored.some((o) => o.id === paidAtOnce.id))
  t.ok((await inboxRows(database.db)).every((r) => r.status === 'applied'))
})

t.test('with duplicate deliveries on, still one row each', async (t) => {
  const { sim, database } = await setup(t, 2)
  const c = sim.createCustomer(ORG, { first_name: 'Mai', phone: '0987654321' })
  const o = sim.createOrder(ORG, { customer: { id: c.id }, financial_status: 'pending' })
  sim.payOrder(ORG, o.id)
  await sim.flushWebhooks()
  t.ok(sim.deliveries.some((d) => d.duplicate), 'duplicates were sent')
  t.equal(await count(database.db, 'customers'), 1)
  t.equal(await count(database.db, 'orders'), 1)
  const topics = (await inboxRows(database.db)).map((r) => r.topic).sort()
  t.same(topics, ['customers/create', 'orders/create', 'orders/paid', 'orders/updated'], 'one inbox row per distinct delivery')
})

t.test('uninstalling in Haravan marks the shop uninstalled', async (t) => {
  const { sim, app, shopId } = await setup(t)
  await sim.uninstall(ORG)
  await sim.flushWebhooks()
  const res = await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${await mintSessionToken(app, shopId)}` } })
  t.equal(res.statusCode, 401)
})
