// Seeds one large shop for bench:dashboard with set-based SQL: ~2 years of members, orders and ledger entries, growing over time.
import { performance } from 'node:perf_hooks'
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'

export interface SeedSize { members: number, orders: number, entries: number }

const DAYS = 730
const CHUNK = 1_000_000
// A time in the last two years, denser towards today (a shop that grew steadily): density ∝ age from the start.
const grownAt = (u: SQL) => sql`now() - make_interval(secs => ${DAYS * 86_400}::float8 * (1 - sqrt(${u})))`

async function timed (label: string, run: () => Promise<unknown>) {
  const t0 = performance.now()
  await run()
  console.log(`  ${label.padEnd(44)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`)
}

/** Secondary indexes are dropped while loading and rebuilt afterwards (sorted builds, far faster than row by row). */
async function withoutIndexes (db: Db, table: string, load: () => Promise<void>) {
  const defs = await queryRows<{ name: string, def: string }>(db, sql`select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = 'public' and i.tablename = ${table}
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.contype = 'p')`)
  for (const d of defs) await db.execute(sql.raw(`drop index ${d.name}`))
  await load()
  await timed(`${table}: ${defs.length} indexes rebuilt`, async () => { for (const d of defs) await db.execute(sql.raw(d.def)) })
}

async function chunks (total: number, label: string, insert: (from: number, to: number) => SQL, db: Db) {
  await timed(`${label}: ${total.toLocaleString('en')} rows`, async () => {
    for (let from = 1; from <= total; from += CHUNK) await db.execute(insert(from, Math.min(total, from + CHUNK - 1)))
  })
}

export async function seedShop (db: Db, shopId: string, size: SeedSize) {
  const customers = Math.round(size.members * 1.25) // a fifth of the shop's customers never joined
  console.log(`seeding shop ${shopId}: ${size.members.toLocaleString('en')} members, ${size.orders.toLocaleString('en')} orders, ${size.entries.toLocaleString('en')} ledger entries`)
  await db.execute(sql`set maintenance_work_mem = '512MB'`)
  await db.execute(sql`set synchronous_commit = off`)
  await db.execute(sql`select setseed(0.42)`)
  await db.execute(sql`insert into shops (shop_id, name, status, installed_at, timezone) values (${shopId}, 'Bench shop', 'installed', now(), 'Asia/Ho_Chi_Minh')`)
  await db.execute(sql`insert into imports (shop_id, id, kind, status, total_rows, done_rows, created_at, confirmed_at, finished_at)
    values (${shopId}, '00000000-0000-4000-8000-00000000beef', 'opening_balance', 'done', ${Math.floor(size.members * 0.3)}, ${Math.floor(size.members * 0.3)},
      now() - interval '700 days', now() - interval '700 days', now() - interval '700 days')`)

  await withoutIndexes(db, 'customers', () => chunks(customers, 'customers', (a, b) => sql`
    insert into customers (shop_id, id, full_name, search_text, phone, phone_e164, haravan_created_at)
    select ${shopId}, i, 'Khách ' || i, 'khach ' || i, '09' || lpad(i::text, 8, '0'), '+849' || lpad(i::text, 8, '0'), ${grownAt(sql`random()`)}
    from generate_series(${a}::bigint, ${b}::bigint) i`, db))

  // Members are customers 1..members. 30 % came with the opening import (700 days ago), the rest joined over two years.
  await withoutIndexes(db, 'members', () => chunks(size.members, 'members', (a, b) => sql`
    insert into members (shop_id, customer_id, phone_e164, activated_at, activation_source, tier_id, points_available, points_pending,
      points_used, rank_points, spend_baseline, opening_import_id, total_spent, orders_count, last_order_at, last_activity_at)
    select ${shopId}, i, '+849' || lpad(i::text, 8, '0'),
      case when imported then now() - interval '700 days' else ${grownAt(sql`random()`)} end,
      case when imported then 'import' else 'auto' end,
      case when t < 0.60 then 'member' when t < 0.85 then 'silver' when t < 0.97 then 'gold' else 'diamond' end,
      (random() * 5000)::int, case when random() < 0.1 then (random() * 200)::int else 0 end, (random() * 2000)::int,
      (t * 20000000)::bigint, case when imported then (random() * 5000000)::bigint else 0 end,
      case when imported then '00000000-0000-4000-8000-00000000beef'::uuid end,
      (t * 20000000)::bigint, (random() * 20)::int, now() - make_interval(secs => 86400 * 400 * power(random(), 2)), now()
    from (select i, random() < 0.3 as imported, random() as t from generate_series(${a}::bigint, ${b}::bigint) i) s`, db))

  // 70 % of orders by members, 18 % by customers who are not, 12 % guests; 85 % paid, 5 % partly refunded, 4 % refunded, 4 % cancelled, 2 % pending.
  await withoutIndexes(db, 'orders', () => chunks(size.orders, 'orders', (a, b) => sql`
    insert into orders (shop_id, id, name, customer_id, phone_e164, total_price, subtotal_price, refunded_amount, financial_status,
      cancelled_at, source_name, haravan_created_at, haravan_updated_at, synced_at)
    select ${shopId}, i, '#' || i, cust, case when cust is null and random() < 0.5 then '+8491' || lpad((i % 10000000)::text, 7, '0') end,
      price, price,
      case when st < 0.85 then 0 when st < 0.90 then price / 5 when st < 0.94 then price else 0 end,
      case when st < 0.85 then 'paid' when st < 0.90 then 'partially_refunded' when st < 0.94 then 'refunded' when st < 0.98 then 'paid' else 'pending' end,
      case when st >= 0.94 and st < 0.98 then at + interval '1 hour' end, 'web', at, at + interval '2 hours', at + interval '2 hours'
    from (select i, ${grownAt(sql`random()`)} as at, random() as st, (100 + floor(power(random(), 3) * 4900)::bigint) * 1000 as price,
        case when w < 0.70 then 1 + floor(random() * ${size.members})::bigint
             when w < 0.88 then ${size.members + 1} + floor(random() * ${customers - size.members})::bigint end as cust
      from (select i, random() as w from generate_series(${a}::bigint, ${b}::bigint) i) g) s`, db))

  // Ledger kinds as a running shop writes them: mostly earnings, then releases, redemptions, reversals, expiries, adjustments.
  await withoutIndexes(db, 'ledger_entries', () => chunks(size.entries, 'ledger entries', (a, b) => sql`
    insert into ledger_entries (shop_id, customer_id, kind, points, rank_points, state, available_at, source, source_id, idempotency_key, created_at)
    select ${shopId}, 1 + floor(random() * ${size.members})::bigint, kind,
      case kind when 'earn' then 10 + (random() * 490)::int when 'release' then 10 + (random() * 200)::int
        when 'redeem' then -(100 + (random() * 900)::int) when 'reverse' then -(10 + (random() * 190)::int)
        when 'expire' then -(10 + (random() * 290)::int) when 'opening' then 100 + (random() * 1900)::int else (random() * 400)::int - 200 end,
      case kind when 'earn' then (random() * 5000000)::int else 0 end,
      'available', at, case kind when 'earn' then 'order' when 'reverse' then 'order' when 'redeem' then 'reward' when 'opening' then 'import'
        when 'adjust' then 'adjustment' else 'system' end,
      i::text, 'bench:' || i, at
    from (select i, ${grownAt(sql`random()`)} as at,
        case when k < 0.55 then 'earn' when k < 0.75 then 'release' when k < 0.85 then 'redeem' when k < 0.90 then 'reverse'
          when k < 0.95 then 'expire' when k < 0.98 then 'adjust' else 'opening' end as kind
      from (select i, random() as k from generate_series(${a}::bigint, ${b}::bigint) i) g) s`, db))

  await db.execute(sql`insert into reward_options (shop_id, name, points_cost, discount_type, value) values
    (${shopId}, 'Giảm 50.000đ', 100, 'fixed_amount', 50000), (${shopId}, 'Giảm 10%', 300, 'percentage', 10)`)
  await timed('vacuum analyze', async () => {
    for (const table of ['customers', 'members', 'orders', 'ledger_entries']) await db.execute(sql.raw(`vacuum analyze ${table}`))
  })
}
