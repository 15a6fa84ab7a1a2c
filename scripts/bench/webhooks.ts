// Benchmark: signed webhooks over HTTP against the real app (child process) on Postgres, beside a raw SQL baseline.
// Default: the app started as `npm start` starts it (dist/server/index.js, sandbox on, shop installed through the
// sandbox's OAuth, nothing seeded by SQL) receiving full-shape orders of --buyers customers who order --orders-each
// times; a third are synced by customers/create first, the others are seen only inside their orders. Round by round
// (every buyer's first order, then every buyer's second…); --grouped: each buyer's deliveries one after another.
// The raw SQL baseline runs before and after the app's load (after a warm-up of its own); the ratio is to their mean.
// The app runs at npm start's log level (BENCH_LOG_LEVEL to change it), its log in a file; the bench never analyses
// for it (BENCH_ANALYZE=1 does, after the warm-up). BENCH_APP_ENTRY: another build of the app, for before/after.
// To see where the time goes: BENCH_AUTO_EXPLAIN=<ms> (+ BENCH_AUTO_EXPLAIN_RATE), BENCH_PG_SETTINGS='a=1;b=2' (settings
// of the bench's database, e.g. log_min_duration_statement=0), BENCH_KEEP=1 (the database stays), BENCH_APP_NODE_ARGS,
// BENCH_DURING_LOAD='perf record -a -g -o /tmp/perf.data' (a command run for the load phase only, stopped by SIGINT).
// --seeded: the earlier load (members and order history seeded by SQL, production mode, one orders/paid each).
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:webhooks -- [--seeded] [--grouped] [--connections 32] [--auto-rewards]
import { execFileSync, spawn } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { closeSync, mkdtempSync, openSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { Pool } from 'undici'
import { cpuSeconds, ownCpuSeconds, postgresCpuSeconds } from './cpu.ts'

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '32' },
    customers: { type: 'string', default: '5000' },
    history: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '2000' },
    port: { type: 'string', default: '0' },
    seeded: { type: 'boolean', default: false },
    buyers: { type: 'string', default: '2000' },
    'orders-each': { type: 'string', default: '5' },
    'synced-every': { type: 'string', default: '3' },
    'auto-rewards': { type: 'boolean', default: false },
    grouped: { type: 'boolean', default: false },
  },
})
const SEEDED = args.seeded
const BUYERS = Number(args.buyers)
const ORDERS_EACH = Number(args['orders-each'])
const SYNCED_EVERY = Number(args['synced-every'])
const REQUESTS = Number(args.requests)
const CONNECTIONS = Number(args.connections)
const CUSTOMERS = Number(args.customers)
const HISTORY = Number(args.history)
const WARMUP = Number(args.warmup)
let PORT = Number(args.port)
const SHOP = '1000000001'
const SECRET = 'bench-client-secret'
const root = resolve(import.meta.dirname, '../..')

const baseUrl = process.env.DATABASE_URL
if (!baseUrl) {
  console.error('Set DATABASE_URL to a Postgres server (the benchmark creates and drops its own database).')
  process.exit(2)
}
const dbName = `tichdiem_bench_webhooks_${process.pid}`
const dbUrl = new URL(baseUrl)
dbUrl.pathname = `/${dbName}`

function orderBody (i: number): string {
  const customerId = 5_000_000 + (i % CUSTOMERS)
  const phone = `09${String(10_000_000 + (i % CUSTOMERS)).padStart(8, '0')}`
  const total = 100_000 + (i % 50) * 10_000
  return JSON.stringify({
    id: 9_000_000_000 + i,
    name: `#${100000 + i}`,
    order_number: `#${100000 + i}`,
    email: `khach${i % CUSTOMERS}@example.vn`,
    currency: 'VND',
    created_at: '2026-11-01T07:30:10.062Z',
    updated_at: '2026-11-01T07:37:04.120Z',
    customer: { id: customerId, email: `khach${i % CUSTOMERS}@example.vn`, phone, first_name: 'Lan', last_name: 'Nguyễn Thị' },
    billing_address: { phone },
    shipping_address: { phone },
    financial_status: 'paid',
    fulfillment_status: 'notfulfilled',
    cancelled_at: null,
    cancelled_status: 'uncancelled',
    gateway: 'COD',
    source_name: 'web',
    line_items: [{ id: 1, product_id: 1, variant_id: 1, title: 'Đầm babydoll', quantity: 1, price: total - 30_000 }],
    subtotal_price: total - 30_000,
    total_discounts: 0,
    total_price: total,
    shipping_lines: [{ price: 30_000, title: 'Giao hàng tiêu chuẩn' }],
    refunds: [],
    transactions: [{ id: i, kind: 'capture', amount: total }],
  })
}

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
}

async function seed (sql: postgres.Sql) {
  await sql`insert into shops (shop_id, name, status, installed_at) values (${SHOP}, 'Bench shop', 'installed', now())`
  await sql`
    insert into customers (shop_id, id, phone, phone_e164, first_name, last_name, full_name, search_text, haravan_updated_at)
    select ${SHOP}, 5000000 + g, '09' || lpad((10000000 + g)::text, 8, '0'), '+849' || lpad((10000000 + g)::text, 8, '0'),
           'Lan', 'Nguyễn Thị', 'Nguyễn Thị Lan', 'nguyen thi lan', now() - interval '1 day'
    from generate_series(0, ${CUSTOMERS - 1}) g`
  await sql`
    insert into members (shop_id, customer_id, phone_e164, activation_source, activated_at)
    select ${SHOP}, 5000000 + g, '+849' || lpad((10000000 + g)::text, 8, '0'), 'manual', now() - interval '1 day'
    from generate_series(0, ${CUSTOMERS - 1}) g`
  // A live shop has its order history: HISTORY earlier orders per member (without them the orders table starts
  // empty and the planner, rightly for a table that small, scans it).
  await sql`
    insert into orders (shop_id, id, name, customer_id, phone_e164, total_price, subtotal_price, shipping_price, financial_status,
      fulfillment_status, haravan_created_at, haravan_updated_at)
    select ${SHOP}, 8000000000 + g, '#' || (1000 + g), 5000000 + g % ${CUSTOMERS}, '+849' || lpad((10000000 + g % ${CUSTOMERS})::text, 8, '0'),
      250000, 220000, 30000, 'paid', 'fulfilled', now() - interval '30 days' + g * interval '1 second', now() - interval '20 days'
    from generate_series(0, ${CUSTOMERS * HISTORY - 1}) g`
}

/** CPU seconds used so far by the app, by every Postgres process, and by this load generator. */
function cpuSample (appPid: number) {
  return { app: cpuSeconds(appPid), pg: postgresCpuSeconds(), bench: ownCpuSeconds() }
}

/** BENCH_DURING_LOAD: a command run for exactly the load phase (a profiler: `perf record -a -o …`); the returned function stops it (SIGINT) and waits. */
function duringLoad (): () => Promise<void> {
  const command = process.env.BENCH_DURING_LOAD
  if (!command) return async () => {}
  const child = spawn('bash', ['-c', `exec ${command}`], { stdio: 'inherit' })
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  return async () => { child.kill('SIGINT'); await exited }
}

async function waitHealthy (url: string) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try { if ((await fetch(url)).ok) return } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error('the app did not become healthy')
}

interface Delivery { topic: string, body: string }

/**
 * Sends the deliveries over CONNECTIONS connections, each waiting for its answer before the next. `firstRound`: how
 * many of the first deliveries to report apart (their p50 and p99 as `first`, the others' as `rest`).
 */
async function load (pool: Pool, input: (string | Delivery)[], secret = SECRET, firstRound = 0) {
  const deliveries = input.map(d => (typeof d === 'string' ? { topic: 'orders/paid', body: d } : d))
  const bodies = deliveries.map(d => d.body)
  const latencies: number[] = new Array(bodies.length)
  let next = 0
  let failures = 0
  // Haravan signs on its side: signatures are computed before the clock starts.
  const signatures = bodies.map(body => createHmac('sha256', secret).update(body).digest('base64'))
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= bodies.length) return
      const body = bodies[i]!
      const started = performance.now()
      const res = await pool.request({
        path: '/webhooks/haravan',
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-haravan-hmacsha256': signatures[i]!,
          'x-haravan-topic': deliveries[i]!.topic,
          'x-haravan-org-id': SHOP,
        },
        body,
      })
      await res.body.dump()
      latencies[i] = performance.now() - started
      if (res.statusCode !== 200) failures++
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  const seconds = (performance.now() - t0) / 1000
  const spread = (part: number[]) => {
    part.sort((a, b) => a - b)
    return { p50: percentile(part, 0.5), p99: percentile(part, 0.99) }
  }
  const [first, rest] = [spread(latencies.slice(0, firstRound)), spread(latencies.slice(firstRound))]
  return { seconds, rate: bodies.length / seconds, ...spread(latencies), failures, first, rest }
}

/**
 * Baseline: the same rows written by plain SQL (inbox insert + order upsert + one ledger entry + balance update per
 * delivery); the inbox payload column has the app's type (json). Its tables are its own, made and dropped by each call.
 */
async function baseline (sql: postgres.Sql, count: number, twoStatements = false) {
  await sql`create table bench_inbox (shop_id text, id bigserial, topic text, body_hash text, payload json, primary key (shop_id, id), unique (shop_id, topic, body_hash))`
  await sql`create table bench_orders (shop_id text, id bigint, total bigint, primary key (shop_id, id))`
  await sql`create table bench_ledger (shop_id text, id bigserial, customer_id bigint, points bigint, key text, primary key (shop_id, id), unique (shop_id, key))`
  await sql`create table bench_members (shop_id text, customer_id bigint, points bigint default 0, primary key (shop_id, customer_id))`
  await sql`insert into bench_members select ${SHOP}, 5000000 + g from generate_series(0, ${CUSTOMERS - 1}) g`
  const latencies: number[] = []
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    for (;;) {
      const i = next++
      if (i >= count) return
      const started = performance.now()
      const body = orderBody(i)
      const customerId = 5_000_000 + (i % CUSTOMERS)
      await sql.begin(async (tx) => {
        await tx`insert into bench_inbox (shop_id, topic, body_hash, payload) values (${SHOP}, 'orders/paid', md5(${body}), ${body}::json) on conflict do nothing`
        await tx`insert into bench_orders values (${SHOP}, ${9_000_000_000 + i}, 1000000) on conflict (shop_id, id) do update set total = excluded.total`
        if (twoStatements) return
        await tx`insert into bench_ledger (shop_id, customer_id, points, key) values (${SHOP}, ${customerId}, 100, ${'o' + i}) on conflict do nothing`
        await tx`update bench_members set points = points + 100 where shop_id = ${SHOP} and customer_id = ${customerId}`
      })
      latencies.push(performance.now() - started)
    }
  }))
  const seconds = (performance.now() - t0) / 1000
  await sql`drop table bench_inbox, bench_orders, bench_ledger, bench_members`
  latencies.sort((a, b) => a - b)
  return { seconds, rate: count / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
}

/**
 * Settings of the bench's database that show where the time goes (never what the figures are taken with).
 * BENCH_AUTO_EXPLAIN=<ms>: Postgres logs the plans (with timings) of the statements slower than that, a sample of 5 %
 * of them (BENCH_AUTO_EXPLAIN_RATE=1: all of them).
 */
async function diagnosticSettings (admin: postgres.Sql) {
  // BENCH_PG_SETTINGS='log_min_duration_statement=0;synchronous_commit=off': any others.
  for (const setting of (process.env.BENCH_PG_SETTINGS ?? '').split(';').filter(Boolean)) {
    const [name, value] = setting.split('=') as [string, string]
    await admin.unsafe(`alter database ${dbName} set ${name.trim()} = '${value.trim()}'`)
  }
  if (!process.env.BENCH_AUTO_EXPLAIN) return
  for (const setting of ["session_preload_libraries = 'auto_explain'", `auto_explain.log_min_duration = ${Number(process.env.BENCH_AUTO_EXPLAIN)}`,
    'auto_explain.log_analyze = on', `auto_explain.sample_rate = ${Number(process.env.BENCH_AUTO_EXPLAIN_RATE ?? 0.05)}`]) await admin.unsafe(`alter database ${dbName} set ${setting}`)
}

/** A port nobody listens on now (a stale app on a fixed port would answer /healthz for us). */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function main () {
  if (PORT === 0) PORT = await freePort()
  if (!SEEDED) return realTraffic()
  const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${dbName}`)
  await diagnosticSettings(admin)
  const sql = postgres(dbUrl.toString(), { max: CONNECTIONS, onnotice: () => {} })
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(PORT),
    DATABASE_URL: dbUrl.toString(),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tich-diem-bench-')),
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef012345',
    ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    HARAVAN_CLIENT_ID: 'bench',
    HARAVAN_CLIENT_SECRET: SECRET,
    HARAVAN_WEBHOOK_VERIFY_TOKEN: 'bench',
    // Nothing calls Haravan during the benchmark; these only have to be valid URLs.
    HARAVAN_ACCOUNTS_URL: 'http://127.0.0.1:9',
    HARAVAN_API_URL: 'http://127.0.0.1:9',
    HARAVAN_WEBHOOK_API_URL: 'http://127.0.0.1:9',
  }
  // BENCH_APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the app process.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const app = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'server/index.ts')], { env, stdio: ['ignore', 'inherit', 'inherit'] })
  try {
    await waitHealthy(`http://127.0.0.1:${PORT}/healthz`)
    await seed(sql)
    const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: CONNECTIONS, pipelining: 1 })
    // Until the JIT has compiled the hot path and Postgres has the new pages cached: with 500, runs of 5,000 measured
    // ~25 % below runs of 20,000; with 3,000, ~15 %.
    const warmup = Array.from({ length: WARMUP }, (_, i) => orderBody(REQUESTS + i))
    await load(pool, warmup)
    // A live shop's tables have planner statistics (autovacuum); freshly seeded ones do not until it gets to them.
    if (process.env.BENCH_ANALYZE) await sql`analyze`
    const bodies = Array.from({ length: REQUESTS }, (_, i) => orderBody(i))
    const commits = async () => Number((await sql`select xact_commit from pg_stat_database where datname = current_database()`)[0]!.xact_commit)
    const commitsBefore = await commits()
    const cpuBefore = cpuSample(app.pid!)
    const during = duringLoad()
    const result = await load(pool, bodies)
    const cpuAfter = cpuSample(app.pid!)
    await during()
    const transactions = await commits() - commitsBefore
    // Postgres backends that ended during the run take their CPU with them; the figure is a lower bound.
    const cpu = (k: 'app' | 'pg' | 'bench') => `${k} ${(cpuAfter[k] - cpuBefore[k]).toFixed(1)} s (${((cpuAfter[k] - cpuBefore[k]) / result.seconds * 100).toFixed(0)} %)`
    await pool.close()
    const [ledger] = await sql`select count(*)::int n from ledger_entries where shop_id = ${SHOP}`
    const base = await baseline(sql, REQUESTS)
    console.log(`\nsigned orders/paid webhooks, ${REQUESTS} requests, ${CONNECTIONS} connections, ${CUSTOMERS} members with ${HISTORY} earlier orders each`)
    console.log(`app:      ${result.rate.toFixed(0)} req/s sustained over ${result.seconds.toFixed(1)} s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, non-200: ${result.failures}, ledger entries: ${ledger!.n}`)
    console.log(`transactions committed during the app run: ${transactions} (${(REQUESTS / transactions).toFixed(1)} deliveries each)`)
    console.log(`cpu during the app run: ${cpu('app')}, ${cpu('pg')}, ${cpu('bench')} (% of one core; the machine has 2)`)
    console.log(`baseline: ${base.rate.toFixed(0)} tx/s (raw SQL, same rows), p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms`)
  } finally {
    app.kill('SIGTERM')
    await new Promise((resolve) => app.once('exit', resolve))
    await sql.end()
    await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  }
}

// ---------- the default: real traffic against the app as `npm start` runs it ----------

const SANDBOX_SHOP = '1000000001'
const SANDBOX_SECRET = 'sandbox-secret-not-for-production'

function buyer (b: number) {
  const id = 7_000_000 + b
  const phone = `09${String(20_000_000 + b).padStart(8, '0')}`
  return { id, phone, email: `mua${b}@example.vn`, first_name: 'Lan', last_name: `Nguyễn Thị ${b % 97}` }
}

function address (phone: string) {
  return { address1: '12 Lý Thường Kiệt', phone, province: 'Hồ Chí Minh', province_code: 'HC', district: 'Quận 11', ward: 'Phường 15', country: 'Vietnam', name: 'Nguyễn Thị Lan' }
}

function customerCreateBody (b: number): string {
  const c = buyer(b)
  return JSON.stringify({
    ...c,
    accepts_marketing: true,
    orders_count: 0,
    total_spent: 0,
    tags: 'web',
    birthday: '1992-10-14T00:00:00Z',
    gender: 0,
    state: 'enabled',
    addresses: [{ ...address(c.phone), default: true }],
    default_address: { ...address(c.phone), default: true },
    created_at: '2026-11-01T07:00:00.000Z',
    updated_at: '2026-11-01T07:00:00.000Z',
  })
}

/** Haravan's full order shape: customer object, addresses, line items, transactions, shipping lines. */
function fullOrderBody (b: number, k: number): string {
  const c = buyer(b)
  const id = 9_500_000_000 + b * 100 + k
  const items = Array.from({ length: 1 + (b + k) % 4 }, (_, j) => ({
    id: id * 10 + j,
    product_id: 1_028_183_659 + j,
    variant_id: 1_061_514_693 + j,
    title: `Sản phẩm ${j + 1}`,
    quantity: 1 + j % 2,
    price: 150_000 + j * 50_000,
    total_discount: 0,
    sku: `SP-${j}`,
    vendor: 'Tích Điểm',
    grams: 300,
    requires_shipping: true,
    taxable: false,
  }))
  const subtotal = items.reduce((s, it) => s + it.price * it.quantity, 0)
  const shipping = 30_000
  const total = subtotal + shipping
  const at = new Date(Date.UTC(2026, 10, 2, 8, 0, 0) + (b * 10 + k) * 1000).toISOString()
  return JSON.stringify({
    id,
    name: `#${200000 + b * 10 + k}`,
    number: id,
    order_number: `#${200000 + b * 10 + k}`,
    email: c.email,
    contact_email: c.email,
    currency: 'VND',
    created_at: at,
    updated_at: at,
    note: 'Giao giờ hành chính',
    tags: '',
    customer: { ...c, orders_count: k + 1, total_spent: total * (k + 1), tags: 'web', birthday: '1992-10-14T00:00:00Z', gender: 0, default_address: address(c.phone) },
    billing_address: address(c.phone),
    shipping_address: address(c.phone),
    financial_status: 'paid',
    fulfillment_status: 'notfulfilled',
    cancel_reason: null,
    cancelled_at: null,
    cancelled_status: 'uncancelled',
    confirmed_status: 'confirmed',
    closed_status: 'unclosed',
    gateway: 'COD',
    source_name: 'web',
    location_id: 963414,
    line_items: items,
    subtotal_price: subtotal,
    total_discounts: 0,
    total_price: total,
    total_tax: 0,
    total_weight: 300 * items.length,
    shipping_lines: [{ code: 'standard', price: shipping, source: 'haravan', title: 'Giao hàng tiêu chuẩn' }],
    discount_codes: [],
    refunds: [],
    transactions: [{ id: id * 10, kind: 'capture', amount: total, status: 'success', gateway: 'COD', created_at: at }],
  })
}

/** Buyers [from, from + count): every SYNCED_EVERY-th synced by customers/create before its first order; orders round-robin. */
function traffic (from: number, count: number, each: number): Delivery[] {
  const out: Delivery[] = []
  if (args.grouped) {
    // Each buyer's deliveries one after another: the 32 connections then carry several orders of one buyer at once.
    for (let b = from; b < from + count; b++) {
      if (SYNCED_EVERY > 0 && b % SYNCED_EVERY === 0) out.push({ topic: 'customers/create', body: customerCreateBody(b) })
      for (let k = 0; k < each; k++) out.push({ topic: 'orders/paid', body: fullOrderBody(b, k) })
    }
    return out
  }
  for (let k = 0; k < each; k++) {
    for (let b = from; b < from + count; b++) {
      if (k === 0 && SYNCED_EVERY > 0 && b % SYNCED_EVERY === 0) out.push({ topic: 'customers/create', body: customerCreateBody(b) })
      out.push({ topic: 'orders/paid', body: fullOrderBody(b, k) })
    }
  }
  return out
}

async function waitFor (what: string, check: () => Promise<boolean>, seconds = 180) {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    try { if (await check()) return } catch {}
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function realTraffic () {
  execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' })
  const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${dbName}`)
  await diagnosticSettings(admin)
  const sql = postgres(dbUrl.toString(), { max: CONNECTIONS, onnotice: () => {} })
  // As `npm start` with DATABASE_URL set and no Haravan credentials: sandbox on, demo shop installed through OAuth.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(PORT),
    APP_URL: `http://127.0.0.1:${PORT}`,
    DATABASE_URL: dbUrl.toString(),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'tich-diem-bench-')),
    // The log level npm start has (info) unless BENCH_LOG_LEVEL says otherwise; the log goes to a file, as in production.
    ...(process.env.BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.BENCH_LOG_LEVEL } : {}),
    ...(process.env.WEBHOOK_BATCHES_IN_FLIGHT ? { WEBHOOK_BATCHES_IN_FLIGHT: process.env.WEBHOOK_BATCHES_IN_FLIGHT } : {}),
  }
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const logFile = join(env.DATA_DIR!, 'app.log')
  const logFd = openSync(logFile, 'a')
  const app = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', process.env.BENCH_APP_ENTRY ?? join(root, 'dist/server/index.js')], { env, stdio: ['ignore', logFd, 'inherit'] })
  closeSync(logFd)
  console.log(`app log: ${logFile}`)
  try {
    await waitHealthy(`http://127.0.0.1:${PORT}/healthz`)
    await waitFor('the sandbox install', async () => (await sql`select 1 from shops where shop_id = ${SANDBOX_SHOP} and status = 'installed'`).length > 0)
    // The install's backfill (demo customers and orders) runs as jobs; the load starts once it is done.
    await waitFor('the backfill', async () => Number((await sql`select count(*)::int n from orders where shop_id = ${SANDBOX_SHOP}`)[0]!.n) >= 900)
    // --auto-rewards: the shop gives a reward on registration, first purchase and every tier upgrade (Ưu đãi tự động),
    // as Cấu hình → Ưu đãi saves them.
    if (args['auto-rewards']) {
      await sql`insert into auto_rewards (shop_id, trigger, enabled, discount_type, value, valid_days)
        select ${SANDBOX_SHOP}, t, true, 'percentage', 10, 30 from unnest(array['registration', 'first_purchase', 'tier_upgrade']) t`
    }
    const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: CONNECTIONS, pipelining: 1 })
    const warmBuyers = Math.max(1, Math.floor(WARMUP / ORDERS_EACH))
    await load(pool, traffic(BUYERS, warmBuyers, ORDERS_EACH), SANDBOX_SECRET)
    if (process.env.BENCH_ANALYZE) await sql`analyze`
    const deliveries = traffic(0, BUYERS, ORDERS_EACH)
    // The yardstick: a raw two-statement transaction per delivery (inbox insert + order upsert), run before and
    // after the app's load. This host's speed drifts within a minute; the ratio is taken to the mean of the two.
    await baseline(sql, WARMUP, true) // its own warm-up: the bench's client and the backends' caches
    const baseBefore = await baseline(sql, deliveries.length, true)
    const commits = async () => Number((await sql`select xact_commit from pg_stat_database where datname = current_database()`)[0]!.xact_commit)
    const commitsBefore = await commits()
    const cpuBefore = cpuSample(app.pid!)
    const during = duringLoad()
    // Round by round (the default), the first round is every buyer's first order and the customers/create of a third
    // of them: each delivery there also creates a customer and a member. Its latency is reported apart.
    const firstRound = args.grouped || ORDERS_EACH < 2 ? 0 : BUYERS + (SYNCED_EVERY > 0 ? Math.ceil(BUYERS / SYNCED_EVERY) : 0)
    const result = await load(pool, deliveries, SANDBOX_SECRET, firstRound)
    const cpuAfter = cpuSample(app.pid!)
    await during()
    const transactions = await commits() - commitsBefore
    const cpu = (k: 'app' | 'pg' | 'bench') => `${k} ${(cpuAfter[k] - cpuBefore[k]).toFixed(1)} s (${((cpuAfter[k] - cpuBefore[k]) / result.seconds * 100).toFixed(0)} %)`
    await pool.close()
    const [members] = await sql`select count(*)::int n, count(*) filter (where points_available + points_pending > 0)::int earning from members where shop_id = ${SANDBOX_SHOP} and customer_id between 7000000 and ${7_000_000 + BUYERS - 1}`
    const [ledger] = await sql`select count(*)::int n from ledger_entries where shop_id = ${SANDBOX_SHOP} and source = 'order' and source_id::bigint >= 9500000000 and source_id::bigint < ${9_500_000_000 + BUYERS * 100}`
    const baseAfter = await baseline(sql, deliveries.length, true)
    const baseRate = (baseBefore.rate + baseAfter.rate) / 2
    console.log(`\nreal traffic: ${deliveries.length} signed deliveries (${BUYERS} buyers × ${ORDERS_EACH} full-shape orders/paid, customers/create for a third first), ${CONNECTIONS} connections, app as npm start (sandbox, DATABASE_URL)`)
    console.log(`app:      ${result.rate.toFixed(0)} deliveries/s sustained over ${result.seconds.toFixed(1)} s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, non-200: ${result.failures}`)
    if (firstRound > 0) {
      console.log(`          first round (${firstRound} deliveries: new buyers, customers/create) p50 ${result.first.p50.toFixed(1)} ms, p99 ${result.first.p99.toFixed(1)} ms; ` +
        `later rounds p50 ${result.rest.p50.toFixed(1)} ms, p99 ${result.rest.p99.toFixed(1)} ms`)
    }
    console.log(`buyers who are members: ${members!.n} (${members!.earning} with points), order ledger entries: ${ledger!.n}`)
    if (args['auto-rewards']) {
      const [queued] = await sql`select count(*)::int n from rewards where shop_id = ${SANDBOX_SHOP} and customer_id between 7000000 and ${7_000_000 + BUYERS - 1}`
      console.log(`automatic rewards queued for them: ${queued!.n}`)
    }
    console.log(`transactions committed during the app run: ${transactions} (${(deliveries.length / transactions).toFixed(1)} deliveries each)`)
    console.log(`cpu during the app run: ${cpu('app')}, ${cpu('pg')}, ${cpu('bench')} (% of one core; the machine has 2)`)
    for (const [when, base] of [['before', baseBefore], ['after', baseAfter]] as const) {
      console.log(`baseline ${when}: ${base.rate.toFixed(0)} tx/s (raw SQL, two-statement-per-row transactions), p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms`)
    }
    console.log(`ratio app/baseline: ${(result.rate / baseRate).toFixed(2)} (to the mean of the two; ${(result.rate / Math.max(baseBefore.rate, baseAfter.rate)).toFixed(2)} to the faster)`)
  } finally {
    app.kill('SIGTERM')
    await new Promise((resolve) => app.once('exit', resolve))
    await sql.end()
    // BENCH_KEEP=1 leaves the database behind (its name is printed), to look at what the run wrote.
    if (process.env.BENCH_KEEP) console.log(`kept database ${dbName}`)
    else await admin.unsafe(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
