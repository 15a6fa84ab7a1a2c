// The app's background queues, registered once the app is ready (when it was given a started pg-boss):
// Haravan sync, loyalty maturing/expiry/tiers, automatic rewards, the overview rollup; imports: server/imports/jobs.ts; the webhook inbox retry: webhooks/plugin.ts.
import type { FastifyInstance } from 'fastify'
import { registerLoyaltyJobs } from '../loyalty/jobs.ts'
import { registerRewardJobs } from '../loyalty/rewards-jobs.ts'
import { registerOverviewJobs } from '../overview/jobs.ts'
import { registerSyncJobs, resumeBackfills } from './sync.ts'
import { registerCampaignJobs } from '../campaigns/jobs.ts'

export interface JobOptions {
  /** Faster polling for tests. */
  pollingIntervalSeconds?: number
}

export async function registerJobs (app: FastifyInstance, opts: JobOptions = {}): Promise<void> {
  const boss = app.boss
  if (!boss) return
  const client = app.haravan
  await registerSyncJobs(boss, {
    database: app.database,
    client,
    clock: app.clock,
    log: app.log,
    pollingIntervalSeconds: opts.pollingIntervalSeconds,
  })
  await registerLoyaltyJobs(boss, app.db, app.clock, { pollingIntervalSeconds: opts.pollingIntervalSeconds })
  await registerRewardJobs(boss, { db: app.db, client, clock: app.clock, log: app.log }, { pollingIntervalSeconds: opts.pollingIntervalSeconds })
  await registerCampaignJobs(boss, app.campaigns.deps, { pollingIntervalSeconds: opts.pollingIntervalSeconds })
  await registerOverviewJobs(boss, app.db, app.clock, { pollingIntervalSeconds: opts.pollingIntervalSeconds })
  // Imports register their queues with their routes (server/imports/jobs.ts), since the routes enqueue onto them.
  const resumed = await resumeBackfills(boss, app.database)
  if (resumed.length > 0) app.log.info({ shops: resumed }, 'resuming interrupted Haravan backfills')
}
