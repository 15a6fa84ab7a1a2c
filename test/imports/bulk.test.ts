// The set-based apply/undo keeps the ledger exact: cached == Σ entries (verifyLedger) after apply, a replayed batch and undo.
import { and, eq, sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { imports, ledgerEntries, members } from '../../db/schema/index.ts'
import { applyImport, entryForRow, importRuleOf, loadImport } from '../../server/imports/apply.ts'
import { undoImport } from '../../server/imports/undo.ts'
import { activateMember, writeLedgerEntries } from '../../server/loyalty/ledger.ts'
import { getLoyaltySettings, updateLoyaltySettings } from '../../server/loyalty/settings.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { authHeaders, build } from '../helper.ts'
import { member, messyFile, seedCustomers, upload } from './helpers.ts'

t.test('apply and undo in batches keep cached balances equal to the entries, for new and existing members', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const now = app.clock()
  // 102 is already a member with history: 40 available, 25 pending, 10 used, 1,000,000 rank points, tier member.
  await app.db.transaction(async (tx) => {
    await activateMember(tx, shopId, 102, 'manual', 'test', now)
    const base = { customerId: 102, availableAt: now, source: 'adjustment' as const, actor: 'test' }
    await writeLedgerEntries(tx, shopId, [{ ...base, kind: 'adjust', points: 50, rankPoints: 1_000_000, state: 'available', idempotencyKey: 'seed-1' }], now)
    await writeLedgerEntries(tx, shopId, [{ ...base, kind: 'earn', points: 25, state: 'pending', idempotencyKey: 'seed-2' }], now)
    await writeLedgerEntries(tx, shopId, [{ ...base, kind: 'redeem', points: -10, state: 'available', idempotencyKey: 'seed-3' }], now)
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

  // A batch replayed after a crash (cursor behind, entries already there) changes nothing twice: the fast path meets
  // the existing keys and the batch runs again with on conflict; the opening balances are skipped as already imported.
  const snapshot = await app.db.select().from(members).where(eq(members.shopId, shopId))
  await app.db.update(imports).set({ status: 'applying', appliedThrough: 0 }).where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
  await applyImport(app.db, shopId, id, { now: app.clock })
  const replayed = await app.db.select().from(members).where(eq(members.shopId, shopId))
  const balances = (list: typeof snapshot) => list.map((m) => [m.customerId, m.pointsAvailable, m.pointsPending, m.pointsUsed, m.rankPoints, m.spendBaseline, m.tierId]).sort()
  t.same(balances(replayed), balances(snapshot), 'replay: no balance moved')
  t.same((await verifyLedger(app.db)).problems, [], 'ledger exact after a replay')
  await app.db.execute(sql`update import_rows set status = 'matched', reason = null where shop_id = ${shopId} and import_id = ${id}::uuid and status = 'already_imported' and line <> 6`)
  await app.db.update(imports).set({ status: 'done' }).where(and(eq(imports.shopId, shopId), eq(imports.id, id)))

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

t.test('point adjustments replayed after a crash: the same keys post nothing twice', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const file = Buffer.from('SoDienThoai;NoiDungDieuChinh;DiemDieuChinh\r\n0912345678;Tri ân;1.000\r\n0934567890;Trừ;-20\r\n')
  const { id } = (await upload(app, shopId, file, 'point-adjustment')).json()
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  await applyImport(app.db, shopId, id, { now: app.clock })
  await app.db.update(imports).set({ status: 'applying', appliedThrough: 0 }).where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
  t.match(await applyImport(app.db, shopId, id, { now: app.clock }), { status: 'done' })
  t.match(await member(app, shopId, 101), { pointsAvailable: 1000 })
  t.match(await member(app, shopId, 105), { pointsAvailable: -20 })
  t.same((await verifyLedger(app.db)).problems, [])
})

const ENTRY_FIELDS = ['customerId', 'kind', 'points', 'rankPoints', 'state', 'availableAt', 'expiresAt', 'source', 'sourceId', 'reason', 'rule', 'actor'] as const
const pick = (e: object | undefined) => Object.fromEntries(ENTRY_FIELDS.map((k) => [k, (e as Record<string, unknown> | undefined)?.[k]]))

// The apply computes entryForRow in SQL; every column must come out the same, for every rounding and rate.
const AMOUNTS = [0, 1, 4_999, 5_000, 9_999, 10_000, 14_999, 15_000, 999_999, 1_000_000, 1_234_567, 1_500_000, 98_765_432_109, 9_007_199_254_740_991]
const SETTINGS = [
  {},
  { earning: { vndPerPoint: 3_000, pointsPerStep: 7, rounding: 'half_up' }, ranking: { vndPerRankPoint: 7, window: 'rolling_12_months' }, expiry: { mode: 'after_earning', months: 12 } },
  { earning: { vndPerPoint: 1, pointsPerStep: 1, rounding: 'floor' }, ranking: { vndPerRankPoint: 1_000, window: 'lifetime' } },
]

for (const [n, change] of SETTINGS.entries()) {
  t.test(`the SQL entries equal entryForRow (settings ${n})`, async (t) => {
    const now = new Date('2026-03-31T17:30:00Z')
    const { app, shopId } = await build(t)
    const current = await getLoyaltySettings(app.db, shopId)
    const settings = await updateLoyaltySettings(app.db, shopId, {
      ...current, ...change, earning: { ...current.earning, ...(change.earning ?? {}) }, ranking: { ...current.ranking, ...(change.ranking ?? {}) },
    }, 'test', now)
    const phone = (i: number) => '091' + String(i).padStart(7, '0')
    await app.db.execute(sql`insert into customers (shop_id, id, phone, phone_e164, full_name)
      select ${shopId}, g, '091' || lpad(g::text, 7, '0'), '+8491' || lpad(g::text, 7, '0'), 'K ' || g from generate_series(1, ${AMOUNTS.length}) g`)
    const file = Buffer.from('HoTen;DienThoai;Email;DTDauKy;DTTichLuy\r\n' + AMOUNTS.map((a, i) => `K ${i + 1};${phone(i + 1)};;${a};${a}`).join('\r\n'))
    const { id } = (await upload(app, shopId, file)).json()
    await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
    t.match(await applyImport(app.db, shopId, id, { now: () => now, batchSize: 5 }), { status: 'done' })
    const imp = (await loadImport(app.db, shopId, id))!
    t.same(imp.rule, importRuleOf(settings), 'the rule, once, on the import')
    const entries = new Map((await app.db.select().from(ledgerEntries).where(eq(ledgerEntries.shopId, shopId))).map((e) => [e.idempotencyKey, e]))
    for (const [i, amount] of AMOUNTS.entries()) {
      const want = entryForRow(imp, { line: i + 2, customerId: i + 1, amount, points: null, raw: null }, settings, now, 'Asia/Ho_Chi_Minh')
      const got = entries.get(`import:${id}:${i + 2}`)
      if (want === null) { t.notOk(got, `amount ${amount}: no entry`); continue }
      t.same(pick(got), pick(want), `amount ${amount}`)
    }
    t.same((await verifyLedger(app.db)).problems, [])
  })
}
