// seedDemoData: deterministic per seed, realistic Vietnamese data, consistent statistics, no webhooks.
import t from 'tap'
import { toHaravanJson, type HaravanSim } from '../../scripts/haravan-sim/index.ts'
import { fakeClock, install, simFor, startReceiver, subscribe } from './helpers.ts'

const ORG = '1000000001'
const NOW = '2026-11-20T03:00:00.000Z'

async function seeded (t: Parameters<typeof simFor>[0], seed: number, webhookUrl?: string): Promise<HaravanSim> {
  const sim = await simFor(t, { now: fakeClock(NOW).now, webhookUrl })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  if (webhookUrl) await subscribe(sim, (await install(sim, ORG)).access_token)
  sim.seedDemoData(ORG, { seed, customers: 80, orders: 300 })
  return sim
}

const snapshot = (sim: HaravanSim): string => toHaravanJson({ c: sim.customers(ORG), o: sim.orders(ORG) })

t.test('the same seed gives the same data; another seed differs', async (t) => {
  const a = await seeded(t, 7)
  const b = await seeded(t, 7)
  const c = await seeded(t, 8)
  t.equal(snapshot(a), snapshot(b))
  t.not(snapshot(a), snapshot(c))
})

t.test('demo data looks like a Vietnamese shop with ~18 months of mixed orders', async (t) => {
  const receiver = await startReceiver(t)
  const sim = await seeded(t, 3, receiver.url)
  const customers = sim.customers(ORG)
  const orders = sim.orders(ORG)
  t.equal(customers.length, 80)
  t.equal(orders.length, 300)

  t.ok(customers.every((c) => c.phone && /^0[3789]\d{8}$/.test(c.phone)), 'mobile numbers')
  t.ok(new Set(customers.map((c) => c.phone?.slice(0, 2))).size >= 3, 'mixed 09x/03x/07x/08x prefixes')
  t.ok(customers.some((c) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(`${c.last_name} ${c.first_name}`)), 'names with diacritics')
  t.ok(customers.some((c) => c.email === null) && customers.some((c) => c.email?.includes('@')), 'some without email')
  t.ok(customers.some((c) => c.gender === 0) && customers.some((c) => c.gender === 1) && customers.some((c) => c.gender === null))
  t.ok(customers.some((c) => c.birthday !== null))
  t.ok(customers.every((c) => c.default_address?.province_code && c.default_address.district_code && c.default_address.ward_code))

  const times = orders.map((o) => Date.parse(o.created_at))
  const spanDays = (Math.max(...times) - Math.min(...times)) / 86_400_000
  t.ok(spanDays > 450 && spanDays <= 540, `orders span ~18 months (${Math.round(spanDays)} days)`)
  t.ok(orders.some((o) => o.cancelled_at !== null), 'some cancelled')
  t.ok(orders.some((o) => o.financial_status === 'partially_refunded' && o.refunds.length === 1), 'some partially refunded')
  t.ok(orders.some((o) => o.gateway === 'COD'), 'COD')
  t.ok(orders.some((o) => o.fulfillment_status === 'notfulfilled') && orders.some((o) => o.fulfillment_status === 'fulfilled'))
  const pos = orders.filter((o) => o.customer === null)
  t.ok(pos.length > 0 && pos.every((o) => o.billing_address?.phone), 'POS orders without customer keep a billing phone')

  for (const c of customers) {
    const counted = orders.filter((o) => o.customer?.id === c.id && o.cancelled_at === null &&
      (o.financial_status === 'paid' || o.financial_status === 'partially_refunded'))
    const spent = counted.reduce((s, o) => s + o.total_price - o.refunds.reduce((r, x) => r + (x.transactions[0]?.amount ?? 0), 0), 0)
    if (c.orders_count !== counted.length || c.total_spent !== spent) t.fail(`stats of customer ${c.id} disagree with orders`)
  }
  await sim.flushWebhooks()
  t.equal(receiver.received.length, 0, 'bulk history sends no webhooks')
})
