// The set-based apply/undo keeps the ledger exact: cached == Σ entries (verifyLedger) after apply, a replayed batch and undo.
import { and, eq, sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows, type Db } from '../../db/client.ts'
import { ledgerEntries, members } from '../../db/schema/index.ts'
import { applyBulk } from '../../server/imports/apply-bulk.ts'
import { applyImport, entryForRow, loadImport } from '../../server/imports/apply.ts'
import { undoImport } from '../../server/imports/undo.ts'
import { activateMember, postLedgerEntry } from '../../server/loyalty/ledger.ts'
import { DEFAULT_TIERS } from '../../server/loyalty/rules.ts'
import { getLoyaltySettings } from '../../server/loyalty/settings.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { authHeaders, build } from '../helper.ts'
import { member, messyFile, seedCustomers, upload } from './helpers.ts'

t.test('apply and undo in batches keep cached balances equal to the entries, for new and existing members', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const now = app.clock()
  // 102 is already a member with history: 40 available, 25 pending, 10 used, 1,000,000 rank points, tier member.
  await app.db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db
    await activateMember(tx, shopId, 102, 'manual', 'test', now)
    const base = { customerId: 102, availableAt: now, source: 'adjustment' as const, actor: 'test' }
    await postLedgerEntry(tx, shopId, { ...base, kind: 'adjust', points: 50, rankPoints: 1_000_000, state: 'available', idempotencyKey: 'seed-1' }, now)
    await postLedgerEntry(tx, shopId, { ...base, kind: 'earn', points: 25, state: 'pending', idempotencyKey: 'seed-2' }, now)
    await postLedgerEntry(tx, shopId, { ...base, kind: 'redeem', points: -10, state: 'available', idempotencyKey: 'seed-3' }, now)
  })
  const before = await member(app, shopId, 102)

  const { id } = (await upload(app, shopId, messyFile())).json()
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  t.match(await applyImport(app.db, shopId, id, { now: app.clock, batchSize: 3 }), { status: 'done', result: { applied: 5, points: 950 } })
  t.same((await verifyLedger(app.db)).problems, [], 'ledger exact after apply')

  t.match(await member(app, shopId, 102), {
    pointsAvailable: 40 + 150,
    pointsPending: 25,
    pointsUsed: 10,
    rankPoints: 2_500_000,
    spendBaseline: 1_500_000,
    openingImportId: id,
    activationSource: 'manual',
    tierId: 'silver',
    phoneE164: before?.phoneE164,
  }, 'an existing member: balances added, tier upgraded, identifiers kept')
  t.match(await member(app, shopId, 108), { pointsAvailable: 500, rankPoints: 5_000_000, tierId: 'gold', activationSource: 'import', phoneE164: '+84944444444', email: null })
  t.match(await member(app, shopId, 101), { phoneE164: '+84912345678', email: 'an@example.com', tierId: 'member' })
  t.ok((await member(app, shopId, 101))?.lastActivityAt, 'an opening entry counts as activity')
  t.equal((await member(app, shopId, 104))?.lastActivityAt, null, 'a line with no entry: no activity')
  const rewards = await queryRows<{ n: unknown }>(app.db, sql`select count(*) as n from rewards where shop_id = ${shopId}`)
  t.equal(Number(rewards[0]?.n ?? 0), 0, 'no registration reward for members activated by an import')

  // A batch replayed after a crash (same lines, same keys) changes nothing twice.
  const settings = await getLoyaltySettings(app.db, shopId)
  const imp = (await loadImport(app.db, shopId, id))!
  const rows = await queryRows<{ line: number, customer_id: unknown, amount: unknown, second_amount: unknown }>(app.db, sql`
    select line, customer_id, amount, second_amount from import_rows where shop_id = ${shopId} and import_id = ${id}::uuid and applied_at is not null`)
  const snapshot = await app.db.select().from(members).where(eq(members.shopId, shopId))
  await app.db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db
    await applyBulk(tx, {
      shopId,
      importId: id,
      opening: true,
      lines: rows.map((r) => ({
        line: r.line,
        customerId: Number(r.customer_id),
        baseline: Number(r.second_amount ?? 0),
        entry: entryForRow(imp, { line: r.line, customerId: Number(r.customer_id), amount: r.amount === null ? null : Number(r.amount), points: null, raw: null }, settings, now, 'Asia/Ho_Chi_Minh'),
      })),
      existing: rows.map((r) => Number(r.customer_id)),
      tiers: DEFAULT_TIERS,
      lowestTier: 'member',
      skipped: [],
      skippedReason: '',
      taken: 0,
      now,
    })
  })
  const replayed = await app.db.select().from(members).where(eq(members.shopId, shopId))
  const balances = (list: typeof snapshot) => list.map((m) => [m.customerId, m.pointsAvailable, m.pointsPending, m.pointsUsed, m.rankPoints, m.spendBaseline]).sort()
  t.same(balances(replayed), balances(snapshot), 'replay: no balance moved')
  t.same((await verifyLedger(app.db)).problems, [], 'ledger exact after a replay')

  await app.inject({ method: 'POST', url: `/api/imports/${id}/undo`, headers: await authHeaders(app) })
  t.match(await undoImport(app.db, shopId, id, { now: app.clock, batchSize: 2 }), { status: 'undone' })
  t.same((await verifyLedger(app.db)).problems, [], 'ledger exact after undo')
  t.match(await member(app, shopId, 102), {
    pointsAvailable: 40, pointsPending: 25, pointsUsed: 10, rankPoints: 1_000_000, spendBaseline: 0, openingImportId: null, tierId: 'member',
  }, 'undo restores the existing member')
  const reverses = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.kind, 'reverse')))
  t.equal(reverses.length, 4)
  t.ok(reverses.every((e) => e.idempotencyKey.startsWith(`undo:${id}:`) && e.sourceId === id && e.source === 'import'))
})

t.test('a member missing when the batch runs rolls the whole batch back', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const { id } = (await upload(app, shopId, messyFile())).json()
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  // The customer of line 2 disappears after the preview: its member cannot be activated.
  await app.db.execute(sql`delete from customers where shop_id = ${shopId} and id = 101`)
  await t.rejects(applyImport(app.db, shopId, id, { now: app.clock }))
  const entries = await app.db.select().from(ledgerEntries).where(eq(ledgerEntries.shopId, shopId))
  t.equal(entries.length, 0, 'no entry without its member')
  t.match(await loadImport(app.db, shopId, id), { status: 'applying', doneRows: 0 })
  t.same((await verifyLedger(app.db)).problems, [])
})
