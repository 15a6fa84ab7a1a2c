// Planner statistics of the hot tables follow a young shop's growth (db/statistics.ts), so the webhook path's
// generic plans read by key instead of scanning the shop.
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { needsAnalyze, refreshStatistics } from '../../db/statistics.ts'
import { syncHaravanConsent } from '../../server/messaging/consent.ts'
import { build } from '../helper.ts'

t.test('needsAnalyze: never analysed past 50 rows, or grown past twice the estimate; updates alone never', async (t) => {
  fc.assert(fc.property(fc.nat(10_000_000), fc.integer({ min: -1, max: 10_000_000 }), (live, estimated) => {
    t.equal(needsAnalyze({ live, estimated }), estimated < 0 ? live > 50 : live > 2 * estimated + 50)
    t.notOk(needsAnalyze({ live: Math.max(estimated, 0), estimated: Math.max(estimated, 0) }), 'as many rows as believed')
  }))
  t.notOk(needsAnalyze({ live: 50, estimated: -1 }))
  t.ok(needsAnalyze({ live: 51, estimated: -1 }))
  t.notOk(needsAnalyze({ live: 2050, estimated: 1000 }))
  t.ok(needsAnalyze({ live: 2051, estimated: 1000 }))
})

t.test('a table that grew is analysed within seconds, then left alone until it grows again', {
  skip: process.env.DATABASE_URL ? false : 'needs real Postgres (set DATABASE_URL): PGlite keeps no table statistics',
}, async (t) => {
  const { database, shopId } = await build(t)
  const db = database.db
  await db.execute(sql`insert into customers (shop_id, id, synced_at) select ${shopId}, g, now() from generate_series(1, 3000) g`)
  const analysed = async () => (await queryRows<{ n: unknown }>(db, sql`
    select coalesce(analyze_count, 0) + coalesce(autoanalyze_count, 0) as n from pg_stat_user_tables where relname = 'customers'`))[0]?.n
  // The counters reach pg_stat_user_tables when the writing session reports them (within a second or so). The
  // app's own timer may get there first: either way the table is analysed within seconds.
  for (let i = 0; i < 60 && Number(await analysed()) === 0; i++) {
    await refreshStatistics(db)
    if (Number(await analysed()) === 0) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  t.ok(Number(await analysed()) >= 1, 'the grown table was analysed')
  const [estimate] = await queryRows<{ n: unknown }>(db, sql`select reltuples as n from pg_class where relname = 'customers'`)
  t.equal(Number(estimate?.n), 3000, 'the planner knows its size')
  t.notOk((await refreshStatistics(db)).includes('customers'), 'unchanged since: not analysed again')
})

t.test("a customer's consent sync reads that customer's consents, not the shop's, once the table is known", {
  skip: process.env.DATABASE_URL ? false : 'needs real Postgres (set DATABASE_URL): PGlite keeps no table statistics',
}, async (t) => {
  // Every customers/* delivery syncs consent (batched: a prepared statement, planned generically). Planned on a
  // consents table never analysed, its update read all of the shop's consents for each delivery.
  const { database, shopId } = await build(t)
  const db = database.db
  await db.execute(sql`insert into customers (shop_id, id, accepts_marketing, synced_at) select ${shopId}, g, g > 1, now() from generate_series(1, 3000) g`)
  await db.execute(sql`insert into message_consents (shop_id, customer_id, channel, state, source, changed_at)
    select ${shopId}, g, ch, 'consented', 'haravan', now() from generate_series(1, 3000) g, unnest(array['email', 'sms']) ch`)
  // Analysed by the app's own timer or by this call, whichever comes first (the counters take a second to arrive).
  const known = async () => Number((await queryRows<{ n: unknown }>(db, sql`select reltuples as n from pg_class where relname = 'message_consents'`))[0]?.n) > 0
  for (let i = 0; i < 60 && !await known(); i++) {
    await refreshStatistics(db)
    if (!await known()) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const read = await db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_generic_plan`)
    // Customer 1 no longer accepts marketing: their two consents go back to unknown; the others are left alone.
    for (let i = 0; i < 3; i++) await syncHaravanConsent(tx, shopId, [1, 2, 3], new Date())
    const [row] = await queryRows<{ n: unknown }>(tx, sql`
      select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as n from pg_stat_xact_user_tables where relname = 'message_consents'`)
    return Number(row?.n)
  })
  t.ok(read < 100, `rows of message_consents read for three customers, three times: ${read} (the shop holds 6,000)`)
  const states = await queryRows<{ customer_id: unknown, state: string }>(db, sql`
    select customer_id, state from message_consents where shop_id = ${shopId} and customer_id <= 2 order by customer_id, channel`)
  t.same(states.map(s => [Number(s.customer_id), s.state]), [[1, 'unknown'], [1, 'unknown'], [2, 'consented'], [2, 'consented']])
})
