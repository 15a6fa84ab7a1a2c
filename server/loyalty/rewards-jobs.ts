// pg-boss queue 'rewards.issue': creates the codes of pending automatic rewards and finishes reservations left by a crash.
import type PgBoss from 'pg-boss'
import { issuePendingRewards, settleStaleReservations, type RewardDeps } from './rewards.ts'

export const REWARDS_QUEUE = 'rewards.issue'
/** A reservation older than this is taken to be orphaned by a crash between the phases (a live request takes seconds). */
export const STALE_RESERVATION_MS = 10 * 60_000

export async function runRewardIssuing (deps: RewardDeps, shopId?: string) {
  const pending = await issuePendingRewards(deps, { shopId })
  const stale = await settleStaleReservations(deps, { olderThanMs: STALE_RESERVATION_MS, shopId })
  return { pending, stale }
}

/** Creates the queue (pg-boss 10 needs it before send/work), a once-a-minute sweep and the worker. */
export async function registerRewardJobs (boss: PgBoss, deps: RewardDeps, opts: { pollingIntervalSeconds?: number } = {}): Promise<void> {
  await boss.createQueue(REWARDS_QUEUE, { name: REWARDS_QUEUE, retryLimit: 3, retryBackoff: true, expireInSeconds: 15 * 60 })
  // One sweep per minute (singleton per slot): queued automatic rewards get their code within about a minute.
  await boss.schedule(REWARDS_QUEUE, '* * * * *', {})
  await boss.work<{ shopId?: string }>(REWARDS_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 10 }, async ([job]) => {
    return runRewardIssuing(deps, job?.data?.shopId)
  })
}
