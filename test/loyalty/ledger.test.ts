// The ledger core: idempotent entries, cached balances, spending, maturing, expiry and the tier run.
import t from 'tap'
import { freshDatabase } from '../helper.ts'
import { activateMember, balanceDelta, InsufficientPointsError, spendPoints, writeLedgerEntries } from '../../server/loyalty/ledger.ts'
import { expirePoints, recomputeRankTiers, simulateExpiry } from '../../server/loyalty/jobs.ts'
import { updateLoyaltySettings } from '../../server/loyalty/settings.ts'
import { DEFAULT_SETTINGS } from '../../server/loyalty/rules.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { NotFoundError } from '../../server/errors.ts'
import { addCustomer, addShop, balances, inTx, member } from './fixtures.ts'

const SHOP = '3000000001'
const now = new Date('2025-01-15T03:00:00Z')

t.test('balance deltas follow the documented definitions', async t => {
  t.same(balanceDelta({ kind: 'earn', points: 10, rankPoints: 5, state: 'pending' }), { available: 0, pending: 10, used: 0, expired: 0, rank: 5 })
  t.same(balanceDelta({ kind: 'release', points: 10, state: 'available' }), { available: 10, pending: -10, used: 0, expired: 0, rank: 0 })
  t.same(balanceDelta({ kind: 'redeem', points: -7, state: 'available' }), { available: -7, pending: 0, used: 7, expired: 0, rank: 0 })
  t.same(balanceDelta({ kind: 'expire', points: -3, state: 'available' }), { available: -3, pending: 0, used: 0, expired: 3, rank: 0 })
})

t.test('post, duplicate, missing member, activation freezes identifiers', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1, { phoneE164: '+84912345678', email: 'a@b.vn' })
  t.same(await inTx(db, tx => activateMember(tx, SHOP, 1, 'import', 'user-1', now)), { created: true })
  t.same(await inTx(db, tx => activateMember(tx, SHOP, 1, 'manual', 'user-1', now)), { created: false })
  await t.rejects(inTx(db, tx => activateMember(tx, SHOP, 99, 'manual', 'user-1', now)), NotFoundError)
  const m = await member(db, SHOP, 1)
  t.match(m, { phoneE164: '+84912345678', email: 'a@b.vn', activationSource: 'import', tierId: 'member' })

  const entry = { customerId: 1, kind: 'opening' as const, points: 120, rankPoints: 1_200_000, state: 'available' as const, availableAt: now, source: 'import' as const, idempotencyKey: 'opening:1' }
  t.equal(await inTx(db, tx => writeLedgerEntries(tx, SHOP, [entry], now)), 1)
  t.equal(await inTx(db, tx => writeLedgerEntries(tx, SHOP, [entry], now)), 0, 'duplicate key changes nothing')
  t.match(balances(await member(db, SHOP, 1)), { available: 120, rank: 1_200_000 })
  await t.rejects(inTx(db, tx => writeLedgerEntries(tx, SHOP, [{ ...entry, customerId: 2, idempotencyKey: 'x' }], now)), NotFoundError)
  t.same((await verifyLedger(db)).problems, [])
})

t.test('spending refuses overdraft; clawbacks may go negative', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  await inTx(db, tx => activateMember(tx, SHOP, 1, 'manual', 'u', now))
  await inTx(db, tx => writeLedgerEntries(tx, SHOP, [{ customerId: 1, kind: 'adjust', points: 50, state: 'available', availableAt: now, source: 'adjustment', idempotencyKey: 'a1' }], now))
  t.equal(await inTx(db, tx => spendPoints(tx, SHOP, { customerId: 1, points: 30, idempotencyKey: 'r1' }, now)), true)
  t.equal(await inTx(db, tx => spendPoints(tx, SHOP, { customerId: 1, points: 30, idempotencyKey: 'r1' }, now)), false)
  await t.rejects(inTx(db, tx => spendPoints(tx, SHOP, { customerId: 1, points: 21, idempotencyKey: 'r2' }, now)), InsufficientPointsError)
  await inTx(db, tx => writeLedgerEntries(tx, SHOP, [{ customerId: 1, kind: 'adjust', points: -40, state: 'available', availableAt: now, source: 'adjustment', idempotencyKey: 'a2' }], now))
  t.match(balances(await member(db, SHOP, 1)), { available: -20, used: 30 })
  t.same((await verifyLedger(db)).problems, [])
})

t.test('FIFO expiry simulation', async t => {
  const d = (s: string) => new Date(s)
  const mv = (points: number, createdAt: string, expiresAt: string | null = null, kind = 'earn') => ({ points, createdAt: d(createdAt), expiresAt: expiresAt ? d(expiresAt) : null, kind })
  // 100 (exp Mar) then 50 (exp Jun); 70 spent in Feb comes from the older lot: 30 expire in Mar.
  const lots = [mv(100, '2025-01-01', '2025-03-01'), mv(50, '2025-02-01', '2025-06-01'), mv(-70, '2025-02-10', null, 'redeem')]
  t.equal(simulateExpiry(lots, d('2025-02-28')), 0)
  t.equal(simulateExpiry(lots, d('2025-03-01')), 30)
  t.equal(simulateExpiry(lots, d('2025-06-01')), 80)
  // Spending after a lot expired cannot use it.
  t.equal(simulateExpiry([mv(100, '2025-01-01', '2025-03-01'), mv(40, '2025-04-01'), mv(-40, '2025-04-02', null, 'redeem')], d('2025-05-01')), 100)
  // A debt is paid by the next lot first.
  t.equal(simulateExpiry([mv(-10, '2025-01-01', null, 'adjust'), mv(30, '2025-01-02', '2025-02-01')], d('2025-03-01')), 20)
})

t.test('expiry jobs (after earning, inactivity) are idempotent; tier run downgrades on the rolling window', async t => {
  const { db } = await freshDatabase(t)
  await addShop(db, SHOP)
  await addCustomer(db, SHOP, 1)
  await addCustomer(db, SHOP, 2)
  for (const id of [1, 2]) await inTx(db, tx => activateMember(tx, SHOP, id, 'manual', 'u', now))
  await inTx(db, tx => writeLedgerEntries(tx, SHOP, [{ customerId: 1, kind: 'earn', points: 100, rankPoints: 6_000_000, state: 'available', availableAt: now, expiresAt: new Date('2025-07-15T00:00:00Z'), source: 'system', idempotencyKey: 'e1' }], now))
  await inTx(db, tx => spendPoints(tx, SHOP, { customerId: 1, points: 30, idempotencyKey: 's1' }, now))
  await updateLoyaltySettings(db, SHOP, { ...DEFAULT_SETTINGS, expiry: { mode: 'after_earning', months: 6 } }, 'u', now)
  t.equal(await expirePoints(db, { now: new Date('2025-07-14T00:00:00Z') }), 0)
  t.equal(await expirePoints(db, { now: new Date('2025-07-16T00:00:00Z') }), 1)
  t.equal(await expirePoints(db, { now: new Date('2025-07-17T00:00:00Z') }), 0)
  t.match(balances(await member(db, SHOP, 1)), { available: 0, used: 30, expired: 70 })

  await inTx(db, tx => writeLedgerEntries(tx, SHOP, [{ customerId: 2, kind: 'adjust', points: 40, state: 'available', availableAt: now, source: 'adjustment', idempotencyKey: 'a2' }], now))
  await updateLoyaltySettings(db, SHOP, { ...DEFAULT_SETTINGS, expiry: { mode: 'inactivity', months: 12 }, ranking: { vndPerRankPoint: 1, window: 'rolling_12_months' } }, 'u', now)
  t.equal(await expirePoints(db, { now: new Date('2026-01-01T00:00:00Z') }), 0)
  t.equal(await expirePoints(db, { now: new Date('2026-02-01T00:00:00Z') }), 1)
  t.equal(await expirePoints(db, { now: new Date('2026-03-01T00:00:00Z') }), 0)
  t.match(balances(await member(db, SHOP, 2)), { available: 0, expired: 40 })

  await recomputeRankTiers(db, { now: new Date('2025-06-01T00:00:00Z') })
  t.equal((await member(db, SHOP, 1))?.tierId, 'gold')
  await recomputeRankTiers(db, { now: new Date('2026-02-01T00:00:00Z') })
  t.equal((await member(db, SHOP, 1))?.tierId, 'member', 'rank points older than 12 months no longer count')
  await addShop(db, '3000000009', 'uninstalled')
  t.same((await verifyLedger(db)).problems, [])
})
