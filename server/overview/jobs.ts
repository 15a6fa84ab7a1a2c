// pg-boss queue 'overview.refresh': once a minute, every installed shop's overview rollup is brought up to date.
import type PgBoss from 'pg-boss'
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { refreshRollup } from './rollup.ts'

export const OVERVIEW_QUEUE = 'overview.refresh'

/** Refreshes each installed shop's rollup (the dashboard also refreshes before it reads; this keeps that work small). */
export async function refreshAllRollups (db: Db, now: Date): Promise<number> {
  const shops = await queryRows<{ shop_id: string, timezone: string }>(db, sql`select shop_id, timezone from shops where status = 'installed' order by shop_id`)
  for (const s of shops) await refreshRollup(db, s.shop_id, s.timezone, now)
  return shops.length
}

export async function registerOverviewJobs (boss: PgBoss, db: Db, clock: () => Date, opts: { pollingIntervalSeconds?: number } = {}): Promise<void> {
  await boss.createQueue(OVERVIEW_QUEUE, { name: OVERVIEW_QUEUE, retryLimit: 2, expireInSeconds: 15 * 60 })
  await boss.schedule(OVERVIEW_QUEUE, '* * * * *', {})
  await boss.work(OVERVIEW_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 10 }, async () => ({ shops: await refreshAllRollups(db, clock()) }))
}
