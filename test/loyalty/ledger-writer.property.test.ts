// Property: the ledger writer keeps every member's cached balances equal to the sums of its entries, however the
// entries are split into statements, and a key posted again changes nothing.
import t from 'tap'
import fc from 'fast-check'
import { freshDatabase } from '../helper.ts'
import { activateMember, balanceDelta, writeLedgerEntries, type EntryKind, type NewEntry } from '../../server/loyalty/ledger.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { addCustomer, addShop, balances, inTx, member } from './fixtures.ts'

const now = new Date('2025-05-05T05:00:00Z')
const MEMBERS = [1, 2, 3]

// Any kind, signed points and rank points, pending or available (a release is always available); keys from a small
// pool, so the same key comes back within a sequence as well as in the second pass.
const entryArb = fc.record({
  customerId: fc.constantFrom(...MEMBERS),
  kind: fc.constantFrom<EntryKind>('earn', 'opening', 'redeem', 'reverse', 'expire', 'adjust', 'release'),
  points: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  rankPoints: fc.integer({ min: -5_000_000, max: 5_000_000 }),
  pending: fc.boolean(),
  key: fc.nat({ max: 40 }),
}).map(({ customerId, kind, points, rankPoints, pending, key }): NewEntry => ({
  customerId,
  kind,
  points,
  rankPoints,
  state: pending && kind !== 'release' ? 'pending' : 'available',
  availableAt: now,
  source: 'system',
  idempotencyKey: `k${key}`,
  reason: 'property',
}))

const scenarioArb = fc.record({
  entries: fc.array(entryArb, { minLength: 1, maxLength: 30 }),
  // Batch sizes for the first pass and for the second (every entry again): random splits into statements.
  splits: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
  again: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
})

/** The entries in statements of the given sizes (cycling), each statement its own transaction. */
async function post (db: Parameters<typeof inTx>[0], shopId: string, entries: NewEntry[], sizes: number[]): Promise<number> {
  let inserted = 0
  for (let i = 0, s = 0; i < entries.length; s++) {
    const size = sizes[s % sizes.length]!
    const batch = entries.slice(i, i + size)
    inserted += await inTx(db, tx => writeLedgerEntries(tx, shopId, batch, now))
    i += size
  }
  return inserted
}

t.test('cached balances equal the sums of the entries in any batch split; a key posted twice changes nothing', async t => {
  const { db } = await freshDatabase(t)
  let run = 0
  await fc.assert(fc.asyncProperty(scenarioArb, async ({ entries, splits, again }) => {
    run++
    const shopId = `6${String(run).padStart(9, '0')}`
    await addShop(db, shopId)
    for (const id of MEMBERS) {
      await addCustomer(db, shopId, id)
      await inTx(db, tx => activateMember(tx, shopId, id, 'manual', 'prop', now))
    }
    // What the ledger should hold: the first entry of each key.
    const firstOfKey = new Map<string, NewEntry>()
    for (const e of entries) if (!firstOfKey.has(e.idempotencyKey)) firstOfKey.set(e.idempotencyKey, e)

    t.equal(await post(db, shopId, entries, splits), firstOfKey.size, `run ${run}: one entry per key`)
    const after = await Promise.all(MEMBERS.map(async id => balances(await member(db, shopId, id))))
    for (const [i, id] of MEMBERS.entries()) {
      const want = { available: 0, pending: 0, used: 0, expired: 0, rank: 0 }
      for (const e of firstOfKey.values()) {
        if (e.customerId !== id) continue
        const d = balanceDelta(e)
        want.available += d.available; want.pending += d.pending; want.used += d.used; want.expired += d.expired; want.rank += d.rank
      }
      t.match(after[i], want, `run ${run}: member ${id} holds the sums of its entries`)
    }

    t.equal(await post(db, shopId, entries, again), 0, `run ${run}: posting every key again inserts nothing`)
    t.same(await Promise.all(MEMBERS.map(async id => balances(await member(db, shopId, id)))), after, `run ${run}: and moves nothing`)
    return true
  }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 25), seed: process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined })
  t.same((await verifyLedger(db)).problems, [], 'ledger:verify finds nothing')
})
