// The result of an apply comes from the preview and the running totals its batches kept; it must say exactly what
// counting the import's lines and entries afterwards says, also when lines are skipped at apply time, and an import
// confirmed before those totals existed is counted the old way.
import { and, eq, sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { imports } from '../../db/schema/index.ts'
import { applyImport, loadImport } from '../../server/imports/apply.ts'
import { countPreview } from '../../server/imports/preview.ts'
import type { App } from '../../server/app.ts'
import { authHeaders, build } from '../helper.ts'
import { messyFile, seedCustomers, upload } from './helpers.ts'

// 101 and 108 again; 108's name differs from Haravan's (a warning), 107 is new (the first file's line for it is invalid).
const SECOND_FILE = Buffer.from([
  'HoTen;DienThoai;Email;DTDauKy;DTTichLuy',
  'Nguyễn Văn An;0912345678;;300000;300000',
  'Hà Văn Hùng;0944444444;;700000;700000',
  'Đỗ Văn Giang;0966666666;;100000;100000',
].join('\r\n'))

async function confirmed (app: App, shopId: string, file: Buffer) {
  const { id } = (await upload(app, shopId, file)).json()
  const res = await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app) })
  if (res.statusCode !== 202) throw new Error(res.body)
  return id as string
}

// What the lines and entries say once the apply is done.
async function counted (app: App, shopId: string, id: string) {
  const preview = await countPreview(app.db, shopId, id)
  const [sums] = await queryRows<{ points: unknown, rank: unknown }>(app.db, sql`
    select coalesce(sum(points), 0) as points, coalesce(sum(rank_points), 0) as rank from ledger_entries
    where shop_id = ${shopId} and source = 'import' and source_id = ${id}`)
  return { ...preview, applied: preview.matched, skipped: preview.rows - preview.matched, points: Number(sums?.points), rankPoints: Number(sums?.rank) }
}

t.test('lines skipped at apply time (imported by another file since the preview) are counted, warnings included', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const first = await confirmed(app, shopId, messyFile())
  // Previewed while the first file is not applied yet: 101 and 108 still look new.
  const { id: second } = (await upload(app, shopId, SECOND_FILE)).json()
  t.match((await loadImport(app.db, shopId, second))?.preview, { matched: 3, alreadyImported: 0, warnings: 1 })

  t.match(await applyImport(app.db, shopId, first, { now: app.clock, batchSize: 2 }), { status: 'done' })
  await app.inject({ method: 'POST', url: `/api/imports/${second}/confirm`, headers: await authHeaders(app) })
  const done = await applyImport(app.db, shopId, second, { now: app.clock, batchSize: 1 })
  t.same(done?.result, await counted(app, shopId, second))
  t.match(done?.result, { matched: 1, alreadyImported: 2, warnings: 0, applied: 1, skipped: 2, points: 10, rankPoints: 100_000 })
  t.match(done, { appliedPoints: 10, appliedRankPoints: 100_000, skippedRows: 2, skippedWarnings: 1 })
  t.same((await loadImport(app.db, shopId, first))?.result, await counted(app, shopId, first))
})

t.test('an import confirmed before the running totals existed is counted over its lines and entries', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const id = await confirmed(app, shopId, messyFile())
  t.equal(await applyImport(app.db, shopId, id, { now: app.clock, batchSize: 2, maxBatches: 1 }), null, 'one batch in')
  await app.db.update(imports).set({ appliedPoints: null, appliedRankPoints: null, skippedRows: null, skippedWarnings: null })
    .where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
  const done = await applyImport(app.db, shopId, id, { now: app.clock, batchSize: 2 })
  t.match(done, { status: 'done', appliedPoints: null })
  t.same(done?.result, await counted(app, shopId, id))
  t.match(done?.result, { applied: 5, skipped: 7, points: 950, rankPoints: 9_500_000 })
})
