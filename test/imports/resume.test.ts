// Crash-resume of apply and undo (no row twice), the bulk point adjustment, and the .eml outbox without SMTP.
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import t from 'tap'
import { importRows, ledgerEntries, shops } from '../../db/schema/index.ts'
import { applyImport, importRuleOf, loadImport } from '../../server/imports/apply.ts'
import { getLoyaltySettings, updateLoyaltySettings } from '../../server/loyalty/settings.ts'
import { notifyFinished } from '../../server/imports/jobs.ts'
import { undoImport } from '../../server/imports/undo.ts'
import { authHeaders, build } from '../helper.ts'
import { member, messyFile, seedCustomers, upload } from './helpers.ts'

t.test('an apply that stops after one batch resumes where it stopped, never applying a row twice', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const { id } = (await upload(app, shopId, messyFile())).json()
  const confirm = await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  t.equal(confirm.statusCode, 202, 'without a job queue the import waits in applying')

  const opts = { now: app.clock, batchSize: 2 }
  const settings = await getLoyaltySettings(app.db, shopId)
  t.equal(await applyImport(app.db, shopId, id, { ...opts, maxBatches: 1 }), null, 'the "crash" after one batch')
  t.match(await loadImport(app.db, shopId, id), { status: 'applying', doneRows: 2, totalRows: 5 })
  t.equal((await member(app, shopId, 101))?.pointsAvailable, 150)
  t.notOk(await member(app, shopId, 103), 'not reached yet')
  // The merchant changes the rate before the apply resumes: the import keeps the rule its first run froze.
  t.same((await loadImport(app.db, shopId, id))?.rule, importRuleOf(settings), 'the rule is frozen on the import')
  await updateLoyaltySettings(app.db, shopId, { ...settings, earning: { ...settings.earning, vndPerPoint: 1_000 }, ranking: { ...settings.ranking, vndPerRankPoint: 10 } }, 'test', app.clock())

  const done = await applyImport(app.db, shopId, id, opts)
  t.match(done, { status: 'done', doneRows: 5 })
  t.equal(await applyImport(app.db, shopId, id, opts), null, 'a late retry of a finished import does nothing')
  t.match(await member(app, shopId, 101), { pointsAvailable: 150, rankPoints: 1_500_000 })
  t.match(await member(app, shopId, 103), { pointsAvailable: 150, rankPoints: 1_500_000 }, 'after the resume, still 10,000 ₫ a point')
  t.match(await member(app, shopId, 108), { pointsAvailable: 500, rankPoints: 5_000_000 })
  t.same((await loadImport(app.db, shopId, id))?.rule, importRuleOf(settings))
  const entries = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.sourceId, id)))
  t.equal(entries.length, 4, 'one entry per line that moves points (104 had none)')

  // Undo, also interrupted.
  await app.inject({ method: 'POST', url: `/api/imports/${id}/undo`, headers: await authHeaders(app) })
  t.equal(await undoImport(app.db, shopId, id, { ...opts, maxBatches: 1 }), null)
  t.match(await undoImport(app.db, shopId, id, opts), { status: 'undone' })
  t.match(await member(app, shopId, 101), { pointsAvailable: 0, rankPoints: 0, openingImportId: null })
  const after = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.sourceId, id)))
  t.equal(after.length, 8, 'one compensating entry per original, nothing deleted')
})

t.test('bulk point adjustment: signed points with a reason, non-members activated by it', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const file = Buffer.from([
    'SoDienThoai;NoiDungDieuChinh;DiemDieuChinh',
    '0912345678;Tặng điểm tri ân;1.000',
    '0934567890;Trừ điểm đơn hoàn;-20',
    '0987654321;Sai;0',
    '0383456789;;5',
    '0911111111;Không có khách;5',
  ].join('\r\n'))
  const res = await upload(app, shopId, file, 'point-adjustment')
  t.equal(res.statusCode, 200, res.body)
  const { id, preview } = res.json()
  t.same(preview, { rows: 5, valid: 3, matched: 2, notFound: 1, alreadyImported: 0, invalid: 2, duplicates: 0, warnings: 0 })
  const rows = await app.db.select({ line: importRows.line, reason: importRows.reason }).from(importRows)
    .where(and(eq(importRows.importId, id), eq(importRows.status, 'invalid')))
  t.same(rows.sort((a, b) => a.line - b.line), [
    { line: 4, reason: 'DiemDieuChinh phải khác 0' },
    { line: 5, reason: 'NoiDungDieuChinh trống: cần ghi lý do điều chỉnh' },
  ])
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  const done = await applyImport(app.db, shopId, id, { now: app.clock })
  t.match(done, { status: 'done', result: { applied: 2, points: 980 } })
  t.match(await member(app, shopId, 101), { pointsAvailable: 1000, activationSource: 'import' })
  t.match(await member(app, shopId, 105), { pointsAvailable: -20 })
  const [entry] = await app.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.idempotencyKey, `import:${id}:2`)))
  t.match(entry, { kind: 'adjust', points: 1000, reason: 'Tặng điểm tri ân', source: 'import' })
})

t.test('without SMTP_URL the finished mail is written as an .eml file under DATA_DIR/outbox', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tichdiem-outbox-'))
  const { app, shopId } = await build(t, { env: { DATA_DIR: dataDir } })
  await app.db.update(shops).set({ email: 'chu.shop@example.com' }).where(eq(shops.shopId, shopId))
  await seedCustomers(app, shopId)
  const { id } = (await upload(app, shopId, messyFile())).json()
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  const done = await applyImport(app.db, shopId, id, { now: app.clock })
  t.ok(done)
  t.equal(await notifyFinished(app.db, app.mailer, app.config.appUrl, done!), true)
  const files = await readdir(join(dataDir, 'outbox'))
  t.equal(files.length, 1)
  const eml = await readFile(join(dataDir, 'outbox', files[0]!), 'utf8')
  t.match(eml, /To: chu\.shop@example\.com/)
  t.ok(eml.replace(/=\r\n/g, '').includes(`/settings/import?id=3D${id}`), 'link to the admin (quoted-printable)')
})
