// customers/create deliveries and orders in one batch: the customers' effects, left in flight or awaited, give what the
// deliveries one at a time give (customers first, as the batch applies them).
import fc from 'fast-check'
import t from 'tap'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { authHeaders, build } from '../helper.ts'
import { deliver } from './helpers.ts'
import { customerBody, orderBody, outcome, propertyOptions, sameOutcome, submit, submitCustomer, type OrderSpec } from './property.ts'

const mixed = fc.record({
  buyers: fc.uniqueArray(fc.integer({ min: 840_000, max: 840_020 }), { minLength: 1, maxLength: 4 }),
  // Per buyer: guest orders on their phone that came before (their history), and whether their customers/create is in the batch.
  history: fc.array(fc.nat(2), { minLength: 4, maxLength: 4 }),
  inBatch: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  orders: fc.array(fc.record({ buyer: fc.nat(3), total: fc.constantFrom(150_000, 1_900_000, 4_800_000, 9_000_000) }), { minLength: 0, maxLength: 6 }),
  registration: fc.boolean(),
  customersFirst: fc.boolean(),
})

t.test('customers/create in a batch with orders gives what one at a time gives, customers first', async (t) => {
  // Customer deliveries are applied before the batch's orders: without other orders, their effects stay in flight
  // while the order statements follow (one round trip less); with a guest order on their phone, or a registration
  // reward due, the effects complete first. Either way the outcome is that of the deliveries one at a time.
  let run = 0
  await fc.assert(fc.asyncProperty(mixed, async (s) => {
    run++
    const base = 750_000 + run * 100
    const history: OrderSpec[] = s.buyers.flatMap((buyer, b) => Array.from({ length: s.history[b] ?? 0 }, (_, k) => ({ id: base + 50 + b * 3 + k, buyer, total: 900_000, guest: true, status: 'paid' as const })))
    const orders: OrderSpec[] = s.orders.map((o, i) => ({ id: base + i, buyer: s.buyers[o.buyer % s.buyers.length] as number, total: o.total, guest: false, status: 'paid' }))
    const customers = s.buyers.filter((_, b) => s.inBatch[b]).map(customerBody)
    async function shop () {
      const built = await build(t)
      if (s.registration) {
        const put = await built.app.inject({ method: 'PUT', url: '/api/rewards/automatic', headers: await authHeaders(built.app), payload: [{ trigger: 'registration', enabled: true, discountType: 'percentage', value: 10, validDays: 7 }] })
        if (put.statusCode !== 200) throw new Error(put.body)
      }
      for (const o of history) await deliver(built.app, { topic: 'orders/paid', body: orderBody(o) })
      return built
    }
    const together = await shop()
    // The first submitted starts a batch alone; the rest arrive meanwhile and go together into the next one.
    // customersFirst: a customer is that one, else an order (then applied before the customers, one at a time too).
    const first = s.customersFirst ? [] : orders.slice(0, 1)
    const results = await Promise.all([
      ...first.map(o => submit(together.app, orderBody(o))),
      ...customers.map(c => submitCustomer(together.app, c)),
      ...orders.slice(first.length).map(o => submit(together.app, orderBody(o))),
    ])
    const oneByOne = await shop()
    for (const o of first) await deliver(oneByOne.app, { topic: 'orders/paid', body: orderBody(o) })
    for (const body of customers) await deliver(oneByOne.app, { topic: 'customers/create', body })
    for (const o of orders.slice(first.length)) await deliver(oneByOne.app, { topic: 'orders/paid', body: orderBody(o) })
    const [a, b] = [await outcome(together.database.db), await outcome(oneByOne.database.db)]
    const problems = (await verifyLedger(together.database.db)).problems
    const applied = results.every(r => r.result === 'applied')
    return sameOutcome(t, run, a, b, problems, together.app.orderBatcher.stats.failedBatches, { s, history, orders }, [[applied, 'every delivery applied']])
  }), propertyOptions(8, 20261207))
  t.pass(`${run} scenarios, batched = one at a time`)
})
