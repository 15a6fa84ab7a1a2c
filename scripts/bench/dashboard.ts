// Benchmark: GET /api/dashboard for 30 days on a shop with 1,000,000 members, 5,000,000 orders, 10,000,000 ledger entries.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:dashboard [-- --runs 30 --reuse --keep --db name]
// --reuse keeps a database seeded by an earlier run with --keep (seeding takes minutes, timing alone seconds); the default
// seeds afresh. --db names the bench's own database (created and dropped by it), so two benches can keep theirs side by side.
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import { tmpdir } from 'node:os'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { openPostgres, queryRows } from '../../db/client.ts'
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
}
// The refresh job's work before the requests: the first full build on a fresh seed (or after a migration that asks
// for one), else what was written since the last run.
const t0 = performance.now()
const built = await refreshRollup(database.db, SHOP, 'Asia/Ho_Chi_Minh', new Date())
console.log(`  ${(built === 'all' ? 'overview rollup: full build' : `overview rollup: refresh (${built} days changed)`).padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`)

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

// A webhook-like write before each request, in one transaction: a member's order cancelled (or restored, the next
// time round), the points it took back (or gave) in the ledger and on the member — its contribution, its customer's
// first order and the member's points all change, so the refresh has real differences to take in.
let writes = 0
async function touchOrder () {
  writes++
  await database.db.transaction(async (tx) => {
    const [o] = await queryRows<{ customer_id: unknown, cancelled: boolean }>(tx, sql`
      update orders set synced_at = now(), cancelled_at = case when cancelled_at is null then now() end
      where shop_id = ${SHOP} and id = (select o.id from orders o join members m on m.shop_id = o.shop_id and m.customer_id = o.customer_id
        where o.shop_id = ${SHOP} order by o.id desc offset ${(writes % 40) * 7} limit 1)
      returning customer_id, cancelled_at is not null as cancelled`)
    if (!o) throw new Error('no member order to write')
    const points = o.cancelled ? -50 : 50
    await tx.execute(sql`insert into ledger_entries (shop_id, customer_id, kind, points, state, available_at, source, source_id, idempotency_key, created_at)
      values (${SHOP}, ${o.customer_id}, ${o.cancelled ? 'reverse' : 'earn'}, ${points}, 'available', now(), 'order', 'bench', ${`bench-touch:${Date.now()}:${writes}`}, now())`)
    await tx.execute(sql`update members set points_available = points_available + ${points}, updated_at = now()
      where shop_id = ${SHOP} and customer_id = ${o.customer_id}`)
  })
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
await measure('last 30 days, nothing written (again)', '/api/dashboard', runs)
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
