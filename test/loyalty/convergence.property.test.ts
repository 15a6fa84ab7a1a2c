// Property: any messy delivery (duplicates, reordering, stale states) of order states ends in the same balances as a clean one.
import t from 'tap'
import fc from 'fast-check'
import { freshDatabase } from '../helper.ts'
import { convergeOrder } from '../../server/loyalty/order-points.ts'
import { convergeOrders } from '../../server/loyalty/order-batch.ts'
import { DEFAULT_SETTINGS } from '../../server/loyalty/rules.ts'
import { updateLoyaltySettings } from '../../server/loyalty/settings.ts'
import { replaceTiers } from '../../server/loyalty/tiers.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { addCustomer, addShop, inTx, member, putOrder, type OrderState } from './fixtures.ts'

const now = new Date('2025-05-05T05:00:00Z')

const stateArb: fc.Arbitrary<OrderState> = fc.record({
  totalPrice: fc.integer({ min: 0, max: 5_000_000 }),
  shippingPrice: fc.constantFrom(0, 30_000),
  refundedAmount: fc.constantFrom(0, 50_000, 200_000, 1_000_000),
  financialStatus: fc.constantFrom('pending', 'paid', 'partially_refunded', 'refunded', 'voided'),
  cancelled: fc.boolean(),
})

// Up to 4 orders; each belongs to customer 1, 2, or is a guest order carrying customer 1's phone.
const orderArb = fc.record({ owner: fc.constantFrom<'c1' | 'c2' | 'guest'>('c1', 'c2', 'guest'), states: fc.array(stateArb, { minLength: 1, maxLength: 4 }) })
const scenarioArb = fc.record({
  orders: fc.array(orderArb, { minLength: 1, maxLength: 4 }),
  pendingDays: fc.constantFrom(0, 5),
  excludeShipping: fc.boolean(),
  // A messy delivery: (order index, state index) picks, in any order, with repeats.
  noise: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
  // The same messy sequence, also applied in batches of up to this many orders (the webhook batcher's path).
  batch: fc.integer({ min: 1, max: 5 }),
})

t.test('messy delivery converges to the clean result', async t => {
  const { db } = await freshDatabase(t)
  let run = 0
  await fc.assert(fc.asyncProperty(scenarioArb, async (scenario) => {
    run++
    const shops = { messy: `7${String(run).padStart(9, '0')}`, clean: `8${String(run).padStart(9, '0')}`, batched: `9${String(run).padStart(9, '0')}` }
    for (const shopId of Object.values(shops)) {
      await addShop(db, shopId)
      await updateLoyaltySettings(db, shopId, { ...DEFAULT_SETTINGS, pendingDays: scenario.pendingDays, earning: { ...DEFAULT_SETTINGS.earning, excludeShipping: scenario.excludeShipping } }, 'prop', now)
      // One tier: a multiplier that depends on the tier at first earning would make the result path-dependent by design.
      await replaceTiers(db, shopId, [{ id: 'member', name: 'Thành viên', threshold: 0, earnMultiplier: 1 }], 'prop', now)
      await addCustomer(db, shopId, 1, { phoneE164: '+84901000001' })
      await addCustomer(db, shopId, 2, { phoneE164: '+84901000002' })
    }
    const owner = (o: typeof scenario.orders[number]): OrderState => o.owner === 'guest'
      ? { customerId: null, phoneE164: '+84901000001' }
      : { customerId: o.owner === 'c1' ? 1 : 2, phoneE164: null }
    const deliver = async (shopId: string, i: number, state: OrderState) => {
      const o = scenario.orders[i]!
      await putOrder(db, shopId, 1000 + i, { ...state, ...owner(o) }, now)
      await inTx(db, tx => convergeOrder(tx, shopId, 1000 + i, now))
    }
    // Clean: each order's final state once. Customer 1 is activated first so guest orders have someone to match.
    await deliver(shops.clean, -1 + 1, scenario.orders[0]!.states.at(-1)!)
    for (let i = 1; i < scenario.orders.length; i++) await deliver(shops.clean, i, scenario.orders[i]!.states.at(-1)!)
    // Messy: noise, every state in order twice, noise again, then the final states in reverse order.
    const messy: [number, OrderState][] = []
    for (const [oi, si] of scenario.noise) {
      const o = scenario.orders[oi % scenario.orders.length]!
      messy.push([oi % scenario.orders.length, o.states[si % o.states.length]!])
    }
    for (let i = scenario.orders.length - 1; i >= 0; i--) {
      for (const s of scenario.orders[i]!.states) messy.push([i, s], [i, s])
    }
    for (let i = scenario.orders.length - 1; i >= 0; i--) messy.push([i, scenario.orders[i]!.states.at(-1)!])
    for (const [i, state] of messy) await deliver(shops.messy, i, state)

    // Batched: the same sequence in batches (an order at most once per batch, as the batcher forms them).
    let chunk: [number, OrderState][] = []
    const flush = async () => {
      for (const [i, state] of chunk) await putOrder(db, shops.batched, 1000 + i, { ...state, ...owner(scenario.orders[i]!) }, now)
      const items = chunk.map(([i]) => ({ orderId: 1000 + i, now }))
      await inTx(db, tx => convergeOrders(tx, shops.batched, items))
      chunk = []
    }
    for (const delivery of messy) {
      if (chunk.length >= scenario.batch || chunk.some(([i]) => i === delivery[0])) await flush()
      chunk.push(delivery)
    }
    await flush()

    for (const id of [1, 2]) {
      const a = await member(db, shops.messy, id)
      const b = await member(db, shops.clean, id)
      const c = await member(db, shops.batched, id)
      const pick = (m: typeof a) => m && { available: m.pointsAvailable, pending: m.pointsPending, used: m.pointsUsed, expired: m.pointsExpired, rank: m.rankPoints, spent: m.totalSpent, orders: m.ordersCount }
      // A member activated by an order that ended at zero exists in one delivery and not the other only if
      // no order of its own reached it — compare balances, treating "no member" as all zeros.
      const zero = { available: 0, pending: 0, used: 0, expired: 0, rank: 0, spent: 0, orders: 0 }
      t.same(pick(a) ?? zero, pick(b) ?? zero, `customer ${id}, run ${run}`)
      t.same(pick(c) ?? zero, pick(b) ?? zero, `customer ${id}, run ${run}, batches of ${scenario.batch}`)
    }
    return true
  }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 25), seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined })
  t.same((await verifyLedger(db)).problems, [])
})
