// Benchmark: GET /api/dashboard for 30 days on a shop with 1,000,000 members, 5,000,000 orders, 10,000,000 ledger entries.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:dashboard [-- --runs 30 --reuse --keep --db name]
// --reuse keeps a database seeded by an earlier run with --keep (seeding takes minutes, timing alone seconds); the default
// seeds afresh. --db names the bench's own database (created and dropped by it), so two benches can keep theirs side by side.
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { tmpdir } from 'node:os'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { openPostgres } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { buildApp } from '../../server/app.ts'
import { mintSessionToken } from '../../server/auth/session.ts'
import { loadConfig } from '../../server/config.ts'
import { refreshRollup } from '../../server/overview/rollup.ts'
import { seedShop } from './dashboard-seed.ts'

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    orders: { type: 'string', default: '5000000' },
    entries: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '30' },
    reuse: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    db: { type: 'string', default: 'tichdiem_bench_dashboard' },
  },
})
const base = process.env.DATABASE_URL
if (!base) { console.error('DATABASE_URL is required (a Postgres server; the bench creates its own database)'); process.exit(2) }

if (!/^[a-z_][a-z0-9_]*$/.test(args.db)) { console.error('--db: lower-case letters, digits and _'); process.exit(2) }
const DB_NAME = args.db
const SHOP = '1000000001'
const admin = postgres(base, { max: 1, onnotice: () => {} })
const exists = (await admin`select 1 from pg_database where datname = ${DB_NAME}`).length > 0
const url = new URL(base)
url.pathname = `/${DB_NAME}`
if (!(args.reuse && exists)) {
  await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
  await admin.unsafe(`create database ${DB_NAME}`)
}
const database = await openPostgres(url.toString(), { max: 10 })
await migrate(database.db)
if (!(args.reuse && exists)) {
  await seedShop(database.db, SHOP, { members: Number(args.members), orders: Number(args.orders), entries: Number(args.entries) })
  // The rollup's first build (what the refresh job does once for a shop that had none).
  const t0 = performance.now()
  await refreshRollup(database.db, SHOP, 'Asia/Ho_Chi_Minh', new Date())
  console.log(`  ${'overview rollup: first full build'.padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`)
}

const config = loadConfig({
  NODE_ENV: 'test',
  DATA_DIR: tmpdir(),
  SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  LOG_LEVEL: 'silent',
  APP_URL: 'http://127.0.0.1:3000',
})
const app = await buildApp({ config, database, boss: null, logger: false })
await app.ready()
const headers = { authorization: `Bearer ${await mintSessionToken(config.sessionSecret, { orgid: SHOP, sub: 'bench' }, { now: new Date() })}` }

// A webhook-like write before each request: a customer's order re-stamped now, so the refresh has days to recompute.
let writes = 0
async function touchOrder () {
  writes++
  await database.db.execute(sql`update orders set synced_at = now(), refunded_amount = refunded_amount
    where shop_id = ${SHOP} and id = (select id from orders where shop_id = ${SHOP} and customer_id is not null order by id desc offset ${writes * 7} limit 1)`)
}

async function measure (label: string, url: string, runs: number, before?: () => Promise<void>) {
  let body: Record<string, any> = {}
  for (let i = 0; i < 3; i++) body = (await app.inject({ url, headers })).json() // warm-up: caches, plans
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    if (before) await before()
    const t0 = performance.now()
    const res = await app.inject({ url, headers })
    times.push(performance.now() - t0)
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`)
  }
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1)
  console.log(`${label.padEnd(44)} p50 ${pct(0.5).padStart(7)} ms   p95 ${pct(0.95).padStart(7)} ms   max ${pct(1).padStart(7)} ms`)
  return body
}

const runs = Number(args.runs)
console.log(`\nGET /api/dashboard, ${runs} runs each (target: 30 days < 300 ms)\n`)
const body = await measure('last 30 days (default)', '/api/dashboard', runs)
await measure('last 30 days, an order written before each', '/api/dashboard', runs, touchOrder)
await measure('last 7 days', dayRange(7), runs)
await measure('last 90 days', dayRange(90), Math.max(5, Math.floor(runs / 3)))
console.log(`\nmembers ${body.members.total}, revenue members ${body.revenue.members} / non-members ${body.revenue.nonMembers} ₫, ` +
  `orders ${body.orders.members + body.orders.nonMembers}, points earned ${body.points.earned}, outstanding ${body.points.outstanding}`)

function dayRange (days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date())
  const from = new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10)
  return `/api/dashboard?from=${from}&to=${today}`
}

await app.close()
await database.close()
if (!args.keep) await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
await admin.end()
