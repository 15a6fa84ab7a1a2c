// Planner statistics of the hot tables follow a young shop's growth (db/statistics.ts), so the webhook path's
// generic plans read by key instead of scanning the shop.
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { needsAnalyze, refreshStatistics } from '../../db/statistics.ts'
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
