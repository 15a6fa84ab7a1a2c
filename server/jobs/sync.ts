// pg-boss queues of the Haravan sync: chunked backfill that re-enqueues itself, periodic reconciliation per shop.
import type PgBoss from 'pg-boss'
import type { Database } from '../../db/client.ts'
import type { HaravanClient } from '../haravan/client.ts'
import { backfillChunk, ensureWebhookSubscription, installedShopIds, reconcileShop, shopsWithUnfinishedBackfill, type SyncDeps } from '../haravan/sync.ts'

export const QUEUE_BACKFILL = 'haravan.backfill'
export const QUEUE_RECONCILE_ALL = 'haravan.reconcile'
export const QUEUE_RECONCILE_SHOP = 'haravan.reconcile.shop'

export interface SyncJobDeps {
  database: Database
  client: HaravanClient
  clock: () => Date
  log: NonNullable<SyncDeps['log']> & { error (obj: object, msg: string): void }
  /** Pages per backfill job before it hands over to a fresh job (keeps jobs short, so expiry-based retry is quick). */
  pagesPerJob?: number
  pollingIntervalSeconds?: number
}

interface ShopJob { shopId: string }

export async function registerSyncJobs (boss: PgBoss, deps: SyncJobDeps): Promise<void> {
  const syncDeps: SyncDeps = { db: deps.database.db, client: deps.client, clock: deps.clock, log: deps.log }
  const polling = { pollingIntervalSeconds: deps.pollingIntervalSeconds ?? 2 }
  await boss.createQueue(QUEUE_BACKFILL, { name: QUEUE_BACKFILL, retryLimit: 10, retryBackoff: true, retryDelay: 5, expireInSeconds: 15 * 60 })
  await boss.createQueue(QUEUE_RECONCILE_ALL, { name: QUEUE_RECONCILE_ALL })
  await boss.createQueue(QUEUE_RECONCILE_SHOP, { name: QUEUE_RECONCILE_SHOP, retryLimit: 3, retryBackoff: true, expireInSeconds: 15 * 60 })

  await boss.work<ShopJob>(QUEUE_BACKFILL, polling, async ([job]) => {
    const { shopId } = job!.data
    // One backfill per shop across all instances; a second job for the same shop just ends.
    const outcome = await deps.database.withExclusiveLock(`backfill:${shopId}`, () =>
      backfillChunk(syncDeps, shopId, { maxPages: deps.pagesPerJob }))
    if (outcome.ran && outcome.value === 'more') await boss.send(QUEUE_BACKFILL, { shopId })
    return outcome.ran ? { outcome: outcome.value } : { outcome: 'locked' }
  })

  await boss.work(QUEUE_RECONCILE_ALL, polling, async () => {
    for (const shopId of await installedShopIds(deps.database.db)) {
      await boss.send(QUEUE_RECONCILE_SHOP, { shopId }, { singletonKey: shopId })
    }
  })

  await boss.work<ShopJob>(QUEUE_RECONCILE_SHOP, polling, async ([job]) => {
    const { shopId } = job!.data
    const outcome = await deps.database.withExclusiveLock(`backfill:${shopId}`, async () => {
      const counts = await reconcileShop(syncDeps, shopId)
      if (counts !== 'skipped') {
        try {
          await ensureWebhookSubscription(syncDeps, shopId)
        } catch (err) {
          deps.log.error({ err, shopId }, 'could not check or renew the webhook subscription')
        }
      }
      return counts
    })
    return outcome.ran ? outcome.value : 'locked'
  })

  // Every 10 minutes: missed webhooks heal within that window.
  await boss.schedule(QUEUE_RECONCILE_ALL, '*/10 * * * *')
}

/** Start-up: shops whose backfill was interrupted (crash, deploy) continue now rather than at the next install. */
export async function resumeBackfills (boss: PgBoss, database: Database): Promise<string[]> {
  const shopIds = await shopsWithUnfinishedBackfill(database.db)
  for (const shopId of shopIds) await boss.send(QUEUE_BACKFILL, { shopId })
  return shopIds
}
