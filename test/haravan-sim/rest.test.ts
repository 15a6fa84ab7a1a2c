// The simulated admin REST API: leaky bucket, paging, filters, writes, faults, discounts, money format.
import t from 'tap'
import type { HaravanCustomer, HaravanOrder } from '../../server/haravan/wire.ts'
import { api, fakeClock, install, simFor } from './helpers.ts'

const ORG = '1000000001'

t.test('the 81st immediate call is refused with 429 and Retry-After, then the bucket leaks 4/s', async (t) => {
  const clock = fakeClock()
  const sim = await simFor(t, { now: clock.now })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  const first = await api(sim, token, '/com/shop.json')
  t.equal(first.headers.get('x-haravan-api-call-limit'), '1/80')
  const rest = await Promise.all(Array.from({ length: 80 }, () => api(sim, token, '/com/shop.json')))
  const refused = rest.filter((r) => r.status === 429)
  t.equal(refused.length, 1, 'exactly one of 81 calls is refused')
  t.equal(refused[0]?.headers.get('retry-after'), '2.0')
  t.equal(refused[0]?.headers.get('x-haravan-api-call-limit'), '80/80')
  t.same([...new Set(rest.filter((r) => r.status === 200).map((r) => r.headers.get('x-haravan-api-call-limit')))].includes('80/80'), true)
  t.equal(sim.requestLog.filter((e) => e.status === 429 && e.orgid === ORG).length, 1)

  clock.advance(1000)
  const after = await Promise.all(Array.from({ length: 5 }, () => api(sim, token, '/com/shop.json')))
  t.same(after.map((r) => r.status).sort(), [200, 200, 200, 200, 429], 'one second leaks four calls')
})

t.test('customers page by since_id, clamp limit to 50 and count', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  for (let i = 0; i < 120; i++) sim.createCustomer(ORG, { first_name: `Khách ${i}`, phone: `09${String(i).padStart(8, '0')}` })
  const { access_token: token } = await install(sim, ORG)

  const big = await (await api(sim, token, '/com/customers.json?limit=250')).json() as { customers: HaravanCustomer[] }
  t.equal(big.customers.length, 50, 'limit is clamped to 50')
  const page3 = await (await api(sim, token, '/com/customers.json?limit=50&page=3')).json() as { customers: HaravanCustomer[] }
  t.equal(page3.customers.length, 20)

  const seen: number[] = []
  let sinceId = 0
  for (;;) {
    const res = await api(sim, token, `/com/customers.json?limit=50&since_id=${sinceId}`)
    const { customers } = await res.json() as { customers: HaravanCustomer[] }
    if (customers.length === 0) break
    seen.push(...customers.map((c) => c.id))
    sinceId = customers[customers.length - 1]?.id ?? sinceId
  }
  t.equal(seen.length, 120)
  t.same(seen, [...seen].sort((a, b) => a - b), 'ascending ids')
  t.same(await (await api(sim, token, '/com/customers/count.json')).json(), { count: 120 })

  const fields = await (await api(sim, token, '/com/customers.json?limit=1&fields=id,phone')).json() as { customers: object[] }
  t.same(Object.keys(fields.customers[0] ?? {}), ['id', 'phone'])
  const search = await (await api(sim, token, '/com/customers/search.json?query=khach 7')).json() as { customers: HaravanCustomer[] }
  t.ok(search.customers.length > 0 && search.customers.every((c) => /7/.test(c.first_name ?? '')), 'search folds diacritics')
})

t.test('updated_at_min with order=updated_at asc returns recent changes oldest first', async (t) => {
  const clock = fakeClock()
  const sim = await simFor(t, { now: clock.now })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const a = sim.createCustomer(ORG, { first_name: 'A' })
  clock.advance(1000)
  const b = sim.createCustomer(ORG, { first_name: 'B' })
  clock.advance(1000)
  const mark = clock.now().toISOString()
  clock.advance(1000)
  sim.updateCustomer(ORG, b.id, { note: 'x' })
  clock.advance(1000)
  sim.updateCustomer(ORG, a.id, { tags: ['vip', 'hcm'] })
  const { access_token: token } = await install(sim, ORG)
  const res = await api(sim, token, `/com/customers.json?updated_at_min=${encodeURIComponent(mark)}&order=${encodeURIComponent('updated_at asc')}`)
  const { customers } = await res.json() as { customers: HaravanCustomer[] }
  t.same(customers.map((c) => c.first_name), ['B', 'A'])
  t.equal(customers[1]?.tags, 'vip,hcm', 'tags are a comma string')
})

t.test('writes need application/json; create, duplicate and update customers', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  const body = { customer: { first_name: 'Lan', last_name: 'Nguyễn Thị', email: 'lan@example.vn', phone: '0912345678', gender: 0 } }
  t.equal((await api(sim, token, '/com/customers.json', { method: 'POST', body, contentType: 'text/plain' })).status, 400)
  const created = await api(sim, token, '/com/customers.json', { method: 'POST', body })
  t.equal(created.status, 201)
  const { customer } = await created.json() as { customer: HaravanCustomer }
  t.match(customer, { id: Number, email: 'lan@example.vn', gender: 0, orders_count: 0, tags: '', addresses: [], default_address: null })
  const dup = await api(sim, token, '/com/customers.json', { method: 'POST', body })
  t.equal(dup.status, 422)
  t.match(await dup.json(), { errors: { email: [String] } })
  const put = await api(sim, token, `/com/customers/${customer.id}.json`, { method: 'PUT', body: { customer: { tags: 'vip', birthday: '1992-10-14T00:00:00Z' } } })
  t.match((await put.json() as { customer: HaravanCustomer }).customer, { tags: 'vip', birthday: '1992-10-14T00:00:00Z' })
  t.equal((await api(sim, token, '/com/customers/999.json')).status, 404)
})

t.test('failNext injects the given status for the next n calls', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  sim.failNext(ORG, 2, 503)
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await api(sim, token, '/com/shop.json')).status)
  t.same(statuses, [503, 503, 200])
})

t.test('orders: default status open hides cancelled, money keeps four decimals, stats follow payments', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const c = sim.createCustomer(ORG, { first_name: 'Lan', phone: '0912345678' })
  const o1 = sim.createOrder(ORG, { customer: { id: c.id }, line_items: [{ title: 'Đầm', price: 600000, quantity: 2 }], financial_status: 'paid' })
  const o2 = sim.createOrder(ORG, { customer: { id: c.id } })
  sim.cancelOrder(ORG, o2.id)
  sim.refundOrder(ORG, o1.id, 200000)
  const { access_token: token } = await install(sim, ORG)

  const open = await (await api(sim, token, '/com/orders.json')).json() as { orders: HaravanOrder[] }
  t.same(open.orders.map((o) => o.id), [o1.id])
  const any = await (await api(sim, token, '/com/orders.json?status=any')).json() as { orders: HaravanOrder[] }
  t.equal(any.orders.length, 2)
  t.same(await (await api(sim, token, '/com/orders/count.json?status=cancelled')).json(), { count: 1 })
  const raw = await (await api(sim, token, `/com/orders/${o1.id}.json`)).text()
  t.match(raw, '"total_price":1230000.0000', 'money as a 4-decimal number')
  const { order } = JSON.parse(raw) as { order: HaravanOrder }
  t.equal(order.financial_status, 'partially_refunded')
  t.match(order.customer, { id: c.id, orders_count: 1, total_spent: 1030000 })
  const refunds = await (await api(sim, token, `/com/orders/${o1.id}/refunds.json`)).json() as { refunds: { transactions: { amount: number }[] }[] }
  t.equal(refunds.refunds[0]?.transactions[0]?.amount, 200000)
  const cust = await (await api(sim, token, `/com/customers/${c.id}.json`)).json() as { customer: HaravanCustomer }
  t.match(cust.customer, { orders_count: 1, total_spent: 1030000, last_order_id: o1.id, last_order_name: o1.name })
})

t.test('discounts: create, duplicate 422, enable/disable, and 403 when the shop refuses the scope', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  const body = { discount: { code: 'TICHDIEM-ABC', discount_type: 'fixed_amount', value: 50000, usage_limit: 1, once_per_customer: true } }
  const created = await api(sim, token, '/com/discounts.json', { method: 'POST', body })
  t.equal(created.status, 201)
  const { discount } = await created.json() as { discount: { id: number, status: string } }
  t.equal(discount.status, 'enabled')
  const dup = await api(sim, token, '/com/discounts.json', { method: 'POST', body })
  t.equal(dup.status, 422)
  t.match(await dup.json(), { errors: { code: [String] } })
  const disabled = await api(sim, token, `/com/discounts/${discount.id}/disable.json`, { method: 'PUT', body: {} })
  t.match(await disabled.json(), { discount: { status: 'disabled' } })
  t.equal((await api(sim, token, `/com/discounts/${discount.id}.json`, { method: 'DELETE' })).status, 200)
  sim.setDiscountsAllowed(ORG, false)
  const refused = await api(sim, token, '/com/discounts.json', { method: 'POST', body: { discount: { ...body.discount, code: 'OTHER' } } })
  t.equal(refused.status, 403)
})
