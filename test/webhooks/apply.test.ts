// Webhook deliveries applied: out-of-order orders, POS phones, money, invalid bodies, app/uninstalled, parser scope.
import { and, eq } from 'drizzle-orm'
import t from 'tap'
import { orders, shops } from '../../db/schema/index.ts'
import { build, installShop, mintSessionToken } from '../helper.ts'
import { count, deliver, fixture, inboxRows } from './helpers.ts'

t.test('out of order: an older orders/updated after a newer one leaves the newer state', async (t) => {
  const { app, database, shopId } = await build(t)
  const paid = fixture('order-paid.json')
  const newer = { ...paid, financial_status: 'refunded', updated_at: '2026-11-03T00:00:00Z' }
  t.equal((await deliver(app, { topic: 'orders/updated', body: newer })).json().result, 'applied')
  t.equal((await deliver(app, { topic: 'orders/updated', body: paid })).json().result, 'applied', 'stored and applied, but stale')
  const [row] = await database.db.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.id, 1138637099)))
  t.equal(row?.financialStatus, 'refunded')
  t.equal(row?.refundedAmount, 1680000)
  t.equal(row?.haravanUpdatedAt?.toISOString(), '2026-11-03T00:00:00.000Z')
})

t.test('a POS order without a customer gets its phone from the billing address; money is integer đồng', async (t) => {
  const { app, database, shopId } = await build(t)
  const raw = '{"id":555,"name":"#POS1","customer":null,"billing_address":{"phone":"0987.654.321"},"shipping_address":null,' +
    '"total_price":13200000.0000,"subtotal_price":13200000.0000,"shipping_lines":[],"financial_status":"paid","source_name":"pos","updated_at":"2026-11-01T00:00:00Z"}'
  t.equal((await deliver(app, { topic: 'orders/paid', body: raw })).json().result, 'applied')
  const [row] = await database.db.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.id, 555)))
  t.match(row, { customerId: null, phoneE164: '+84987654321', totalPrice: 13200000, sourceName: 'pos' })
})

t.test('invalid JSON or a payload failing the schema: 200 and a failed inbox row with the reason', async (t) => {
  const { app, database } = await build(t)
  const bad = await deliver(app, { topic: 'orders/paid', body: '{"id": 1,', headers: { 'content-type': 'text/plain' } })
  t.equal(bad.statusCode, 200)
  t.match(bad.json(), { result: 'failed' })
  t.equal((await deliver(app, { topic: 'orders/paid', body: { id: 2, total_price: 'abc' } })).statusCode, 200)
  t.equal((await deliver(app, { topic: 'orders/paid', body: '{"id": 1,' })).json().result, 'failed', 'a repeat counts another attempt')
  const rows = await inboxRows(database.db)
  t.equal(rows.length, 2)
  t.match(rows[0], { topic: 'orders/paid', status: 'failed', attempts: 2, last_error: /invalid JSON/, payload: '{"id": 1,' })
  t.match(rows[1], { status: 'failed', attempts: 1, last_error: /total_price/ })
  t.equal(await count(database.db, 'orders'), 0)
})

t.test('app/uninstalled: the shop is uninstalled, its sessions get 401, later deliveries are ignored', async (t) => {
  const { app, database, shopId } = await build(t)
  const token = await mintSessionToken(app, shopId)
  t.equal((await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${token}` } })).statusCode, 200)
  // The org comes from the body when the header is missing.
  const body = { ...fixture('app-uninstalled.json'), org_id: Number(shopId) }
  const res = await deliver(app, { topic: 'app/uninstalled', body, orgId: null })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { result: 'applied' })
  const [shop] = await database.db.select().from(shops).where(eq(shops.shopId, shopId))
  t.match(shop, { status: 'uninstalled', accessTokenEnc: null, refreshTokenEnc: null })
  t.equal((await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${token}` } })).statusCode, 401)

  const later = await deliver(app, { topic: 'customers/create', body: fixture('customer.json') })
  t.equal(later.statusCode, 200)
  t.match(later.json(), { result: 'shop_uninstalled' })
  t.equal(await count(database.db, 'customers'), 0)
  t.equal((await deliver(app, { topic: 'app/uninstalled', body: { ...body, user_id: 2 } })).json().result, 'applied', 'a second uninstall is harmless')

  // A reinstall (the OAuth code) sets it back; deliveries flow again at once.
  await installShop(app, shopId, 'Shop')
  t.equal((await deliver(app, { topic: 'customers/create', body: fixture('customer.json') })).json().result, 'applied')
})

t.test('the raw-body parser is scoped to the webhook routes', async (t) => {
  const { app } = await build(t)
  // The root (and so /api) keeps Fastify's JSON parser; only the encapsulated webhook plugin swapped it out.
  t.equal(app.hasContentTypeParser('application/json'), true)
  const res = await deliver(app, { topic: 'customers/create', body: fixture('customer.json'), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(res.json().result, 'applied', 'any content type reaches the handler as raw bytes')
})

t.test('orders/delete flags the order; a repeat and a late update keep it deleted', async (t) => {
  const { app, database, shopId } = await build(t)
  await deliver(app, { topic: 'orders/create', body: fixture('order-paid.json') })
  t.equal((await deliver(app, { topic: 'orders/delete', body: { id: 1138637099 } })).json().result, 'applied')
  t.equal((await deliver(app, { topic: 'orders/delete', body: { id: 1138637099 } })).json().result, 'duplicate')
  await deliver(app, { topic: 'orders/updated', body: { ...fixture('order-paid.json'), updated_at: '2026-11-05T00:00:00Z' } })
  const [row] = await database.db.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.id, 1138637099)))
  t.equal(row?.deleted, true)
})
