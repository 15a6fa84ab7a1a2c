// Webhook subscription handshake, signed delivery, retries, subscription removal, duplicates, uninstall.
import t from 'tap'
import { signWebhook } from '../../scripts/haravan-sim/index.ts'
import type { HaravanOrder } from '../../server/haravan/wire.ts'
import { api, CLIENT_ID, CLIENT_SECRET, install, simFor, startReceiver, subscribe } from './helpers.ts'

const ORG = '1000000001'
const FAST_RETRY = { baseMs: 5, maxMs: 20, maxAttempts: 19 }

t.test('signWebhook is base64 HMAC-SHA256 of the raw body', async (t) => {
  t.equal(signWebhook('{"id":1}', 'secret'), 'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=')
  t.equal(signWebhook(Buffer.from('{"id":1}'), 'secret'), signWebhook('{"id":1}', 'secret'))
})

t.test('subscribe fails when the callback does not echo hub.challenge', async (t) => {
  const receiver = await startReceiver(t)
  receiver.echo = () => 'not the challenge'
  const sim = await simFor(t, { webhookUrl: receiver.url })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  const res = await subscribe(sim, token)
  t.equal(res.status, 400)
  t.equal(res.body.error, true)
  t.equal(receiver.handshakes, 1)
  t.same(sim.subscriptions(ORG), [])
})

t.test('after the handshake, mutations are delivered signed with topic and org headers', async (t) => {
  const receiver = await startReceiver(t)
  const sim = await simFor(t, { webhookUrl: receiver.url, retry: FAST_RETRY })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  const res = await subscribe(sim, token)
  t.same(res, { status: 200, body: { error: false, message: 'Subscribe success' } })
  const list = await (await fetch(`${sim.webhookApiUrl}/api/subscribe`, { headers: { authorization: `Bearer ${token}` } })).json() as { event: string, url: string }[]
  t.ok(list.some((s) => s.event === 'orders/paid' && s.url === receiver.url))

  const c = sim.createCustomer(ORG, { first_name: 'Lan', phone: '0912345678' })
  const o = sim.createOrder(ORG, { customer: { id: c.id }, financial_status: 'paid' })
  sim.fulfillOrder(ORG, o.id)
  await sim.flushWebhooks()
  // Deliveries run concurrently, so, as on the real platform, their arrival order is not guaranteed.
  t.same(receiver.received.map((r) => r.topic).sort(), ['customers/create', 'orders/create', 'orders/fulfilled', 'orders/paid', 'orders/updated'])
  for (const r of receiver.received) {
    t.equal(r.hmac, signWebhook(r.raw, CLIENT_SECRET), `${r.topic} is signed over the raw body`)
    t.equal(r.orgid, ORG)
    t.equal(r.contentType, 'application/json; charset=utf-8')
  }
  const paidRaw = receiver.received.find((r) => r.topic === 'orders/paid')?.raw ?? '{}'
  t.equal((JSON.parse(paidRaw) as HaravanOrder).id, o.id, 'the body is the bare order')
  t.match(paidRaw, /"total_price":\d+\.0000/)
  t.ok(sim.deliveries.every((d) => d.ok && d.attempt === 1))

  t.equal((await fetch(`${sim.webhookApiUrl}/api/subscribe`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 200)
  sim.createCustomer(ORG, { first_name: 'Mai' })
  await sim.flushWebhooks()
  t.equal(receiver.received.length, 5, 'nothing is sent after unsubscribing')
})

t.test('failed deliveries (5xx, 3xx) are retried until one succeeds, exactly once', async (t) => {
  const receiver = await startReceiver(t)
  receiver.respond = (_r, i) => (i === 0 ? 500 : i === 1 ? 302 : 200)
  const sim = await simFor(t, { webhookUrl: receiver.url, retry: FAST_RETRY })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  await subscribe(sim, (await install(sim, ORG)).access_token)
  sim.createCustomer(ORG, { first_name: 'Lan' })
  await sim.flushWebhooks()
  t.same(sim.deliveries.map((d) => [d.attempt, d.status, d.ok]), [[1, 500, false], [2, 302, false], [3, 200, true]])
  t.equal(receiver.received.length, 3)
  t.equal(new Set(receiver.received.map((r) => r.raw)).size, 1, 'every attempt carries the same body')
  t.ok(sim.subscriptions(ORG).length > 0, 'the subscription survives')
})

t.test('after maxAttempts consecutive failures the subscription is deleted', async (t) => {
  const receiver = await startReceiver(t)
  receiver.respond = () => 500
  const sim = await simFor(t, { webhookUrl: receiver.url, retry: { baseMs: 1, maxMs: 2, maxAttempts: 19 } })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  await subscribe(sim, (await install(sim, ORG)).access_token)
  sim.createCustomer(ORG, { first_name: 'Lan' })
  await sim.flushWebhooks()
  t.equal(sim.deliveries.length, 19)
  t.equal(sim.deliveries.at(-1)?.attempt, 19)
  t.same(sim.subscriptions(ORG), [])
})

t.test('sendDuplicates delivers the same body twice, as the app must deduplicate', async (t) => {
  const receiver = await startReceiver(t)
  const sim = await simFor(t, { webhookUrl: receiver.url, sendDuplicates: 1 })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  await subscribe(sim, (await install(sim, ORG)).access_token)
  sim.createCustomer(ORG, { first_name: 'Lan' })
  await sim.flushWebhooks()
  t.equal(receiver.received.length, 2)
  t.equal(receiver.received[0]?.raw, receiver.received[1]?.raw)
  t.same(sim.deliveries.map((d) => d.duplicate).sort(), [false, true])
})

t.test('uninstall sends app/uninstalled and revokes the org token', async (t) => {
  const receiver = await startReceiver(t)
  const sim = await simFor(t, { webhookUrl: receiver.url })
  sim.addShop({ orgid: ORG, name: 'Shop', adminUserId: '200000100' })
  const { access_token: token } = await install(sim, ORG)
  await subscribe(sim, token)
  await sim.uninstall(ORG)
  t.equal(receiver.received.length, 1)
  t.equal(receiver.received[0]?.topic, 'app/uninstalled')
  t.match(JSON.parse(receiver.received[0]?.raw ?? '{}'), { org_id: Number(ORG), client_id: CLIENT_ID, event_type: 'app/uninstalled', user_id: 200000100 })
  t.equal((await api(sim, token, '/com/shop.json')).status, 401)
  t.same(sim.subscriptions(ORG), [])
  t.notOk(sim.isInstalled(ORG))
})

t.test('the order page places a paid order as a customer: orders/create and orders/paid follow; bad input is refused', async (t) => {
  const receiver = await startReceiver(t)
  const sim = await simFor(t, { webhookUrl: receiver.url, retry: FAST_RETRY })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  await subscribe(sim, token)
  const c = sim.createCustomer(ORG, { first_name: 'Lan', last_name: 'Nguyễn Thị', phone: '0912345678' })
  const page = await fetch(sim.orderPageUrl)
  t.equal(page.status, 200)
  t.match(await page.text(), /Nguyễn Thị Lan · 0912345678/, 'the customers are offered by name and phone')

  const post = (form: Record<string, string>) => fetch(sim.orderPageUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) })
  const placed = await post({ orgid: ORG, customer_id: String(c.id), amount: '450000', code: 'CAMON10' })
  t.equal(placed.status, 200)
  t.match(await placed.text(), /Đã đặt đơn #\d+ \(480\.000 ₫\)/, 'the goods plus the standard shipping')
  await sim.flushWebhooks()
  const paid = receiver.received.find((r) => r.topic === 'orders/paid')
  t.ok(receiver.received.some((r) => r.topic === 'orders/create'))
  const order = JSON.parse(paid?.raw ?? '{}') as HaravanOrder
  t.equal(order.customer?.id, c.id)
  t.equal(order.financial_status, 'paid')
  t.same(order.discount_codes.map((d) => d.code), ['CAMON10'])

  for (const form of [{ orgid: ORG, customer_id: '999', amount: '1000' }, { orgid: ORG, customer_id: String(c.id), amount: '-5' }, { orgid: ORG, customer_id: String(c.id), amount: '1e12' }, { orgid: 'nope', customer_id: String(c.id), amount: '1000' }]) {
    t.equal((await post(form)).status, 400, `refused: ${JSON.stringify(form)}`)
  }
  await sim.flushWebhooks()
  t.equal(receiver.received.filter((r) => r.topic === 'orders/paid').length, 1, 'a refused form sends nothing')
})
