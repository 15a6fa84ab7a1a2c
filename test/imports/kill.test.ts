// A process killed (SIGKILL) in the middle of an apply: the import finishes from where its cursor stood when the job
// runs again, every line applied once, the running totals and the cached balances exact. Real Postgres only: the
// killed process and this one must reach the same server.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { Readable } from 'node:stream'
import { and, eq, sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { imports } from '../../db/schema/index.ts'
import { applyImport, loadImport } from '../../server/imports/apply.ts'
import { createImport } from '../../server/imports/preview.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { build } from '../helper.ts'

const LINES = 20_000
const CHILD = fileURLToPath(new URL('./apply-child.ts', import.meta.url))

t.test('an apply killed mid-way finishes on the next run with every line applied once', {
  skip: process.env.DATABASE_URL ? false : 'needs real Postgres (set DATABASE_URL): a second process must reach the database',
}, async (t) => {
  const { app, shopId, database } = await build(t)
  await app.db.execute(sql`insert into customers (shop_id, id, phone, phone_e164, full_name)
    select ${shopId}, g, '091' || lpad(g::text, 7, '0'), '+8491' || lpad(g::text, 7, '0'), 'Khách hàng ' || g from generate_series(1, ${LINES}) g`)
  // Line i + 1 gives customer i an opening balance of i × 10,000 ₫: i points, i × 10,000 ranking points.
  const file = ['HoTen;DienThoai;Email;DTDauKy;DTTichLuy']
  for (let i = 1; i <= LINES; i++) file.push(`Khách hàng ${i};091${String(i).padStart(7, '0')};;${i * 10_000};${i}`)
  const { id } = await createImport(app.db, {
    shopId, kind: 'opening_balance', fileName: 'kill.csv', actor: 'test', now: app.clock(), source: Readable.from([Buffer.from(file.join('\r\n'))]),
  })
  // What POST /api/imports/:id/confirm sets.
  await app.db.update(imports).set({ status: 'applying', totalRows: LINES, doneRows: 0, appliedPoints: 0, appliedRankPoints: 0, skippedRows: 0, skippedWarnings: 0 })
    .where(and(eq(imports.shopId, shopId), eq(imports.id, id)))

  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, database.url as string, shopId, id], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  // Killed as soon as its first batch has committed, with later ones under way.
  let through = 0
  for (let i = 0; i < 3000 && through === 0 && child.exitCode === null; i++) {
    through = (await loadImport(app.db, shopId, id))?.appliedThrough ?? 0
    if (through === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  child.kill('SIGKILL')
  await once(child, 'exit')
  t.equal(output, '', 'killed before it finished')
  const killed = await loadImport(app.db, shopId, id)
  t.equal(killed?.status, 'applying')
  t.ok((killed?.appliedThrough ?? 0) > 0 && (killed?.appliedThrough ?? 0) < LINES + 1, `stopped part-way (line ${killed?.appliedThrough})`)

  // The job runs again, as pg-boss retries it; a batch of the dead process may still be finishing on the server,
  // which this run meets as a moved cursor or a lock, and the retry after that continues.
  let done = null
  for (let attempt = 0; attempt < 5 && done === null; attempt++) {
    try {
      done = await applyImport(app.db, shopId, id, { now: app.clock, batchSize: 1_000 })
    } catch (err) {
      t.comment(`retry after: ${(err as Error).message}`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  const expectedPoints = LINES * (LINES + 1) / 2
  t.match(done, { status: 'done', doneRows: LINES, appliedPoints: expectedPoints, appliedRankPoints: expectedPoints * 10_000, skippedRows: 0 })
  t.match(done?.result, { applied: LINES, skipped: 0, points: expectedPoints, rankPoints: expectedPoints * 10_000 })
  const [entries] = await queryRows<{ n: unknown, keys: unknown, points: unknown }>(app.db, sql`
    select count(*) as n, count(distinct idempotency_key) as keys, sum(points) as points from ledger_entries
    where shop_id = ${shopId} and source = 'import' and source_id = ${id}`)
  t.same([Number(entries?.n), Number(entries?.keys), Number(entries?.points)], [LINES, LINES, expectedPoints], 'one entry a line, none twice')
  const wrong = await queryRows<{ n: unknown }>(app.db, sql`
    select count(*) as n from members where shop_id = ${shopId}
      and (points_available <> customer_id or rank_points <> customer_id * 10000 or spend_baseline <> customer_id or opening_import_id <> ${id}::uuid)`)
  t.equal(Number(wrong[0]?.n), 0, 'every member holds exactly its own line')
  const [count] = await queryRows<{ n: unknown }>(app.db, sql`select count(*) as n from members where shop_id = ${shopId}`)
  t.equal(Number(count?.n), LINES)
  t.same((await verifyLedger(app.db)).problems, [], 'cached balances equal the ledger')
})
