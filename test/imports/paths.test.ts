// The apply's fast path (plain inserts, per-line balances, batches side by side) ends exactly where the on-conflict
// path does; a failed batch lets no later one commit; COPY (Postgres) and the batched insert (PGlite) store the same rows.
import { and, asc, eq, sql } from 'drizzle-orm'
import t from 'tap'
import type { Db } from '../../db/client.ts'
import { importRows, ledgerEntries, members } from '../../db/schema/index.ts'
import { applyImport, loadImport } from '../../server/imports/apply.ts'
import { activateMember, writeLedgerEntries } from '../../server/loyalty/ledger.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { authHeaders, build, installShop } from '../helper.ts'
import { messyFile, seedCustomers, upload } from './helpers.ts'

const OTHER_SHOP = '1000000002'

// 102 is already a member with history; the import then adds to it, activates the others.
async function prepare (app: Awaited<ReturnType<typeof build>>['app'], shopId: string) {
  await seedCustomers(app, shopId)
  const now = app.clock()
  await app.db.transaction(async (tx) => {
    await activateMember(tx, shopId, 102, 'manual', 'test', now)
    await writeLedgerEntries(tx, shopId, [{ customerId: 102, availableAt: now, source: 'adjustment', actor: 'test', kind: 'adjust', points: 50, rankPoints: 1_000_000, state: 'available', idempotencyKey: 'seed-1' }], now)
  })
  const { id } = (await upload(app, shopId, messyFile())).json()
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app, shopId) })
  return id
}

const memberState = async (db: Db, shopId: string) => (await db.select().from(members).where(eq(members.shopId, shopId)).orderBy(asc(members.customerId)))
  .map(({ shopId: _s, activatedAt: _a, updatedAt: _u, lastActivityAt, openingImportId, ...m }) => ({ ...m, activity: lastActivityAt !== null, imported: openingImportId !== null }))
const entryState = async (db: Db, shopId: string, importId: string) => (await db.select().from(ledgerEntries)
  .where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.sourceId, importId))).orderBy(asc(ledgerEntries.customerId)))
  .map(({ id: _i, shopId: _s, sourceId: _si, createdAt: _c, availableAt: _a, idempotencyKey, ...e }) => ({ ...e, line: idempotencyKey.split(':')[2] }))

t.test('fast path and on-conflict path, one batch at a time or two side by side, end in the same state', async (t) => {
  const { app, shopId } = await build(t)
  await installShop(app, OTHER_SHOP, 'Shop khác')
  const fast = await prepare(app, shopId)
  const safe = await prepare(app, OTHER_SHOP)
  t.match(await applyImport(app.db, shopId, fast, { now: app.clock, batchSize: 2, concurrency: 2 }), { status: 'done', doneRows: 5, result: { applied: 5, points: 950 } })
  t.match(await applyImport(app.db, OTHER_SHOP, safe, { now: app.clock, batchSize: 3, concurrency: 1, onConflict: true }), { status: 'done', doneRows: 5, result: { applied: 5, points: 950 } })
  t.same(await memberState(app.db, shopId), await memberState(app.db, OTHER_SHOP), 'members')
  t.same(await entryState(app.db, shopId, fast), await entryState(app.db, OTHER_SHOP, safe), 'entries')
  t.same((await verifyLedger(app.db)).problems, [])
  t.match(await loadImport(app.db, shopId, fast), { appliedThrough: 11 }, 'the cursor stands on the last matched line')

  const rows = await app.inject({ method: 'GET', url: `/api/imports/${fast}/rows?problems=false&limit=200`, headers: await authHeaders(app, shopId) })
  const applied = rows.json().items.filter((r: { appliedAt: string | null }) => r.appliedAt !== null).map((r: { line: number }) => r.line)
  t.same(applied, [2, 3, 4, 5, 11], 'the rows API shows the applied lines')
})

t.test('a batch that fails lets no later batch commit, even when they run side by side', async (t) => {
  const { app, shopId } = await build(t)
  const id = await prepare(app, shopId)
  // The customer of line 2 (first batch) disappears after the preview: its member cannot be activated.
  await app.db.execute(sql`delete from customers where shop_id = ${shopId} and id = 101`)
  await t.rejects(applyImport(app.db, shopId, id, { now: app.clock, batchSize: 2, concurrency: 2 }))
  const entries = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.sourceId, id)))
  t.equal(entries.length, 0, 'nothing of any batch stays')
  t.match(await loadImport(app.db, shopId, id), { status: 'applying', doneRows: 0, appliedThrough: 0 })
  t.same((await verifyLedger(app.db)).problems, [])
})

t.test('two runs of the same import at once (a job retried while the first still runs) apply every line once', async (t) => {
  const { app, shopId } = await build(t)
  const id = await prepare(app, shopId)
  const opts = { now: app.clock, batchSize: 2 }
  // Whichever run commits a batch first moves the cursor; the other one's batch meets the cursor (or the keys) and
  // rolls back whole. A run that lost may have stopped the import half way: the job's retry finishes it.
  await Promise.allSettled([applyImport(app.db, shopId, id, opts), applyImport(app.db, shopId, id, opts)])
  await applyImport(app.db, shopId, id, opts)
  t.match(await loadImport(app.db, shopId, id), { status: 'done', doneRows: 5 })
  const entries = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.sourceId, id)))
  t.equal(entries.length, 4, 'one entry per line that moves points')
  t.match(await app.db.select().from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, 102))), [{ pointsAvailable: 200, rankPoints: 2_500_000 }])
  t.same((await verifyLedger(app.db)).problems, [])
})

t.test('every kind of cell is stored as it was read, cleaned (COPY text escapes on Postgres, JSON on PGlite)', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const names = ['Tab\there', 'Back\\slash \\N \\t', '"Quoted", with; delimiters', 'Line\r\nbreak', 'Nguyễn Văn An'.normalize('NFD'), '=cmd|\'/c calc\'!A1']
  const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`
  const file = Buffer.from('HoTen;DienThoai;Email;DTDauKy;DTTichLuy\r\n' +
    names.map((n, i) => `${csvCell(n)};09${String(i).padStart(8, '0')};;${i};0`).join('\r\n') + '\r\n')
  const res = await upload(app, shopId, file)
  t.equal(res.statusCode, 200, res.body)
  const stored = await app.db.select({ line: importRows.line, name: importRows.name, raw: importRows.raw, reason: importRows.reason })
    .from(importRows).where(eq(importRows.importId, res.json().id)).orderBy(asc(importRows.line))
  // Cells are cleaned as they are read (server/text.ts): NFC, and a CR dropped, so the quoted CRLF is a line feed.
  t.same(stored.map((r) => r.raw?.HoTen), names.map((n) => n.normalize('NFC').replace('\r\n', '\n')))
  t.same(stored.map((r) => r.name), names.map((n) => n.normalize('NFC').replace('\r\n', '\n').trim()))
  t.same(stored.map((r) => r.line), [2, 3, 4, 5, 6, 7], 'a quoted line break stays inside its row')
})
