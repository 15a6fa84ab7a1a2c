// Every background queue of the app, registered once the app is ready (when it was given a started pg-boss).
import type { FastifyInstance } from 'fastify'
import { haravanClientFor } from '../haravan/tokens.ts'
import { registerSyncJobs, resumeBackfills } from './sync.ts'

export interface JobOptions {
  /** Faster polling for tests. */
  pollingIntervalSeconds?: number
}

export async function registerJobs (app: FastifyInstance, opts: JobOptions = {}): Promise<void> {
  const boss = app.boss
  if (!boss) return
  const client = haravanClientFor({ db: app.db, config: app.config, clock: app.clock, logger: app.log })
  await registerSyncJobs(boss, {
    database: app.database,
    client,
    clock: app.clock,
    log: app.log,
    pollingIntervalSeconds: opts.pollingIntervalSeconds,
  })
  const resumed = await resumeBackfills(boss, app.database)
  if (resumed.length > 0) app.log.info({ shops: resumed }, 'resuming interrupted Haravan backfills')
}
