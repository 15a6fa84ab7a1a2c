// Real Postgres only: concurrent order convergence and spends never double count or overspend.
import t from 'tap'
import { freshDatabase } from '../helper.ts'
import { convergeOrder } from '../../server/loyalty/order-points.ts'
import { activateMember, InsufficientPointsError, spendPoints } from '../../server/loyalty/ledger.ts'
import { replaceTiers } from '../../server/loyalty/tiers.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { addCustomer, addShop, inTx, member, putOrder } from './fixtures.ts'

const SHOP = '4000000001'
const now = new Date('2025-02-02T02:00:00Z')

t.test('concurrency', { skip: process.env.DATABASE_URL ? false : 'needs real Postgres (set DATABASE_URL); PGlite runs one connection' }, async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  // One tier: with multipliers the points would depend on which orders earned before an upgrade (by design).
  await replaceTiers(db, SHOP, [{ id: 'member', name: 'Thành viên', threshold: 0, earnMultiplier: 1 }], 'u', now)
  await inTx(db, tx => activateMember(tx, SHOP, 1, 'manual', 'u', now))

  t.test('50 simultaneous order convergences (25 orders, each twice)', async t => {
    for (let i = 0; i < 25; i++) await putOrder(db, SHOP, 500 + i, { customerId: 1, totalPrice: 100_000 * (i + 1), financialStatus: 'paid' })
    const calls = Array.from({ length: 50 }, (_, k) => inTx(db, tx => convergeOrder(tx, SHOP, 500 + (k % 25), now)))
    await Promise.all(calls)
    const expected = Array.from({ length: 25 }, (_, i) => 10 * (i + 1)).reduce((a, b) => a + b, 0)
    const m = await member(db, SHOP, 1)
    t.equal(m?.pointsAvailable, expected)
    t.equal(m?.rankPoints, expected * 10_000)
    t.equal(m?.ordersCount, 25)
    t.same((await verifyLedger(db)).problems, [])
  })

  t.test('20 simultaneous spends never overspend', async t => {
    const before = (await member(db, SHOP, 1))!.pointsAvailable
    const each = Math.floor(before / 10) // exactly 10 of the 20 can succeed
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, k) =>
      inTx(db, tx => spendPoints(tx, SHOP, { customerId: 1, points: each, idempotencyKey: `spend:${k}` }, now))))
    const ok = results.filter(r => r.status === 'fulfilled').length
    const refused = results.filter(r => r.status === 'rejected' && r.reason instanceof InsufficientPointsError).length
    t.equal(ok, 10)
    t.equal(refused, 10)
    const m = await member(db, SHOP, 1)
    t.equal(m?.pointsUsed, each * 10)
    t.equal(m?.pointsAvailable, before - each * 10)
    t.ok(m!.pointsAvailable >= 0)
    t.same((await verifyLedger(db)).problems, [])
  })
})
