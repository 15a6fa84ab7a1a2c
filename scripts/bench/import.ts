// npm run bench:import [-- --rows N] [--no-apply] [--keep]: opening-balance import end to end on Postgres, beside a plain COPY
// of the same file (run after the import, so its stream buffers do not count in the import's peak RSS).
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { once } from 'node:events'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { and, eq, sql } from 'drizzle-orm'
import postgres from 'postgres'
import { openPostgres } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { imports, shops } from '../../db/schema/index.ts'
import { applyImport } from '../../server/imports/apply.ts'
import { createImport } from '../../server/imports/preview.ts'
import { ownCpuSeconds, postgresCpuSeconds } from './cpu.ts'

const args = process.argv.slice(2)
const rowsArg = args.indexOf('--rows')
const ROWS = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 1_000_000
const APPLY = !args.includes('--no-apply')
// --keep: leave the database (and print its name) to EXPLAIN the import's statements afterwards.
const KEEP = args.includes('--keep')
const SHOP = '9000000001'
const baseUrl = process.env.DATABASE_URL
if (!baseUrl) { console.error('DATABASE_URL=postgres://… is required'); process.exit(1) }

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`
const secs = (ms: number) => (ms / 1000).toFixed(1)
const phone = (i: number) => '091' + String(i).padStart(7, '0')
// The machine is shared: every figure is printed with the load average it was measured under.
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`

async function writeFile (file: string) {
  const out = createWriteStream(file)
  out.write('\uFEFFHoTen;DienThoai;Email;DTDauKy;DTTichLuy\r\n')
  for (let i = 1; i <= ROWS; i++) {
    if (!out.write(`Khách hàng ${i};${phone(i)};;1.500.000;3.000.000\r\n`)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
}

async function main () {
  const name = `tichdiem_bench_import_${process.pid}`
  const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  // BENCH_AUTO_EXPLAIN=<ms>: Postgres logs the plans, with timings, of the statements slower than that (server log).
  if (process.env.BENCH_AUTO_EXPLAIN) {
    for (const setting of ["session_preload_libraries = 'auto_explain'", `auto_explain.log_min_duration = ${Number(process.env.BENCH_AUTO_EXPLAIN)}`,
      'auto_explain.log_analyze = on', 'auto_explain.log_nested_statements = on']) await admin.unsafe(`alter database ${name} set ${setting}`)
  }
  const url = new URL(baseUrl!)
  url.pathname = `/${name}`
  const database = await openPostgres(url.toString(), { max: 4 })
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'))
  try {
    await migrate(database.db)
    const db = database.db
    await db.insert(shops).values({ shopId: SHOP, name: 'Bench', status: 'installed' })
    await db.execute(sql`insert into customers (shop_id, id, phone, phone_e164, full_name)
      select ${SHOP}, g, '091' || lpad(g::text, 7, '0'), '+8491' || lpad(g::text, 7, '0'), 'Khách hàng ' || g from generate_series(1, ${ROWS}) g`)
    await db.execute(sql`analyze customers`)
    const file = join(dir, 'opening.csv')
    await writeFile(file)
    const size = (await stat(file)).size
    console.log(`rows ${ROWS.toLocaleString('en')}, file ${(size / 1024 / 1024).toFixed(0)} MB, customers seeded (${load()})`)

    // CPU of this process (parse, checks, the app's work) and of Postgres during each step, in % of one core.
    let cpu = { node: ownCpuSeconds(), pg: postgresCpuSeconds() }
    const cpuLine = (ms: number) => {
      const now = { node: ownCpuSeconds(), pg: postgresCpuSeconds() }
      const share = (k: 'node' | 'pg') => `${k === 'node' ? 'Node' : 'Postgres'} ${(now[k] - cpu[k]).toFixed(1)} s (${((now[k] - cpu[k]) / (ms / 1000) * 100).toFixed(0)} %)`
      const line = `cpu ${share('node')}, ${share('pg')}`
      cpu = now
      return line
    }
    // BENCH_MEMORY=1: the largest heap figures seen (sampled every 100 ms) next to the peak RSS.
    const memoryPeak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }
    const sampler = process.env.BENCH_MEMORY
      ? setInterval(() => {
        const m = process.memoryUsage()
        for (const k of Object.keys(memoryPeak) as Array<keyof typeof memoryPeak>) memoryPeak[k] = Math.max(memoryPeak[k], m[k])
      }, 100)
      : null
    const printMemoryPeaks = () => {
      if (sampler) console.log('memory peaks (MB):', Object.entries(memoryPeak).map(([k, v]) => `${k} ${(v / 1048576).toFixed(0)}`).join(', '))
    }
    let started = performance.now()
    const { id, preview } = await createImport(db, { shopId: SHOP, kind: 'opening_balance', fileName: 'bench.csv', actor: 'bench', now: new Date(), source: createReadStream(file) })
    const previewMs = performance.now() - started
    console.log(`parse + preview: ${secs(previewMs)} s, ${Math.round(ROWS / (previewMs / 1000)).toLocaleString('en')} rows/s, matched ${preview.matched}, peak RSS so far ${mb(process.resourceUsage().maxRSS)}, ${cpuLine(previewMs)}`)

    printMemoryPeaks()
    let applyMs = 0
    if (APPLY) {
      // What POST /api/imports/:id/confirm sets.
      await db.update(imports).set({ status: 'applying', totalRows: preview.matched, doneRows: 0, appliedPoints: 0, appliedRankPoints: 0, skippedRows: 0, skippedWarnings: 0 }).where(and(eq(imports.shopId, SHOP), eq(imports.id, id)))
      started = performance.now()
      const done = await applyImport(db, SHOP, id, { now: () => new Date() })
      applyMs = performance.now() - started
      console.log(`apply: ${secs(applyMs)} s, ${Math.round(ROWS / (applyMs / 1000)).toLocaleString('en')} rows/s, status ${done?.status}, ${cpuLine(applyMs)}`)
    }
    if (sampler) { clearInterval(sampler); printMemoryPeaks() }
    const total = previewMs + applyMs
    console.log(`total (parse → preview${APPLY ? ' → apply' : ''}): ${secs(total)} s, ${Math.round(ROWS / (total / 1000)).toLocaleString('en')} rows/s`)
    // Before the baseline: its COPY stream's buffers are malloc'd memory the process keeps, not the import's.
    console.log(`peak RSS: ${mb(process.resourceUsage().maxRSS)} (${load()})`)

    // Baseline, after the import: the same bytes straight into a scratch table.
    const raw = postgres(url.toString(), { max: 1, onnotice: () => {} })
    await raw.unsafe('create table scratch (a text, b text, c text, d text, e text)')
    started = performance.now()
    await pipeline(createReadStream(file), await raw.unsafe("copy scratch from stdin with (format csv, header true, delimiter ';')").writable())
    const copyMs = performance.now() - started
    console.log(`COPY baseline: ${secs(copyMs)} s, ${Math.round(ROWS / (copyMs / 1000)).toLocaleString('en')} rows/s`)
    await raw.end()
  } finally {
    await database.close()
    if (KEEP) console.log(`kept database ${name}`)
    else await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err) => { console.error(err); process.exit(1) })
