// Benchmark: member list with a compound filter over N members (default 1,000,000), first page + total, through the API's code path.
// Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:segments [-- --members 1000000 --runs 30]
import { parseArgs } from 'node:util'
import { performance } from 'node:perf_hooks'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { openPostgres, queryRows } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { listPage, type ListContext, type ListFilters } from '../../server/segments/lists.ts'

const { values: args } = parseArgs({ options: { members: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '30' }, keep: { type: 'boolean', default: false } } })
const N = Number(args.members)
const RUNS = Number(args.runs)
const base = process.env.DATABASE_URL
if (!base) { console.error('DATABASE_URL is required (a Postgres server; the bench creates its own database)'); process.exit(2) }

const DB_NAME = 'tichdiem_bench_segments'
const SHOP = '1000000001'
const OTHER = '2000000002'

const admin = postgres(base, { max: 1, onnotice: () => {} })
await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
await admin.unsafe(`create database ${DB_NAME}`)
const url = new URL(base)
url.pathname = `/${DB_NAME}`
const database = await openPostgres(url.toString(), { max: 4 })
const db = database.db
await migrate(db)

// Names with and without diacritics side by side, so search_text is what the Haravan mapper would write.
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng']
const FAMILY_KEY = ['nguyen', 'tran', 'le', 'pham', 'hoang', 'huynh', 'phan', 'vu', 'vo', 'dang']
const GIVEN = ['Mai', 'Lan', 'Hùng', 'Dũng', 'Hà', 'Anh', 'Thảo', 'Tuấn', 'Linh', 'Minh', 'Hương', 'Nam', 'Trang', 'Quân', 'Ngọc', 'Bình', 'Đức']
const GIVEN_KEY = ['mai', 'lan', 'hung', 'dung', 'ha', 'anh', 'thao', 'tuan', 'linh', 'minh', 'huong', 'nam', 'trang', 'quan', 'ngoc', 'binh', 'duc']
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(',')}]`)

async function seed (shopId: string, count: number) {
  const t0 = performance.now()
  await db.execute(sql`insert into customers (shop_id, id, full_name, search_text, phone, phone_e164, email, birthday, gender, province,
      haravan_orders_count, haravan_total_spent, last_order_at)
    select ${shopId}, i,
      (${arr(FAMILY)})[1 + i % 10] || ' Văn ' || (${arr(GIVEN)})[1 + (i / 10) % 17],
      (${arr(FAMILY_KEY)})[1 + i % 10] || ' van ' || (${arr(GIVEN_KEY)})[1 + (i / 10) % 17] || ' kh' || i || ' 09' || lpad(i::text, 8, '0') || ' 849' || lpad(i::text, 8, '0'),
      '09' || lpad(i::text, 8, '0'), '+849' || lpad(i::text, 8, '0'), 'kh' || i || '@example.vn',
      date '1960-01-01' + ((i::bigint * 7919) % 16000)::int, (array['male','female','unknown'])[1 + i % 3], 'Hồ Chí Minh',
      (i * 31) % 20, ((i::bigint * 104729) % 20000) * 1000, now() - make_interval(days => ((i::bigint * 13) % 400)::int)
    from generate_series(1, ${count}) as i`)
  await db.execute(sql`insert into members (shop_id, customer_id, phone_e164, email, birthday_month, activated_at, activation_source,
      points_available, rank_points, total_spent, orders_count, last_order_at)
    select c.shop_id, c.id, c.phone_e164, c.email, extract(month from c.birthday)::smallint, now() - make_interval(days => ((c.id * 17) % 1000)::int), 'auto',
      c.haravan_total_spent / 10000, c.haravan_total_spent, c.haravan_total_spent, c.haravan_orders_count, c.last_order_at
    from customers c where c.shop_id = ${shopId}`)
  console.log(`seeded ${count.toLocaleString('en')} customers + members for shop ${shopId} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}

await seed(SHOP, N)
await seed(OTHER, Math.max(1000, Math.floor(N / 10)))
await db.execute(sql`vacuum analyze customers`)
await db.execute(sql`vacuum analyze members`)

const ctx: ListContext = { shopId: SHOP, scope: 'members', now: new Date(), timeZone: 'Asia/Ho_Chi_Minh' }
const page = { page: 1, limit: 20, sort: 'memberSince' as const, direction: 'desc' as const }
const COMPOUND = { match: 'all', conditions: [{ field: 'birthdayMonth', op: 'eq', value: 10 }, { field: 'totalSpent', op: 'gte', value: 5_000_000 }] }

async function measure (label: string, run: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await run() // warm-up (caches, prepared statements)
  const times: number[] = []
  let last: unknown
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    last = await run()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1)
  const total = (last as { total?: number }).total
  console.log(`${label.padEnd(52)} p50 ${pct(0.5).padStart(7)} ms   p95 ${pct(0.95).padStart(7)} ms   total ${total}`)
}

// The hand-written baseline: the same question asked directly, the join and filters typed by hand.
async function baseline (where: ReturnType<typeof sql>) {
  const [rows, [count]] = await Promise.all([
    queryRows(db, sql`select m.customer_id, c.full_name, m.total_spent from members m join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
      where m.shop_id = ${SHOP} and ${where} order by m.activated_at desc, m.customer_id desc limit 20`),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from members m join customers c on c.shop_id = m.shop_id and c.id = m.customer_id where m.shop_id = ${SHOP} and ${where}`),
  ])
  return { items: rows, total: count?.n }
}

const scenarios: Array<[string, ListFilters, ReturnType<typeof sql>]> = [
  ['no filter', {}, sql`true`],
  ['birthdayMonth = 10 AND totalSpent >= 5,000,000', { definition: COMPOUND }, sql`extract(month from c.birthday) = 10 and m.total_spent >= 5000000`],
  ["text search q='mai'", { q: 'mai' }, sql`c.search_text like '%mai%'`],
  ["text search q='Nguyễn Văn Mai'", { q: 'Nguyễn Văn Mai' }, sql`c.search_text like '%nguyen van mai%'`],
  ["phone q='+84 900 012 345'", { q: '+84 900 012 345' }, sql`(c.search_text like '%84900012345%' or c.phone_e164 = '+84900012345')`],
  ['filter=last_7_days', { filter: 'last_7_days' }, sql`m.last_order_at >= now() - interval '7 days'`],
]

console.log(`\n${N.toLocaleString('en')} members, first page (20) + total, ${RUNS} runs each\n`)
for (const [label, filters, where] of scenarios) {
  await measure(`API   ${label}`, () => listPage(db, ctx, filters, page))
  await measure(`SQL   ${label}`, () => baseline(where))
}

await database.close()
if (!args.keep) await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
await admin.end()
