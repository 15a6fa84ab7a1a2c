// Order convergence: paid → points, partial refund, cancel, duplicates and reordering, pending then mature.
import t from 'tap'
import { freshDatabase } from '../helper.ts'
import { applyCustomerEffects } from '../../server/loyalty/effects.ts'
import { convergeOrder } from '../../server/loyalty/order-points.ts'
import { updateLoyaltySettings } from '../../server/loyalty/settings.ts'
import { DEFAULT_SETTINGS } from '../../server/loyalty/rules.ts'
import { addCustomer, addShop, balances, inTx, member, putOrder, type OrderState } from './fixtures.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'

const SHOP = '2000000001'
const now = new Date('2025-03-10T05:00:00Z')

t.test('paid order earns points and ranking points; the customer is auto-activated', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  await putOrder(db, SHOP, 10, { customerId: 1, totalPrice: 1_530_000, shippingPrice: 30_000, financialStatus: 'paid' })
  await inTx(db, tx => convergeOrder(tx, SHOP, 10, now))
  const m = await member(db, SHOP, 1)
  t.match(balances(m), { available: 150, pending: 0, rank: 1_500_000, tierId: 'member' })
  t.equal(m?.activationSource, 'auto')
  t.equal(m?.totalSpent, 1_530_000)
  t.equal(m?.ordersCount, 1)
  // Applying again changes nothing.
  await inTx(db, tx => convergeOrder(tx, SHOP, 10, now))
  t.match(balances(await member(db, SHOP, 1)), { available: 150, rank: 1_500_000 })
  t.same((await verifyLedger(db)).problems, [])
})

t.test('partial refund reverses proportionally; cancel goes to zero; tier upgrade is immediate', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  const order: OrderState = { customerId: 1, totalPrice: 3_000_000, financialStatus: 'paid' }
  await putOrder(db, SHOP, 11, order)
  await inTx(db, tx => convergeOrder(tx, SHOP, 11, now))
  t.match(balances(await member(db, SHOP, 1)), { available: 300, rank: 3_000_000, tierId: 'silver' })
  await putOrder(db, SHOP, 11, { ...order, financialStatus: 'partially_refunded', refundedAmount: 1_000_000 })
  await inTx(db, tx => convergeOrder(tx, SHOP, 11, now))
  t.match(balances(await member(db, SHOP, 1)), { available: 200, rank: 2_000_000 })
  await putOrder(db, SHOP, 11, { ...order, cancelled: true })
  await inTx(db, tx => convergeOrder(tx, SHOP, 11, now))
  // Downgrades wait for the period-end policy run; the tier stays.
  t.match(balances(await member(db, SHOP, 1)), { available: 0, rank: 0, tierId: 'silver' })
  t.equal((await member(db, SHOP, 1))?.totalSpent, 0)
  t.same((await verifyLedger(db)).problems, [])
})

t.test('duplicate and reordered deliveries converge to the same balances', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  const paid: OrderState = { customerId: 1, totalPrice: 500_000, financialStatus: 'paid' }
  const refunded: OrderState = { ...paid, financialStatus: 'partially_refunded', refundedAmount: 200_000 }
  // Refund arrives first, then the stale "paid" twice, then the refund again.
  for (const s of [refunded, paid, paid, refunded]) {
    await putOrder(db, SHOP, 12, s)
    await inTx(db, tx => convergeOrder(tx, SHOP, 12, now))
  }
  t.match(balances(await member(db, SHOP, 1)), { available: 30, pending: 0, rank: 300_000 })
  t.same((await verifyLedger(db)).problems, [])
})

t.test('pending points, reversal takes pending first, then maturing', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  await updateLoyaltySettings(db, SHOP, { ...DEFAULT_SETTINGS, pendingDays: 7 }, 'user-1', now)
  await putOrder(db, SHOP, 13, { customerId: 1, totalPrice: 1_000_000, financialStatus: 'paid' })
  await inTx(db, tx => convergeOrder(tx, SHOP, 13, now))
  t.match(balances(await member(db, SHOP, 1)), { available: 0, pending: 100 })
  await putOrder(db, SHOP, 13, { customerId: 1, totalPrice: 1_000_000, financialStatus: 'partially_refunded', refundedAmount: 400_000 })
  await inTx(db, tx => convergeOrder(tx, SHOP, 13, now))
  t.match(balances(await member(db, SHOP, 1)), { available: 0, pending: 60 })
  const { maturePendingPoints } = await import('../../server/loyalty/jobs.ts')
  t.equal(await maturePendingPoints(db, { now: new Date('2025-03-16T00:00:00Z') }), 0, 'not yet: 7 calendar days in Vietnam')
  t.equal(await maturePendingPoints(db, { now: new Date('2025-03-17T00:00:00Z') }), 1)
  t.equal(await maturePendingPoints(db, { now: new Date('2025-03-18T00:00:00Z') }), 0, 'idempotent')
  t.match(balances(await member(db, SHOP, 1)), { available: 60, pending: 0 })
  t.same((await verifyLedger(db)).problems, [])
})

t.test('customer sync activates and converges orders that arrived first; phone match', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await putOrder(db, SHOP, 14, { customerId: 2, totalPrice: 200_000, financialStatus: 'paid' })
  await inTx(db, tx => convergeOrder(tx, SHOP, 14, now))
  t.equal(await member(db, SHOP, 2), undefined, 'no customer row yet: nobody to activate')
  await addCustomer(db, SHOP, 2, { phoneE164: '+84901112222' })
  await inTx(db, tx => applyCustomerEffects(tx, SHOP, 2, now))
  t.match(balances(await member(db, SHOP, 2)), { available: 20 })
  // A guest order with the member's phone is the member's.
  await putOrder(db, SHOP, 15, { customerId: null, phoneE164: '+84901112222', totalPrice: 100_000, financialStatus: 'paid' })
  await inTx(db, tx => convergeOrder(tx, SHOP, 15, now))
  t.match(balances(await member(db, SHOP, 2)), { available: 30 })
  t.equal((await member(db, SHOP, 2))?.ordersCount, 2)
  t.same((await verifyLedger(db)).problems, [])
})

t.test('a guest order with the phone, delivered before the customer became a member, earns once it is', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 3, { phoneE164: '+84903333333' })
  await putOrder(db, SHOP, 30, { customerId: null, phoneE164: '+84903333333', totalPrice: 100_000, financialStatus: 'paid' })
  await inTx(db, tx => convergeOrder(tx, SHOP, 30, now))
  t.equal(await member(db, SHOP, 3), undefined)
  await putOrder(db, SHOP, 31, { customerId: 3, totalPrice: 200_000, financialStatus: 'paid' })
  await inTx(db, tx => convergeOrder(tx, SHOP, 31, now))
  t.match(balances(await member(db, SHOP, 3)), { available: 30 })
  t.same((await verifyLedger(db)).problems, [])
})
