// Planner statistics of the hot tables kept fresh while they grow fast (Postgres only).
/*
 * Why: the webhook batch's statements are prepared and planned generically, once per connection (webhooks/batch.ts,
 * pipelinedTransaction). Planned while a table is young and not yet analysed, `shop_id = $1` is guessed at a couple
 * of rows, so reading a shop's few orders by id or members by customer id became a scan of every row of the shop;
 * the plan then stayed while the table grew fiftyfold. Measured on a fresh install taking real traffic: 444–777
 * deliveries/s against ~1,700 with statistics (docs/BENCHMARKS.md). Autovacuum analyses a table once a tenth of it
 * changed, but looks only once a minute (autovacuum_naptime), a whole new shop's traffic too late.
 *
 * So every second the app compares each hot table's live rows (pg_stat_user_tables) with what the planner
 * believes (pg_class.reltuples) and analyses the ones never analysed or grown past twice that (ANALYZE samples: a few
 * ms on tables of this size, and it does not block writes). Not autovacuum's rule (a tenth changed): the members
 * table changes with every delivery without growing, and each analysis makes every connection plan its statements
 * again. Growth by doubling is a handful of analyses however large a shop grows; autovacuum keeps the rest current.
 * Several instances may look at once; an advisory lock keeps the analysing to one.
 */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from './client.ts'

/**
 * The tables the webhook path reads by key. message_consents: a customers/* delivery's consent sync updates a
 * customer's rows; planned blind, that update read every consent of the shop (1,934 rows for five customers, 1.1–1.7
 * ms a batch on the bench, growing with the shop).
 */
export const HOT_TABLES = ['orders', 'members', 'customers', 'ledger_entries', 'message_consents'] as const

/** Never analysed (estimated < 0) and past 50 rows, or grown past twice the planner's estimate (+ 50 rows). */
export function needsAnalyze (t: { live: number, estimated: number }): boolean {
  return t.estimated < 0 ? t.live > 50 : t.live > 2 * t.estimated + 50
}

/**
 * Analyses the hot tables that need it (needsAnalyze); returns their names. Skips when another instance holds the
 * lock. Safe to call at any time.
 */
export async function refreshStatistics (db: Db, tables: readonly string[] = HOT_TABLES): Promise<string[]> {
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('tich-diem:analyze')) as ok`)
    if (!lock?.ok) return []
    const rows = await queryRows<{ relname: string, live: unknown, estimated: unknown }>(tx, sql`
      select s.relname, s.n_live_tup as live, c.reltuples as estimated
      from pg_stat_user_tables s join pg_class c on c.oid = s.relid
      where s.schemaname = current_schema() and s.relname = any(${`{${tables.join(',')}}`}::text[])`)
    const stale = rows.filter(r => needsAnalyze({ live: Number(r.live), estimated: Number(r.estimated) })).map(r => r.relname).sort()
    // The names come from the fixed list above (as the catalogue spells them), never from input.
    if (stale.length > 0) await tx.execute(sql.raw(`analyze ${stale.map(n => `"${n}"`).join(', ')}`))
    return stale
  })
}

/**
 * Runs refreshStatistics every `seconds` until stopped; a failure is logged and tried again at the next tick.
 * Every second: the check is one catalogue read, and until it analyses, a new install's first deliveries run on plans
 * made blind (with 5 s, a burst right after the install's backfill ran ~5 s on orders scanned by shop, 4–30 ms a
 * posting instead of ~1.5, auto_explain in docs/BENCHMARKS.md).
 */
export function keepStatisticsFresh (db: Db, log: { warn: (obj: object, msg: string) => void }, seconds = 1): { stop: () => Promise<void> } {
  let running: Promise<unknown> | undefined
  const timer = setInterval(() => {
    if (running) return
    running = refreshStatistics(db)
      .catch((err: unknown) => { log.warn({ error: (err as Error).message }, 'refreshing planner statistics failed') })
      .finally(() => { running = undefined })
  }, seconds * 1000).unref()
  return {
    async stop () {
      clearInterval(timer)
      await running
    },
  }
}
