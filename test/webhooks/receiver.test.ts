// POST /webhooks/haravan and the hub.challenge handshake: signature first, then topic, shop, inbox dedupe and apply.
import { eq } from 'drizzle-orm'
import { pino } from 'pino'
import t from 'tap'
import { customers } from '../../db/schema/index.ts'
import { signWebhook } from '../../scripts/haravan-sim/index.ts'
import { build } from '../helper.ts'
import { count, deliver, fixture, inboxRows } from './helpers.ts'

t.test('the handshake echoes hub.challenge as text for the right verify token only', async (t) => {
  const { app, config } = await build(t, { installShop: false })
  const ok = await app.inject({ url: `/webhooks/haravan?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(config.haravan.webhookVerifyToken)}&hub.challenge=c-123` })
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, 'c-123')
  t.match(ok.headers['content-type'], /^text\/plain/)
  const wrong = await app.inject({ url: '/webhooks/haravan?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=c-123' })
  t.equal(wrong.statusCode, 401)
  t.notMatch(wrong.body, /c-123/)
  t.equal((await app.inject({ url: '/webhooks/haravan?hub.mode=subscribe&hub.challenge=c-123' })).statusCode, 401)
})

t.test('a bad or missing signature is a 401 in the error shape and stores nothing', async (t) => {
  const { app, database } = await build(t)
  const body = fixture('customer.json')
  for (const hmac of [null, 'bm90IGEgc2lnbmF0dXJl', '']) {
    const res = await deliver(app, { topic: 'customers/create', body, hmac })
    t.equal(res.statusCode, 401)
    t.match(res.json(), { statusCode: 401, error: 'Unauthorized', message: String, reqId: String })
  }
  const tampered = await app.inject({
    method: 'POST',
    url: '/webhooks/haravan',
    headers: { 'content-type': 'application/json', 'x-haravan-topic': 'customers/create', 'x-haravan-org-id': '1000000001', 'x-haravan-hmacsha256': signWebhook(JSON.stringify(body), app.config.haravan.clientSecret) },
    payload: JSON.stringify({ ...body, first_name: 'Mallory' }),
  })
  t.equal(tampered.statusCode, 401)
  t.equal(await count(database.db, 'webhook_inbox'), 0)
  t.equal(await count(database.db, 'customers'), 0)
})

t.test('both signature header spellings are accepted; the fixture customer is stored', async (t) => {
  const { app, database, shopId } = await build(t)
  const a = await deliver(app, { topic: 'customers/create', body: fixture('customer.json') })
  t.equal(a.statusCode, 200)
  t.match(a.json(), { result: 'applied' })
  const b = await deliver(app, { topic: 'customers/update', body: { ...fixture('customer.json'), note: 'x' }, hmacHeader: 'x-haravan-hmac-sha256' })
  t.equal(b.statusCode, 200)
  t.match(b.json(), { result: 'applied' })
  const [row] = await database.db.select().from(customers).where(eq(customers.shopId, shopId))
  t.match(row, { id: 1037889951, fullName: 'Nguyễn Thị Lan', phoneE164: '+84912345678', birthday: '1992-10-14', gender: 'female' })
  t.same((await inboxRows(database.db)).map((r) => [r.topic, r.status, r.attempts]), [['customers/create', 'applied', 1], ['customers/update', 'applied', 1]])
})

t.test('the same signed delivery five times: one inbox row, one customer', async (t) => {
  const { app, database } = await build(t)
  const body = JSON.stringify(fixture('customer.json'))
  const results = await Promise.all(Array.from({ length: 5 }, () => deliver(app, { topic: 'customers/create', body })))
  t.same(results.map((r) => r.statusCode), [200, 200, 200, 200, 200])
  t.same(results.map((r) => r.json().result).sort(), ['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate'])
  t.equal(await count(database.db, 'webhook_inbox'), 1)
  t.equal(await count(database.db, 'customers'), 1)
})

t.test('topic aliases are stored under the canonical topic (and dedupe across spellings)', async (t) => {
  const { app, database } = await build(t)
  const body = JSON.stringify(fixture('order-paid.json'))
  t.equal((await deliver(app, { topic: 'orders/update', body })).json().result, 'applied')
  t.equal((await deliver(app, { topic: 'orders/updated', body })).json().result, 'duplicate')
  t.equal((await deliver(app, { topic: 'orders/cancel', body })).json().result, 'applied')
  t.same((await inboxRows(database.db)).map((r) => r.topic), ['orders/updated', 'orders/cancelled'])
})

t.test('X-Haravan-Test: 200, nothing stored or applied', async (t) => {
  const { app, database } = await build(t)
  const res = await deliver(app, { topic: 'customers/create', body: fixture('customer.json'), headers: { 'x-haravan-test': 'true' } })
  t.equal(res.statusCode, 200)
  t.equal(await count(database.db, 'webhook_inbox'), 0)
  t.equal(await count(database.db, 'customers'), 0)
})

t.test('unknown shop, unknown topic, missing org: 200 and nothing stored', async (t) => {
  const { app, database } = await build(t)
  const unknownShop = await deliver(app, { topic: 'customers/create', body: fixture('customer.json'), orgId: '999999' })
  t.equal(unknownShop.statusCode, 200)
  t.match(unknownShop.json(), { result: 'unknown_shop' })
  t.equal((await deliver(app, { topic: 'products/update', body: { id: 1 } })).statusCode, 200)
  t.equal((await deliver(app, { topic: 'customers/create', body: fixture('customer.json'), orgId: null })).statusCode, 200)
  t.equal((await deliver(app, { topic: 'customers/create', body: '{not json', orgId: '999999' })).statusCode, 200)
  t.equal(await count(database.db, 'webhook_inbox', '999999'), 0)
  t.equal(await count(database.db, 'webhook_inbox'), 0)
  t.equal(await count(database.db, 'customers', '999999'), 0)
})

t.test("deliveries are not logged one by one (two lines each at Haravan's rate); other requests and problems are", async (t) => {
  const lines: { msg?: string, req?: { url?: string }, level?: number }[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line)) } })
  const { app } = await build(t, { logger })
  t.equal((await deliver(app, { topic: 'customers/create', body: fixture('customer.json') })).statusCode, 200)
  t.equal((await deliver(app, { topic: 'customers/create', body: fixture('customer.json'), hmac: 'bm90IGEgc2lnbmF0dXJl' })).statusCode, 401)
  t.equal((await app.inject({ url: '/api/members' })).statusCode, 401)
  t.same(lines.filter(l => l.msg === 'incoming request').map(l => l.req?.url), ['/api/members'], 'only the other request is logged')
  t.notOk(lines.some(l => JSON.stringify(l).includes('Nguyễn')), 'nothing of the customer reaches the log')
})
