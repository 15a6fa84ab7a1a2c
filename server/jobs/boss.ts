// Durable jobs with pg-boss on either database: postgres connects itself, PGlite goes through the `db` adapter.
import PgBoss from 'pg-boss'
import type { Database } from '../../db/client.ts'

export interface BossOptions {
  /** How often idle workers poll; lower in tests. */
  pollingIntervalSeconds?: number
  /** Run maintenance and cron (schedules). One instance per database is enough but several are safe. */
  schedule?: boolean
  onError?: (err: Error) => void
}

export async function startBoss (database: Database, opts: BossOptions = {}): Promise<PgBoss> {
  const common = {
    schema: 'pgboss',
    schedule: opts.schedule ?? true,
    supervise: true,
    migrate: true,
  }
  const boss = database.kind === 'postgres'
    ? new PgBoss({ ...common, connectionString: database.url!, max: 4, application_name: 'tich-diem-jobs' })
    : new PgBoss({ ...common, db: database.executor })
  // pg-boss reports background errors (maintenance, polling) as events; unhandled they would crash the process.
  boss.on('error', opts.onError ?? ((err) => console.error('[pg-boss]', err)))
  await boss.start()
  return boss
}

/** Stops fetching, waits up to timeoutMs for running jobs; unfinished ones stay active and are retried after expiry. */
export async function stopBoss (boss: PgBoss, timeoutMs = 20_000): Promise<void> {
  await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true })
}
