// pg-boss queues of campaigns: 'campaigns.send' runs one campaign's loop; 'campaigns.tick' (every minute) scans the automatic kinds.
import { eq, inArray } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { campaigns, shops } from '../../db/schema/index.ts'
import { SEND_QUEUE, TICK_QUEUE, enqueueSend, type EngineDeps, type SendJob } from './engine.ts'
import { runCampaign } from './run.ts'
import { scanAutomatic } from './triggers.ts'

/** Scans every active automatic campaign (or one) and starts a send run for those with someone due. */
export async function tick (deps: EngineDeps, only?: { shopId: string, campaignId: string }): Promise<number> {
  const rows = await deps.db.select().from(campaigns).where(inArray(campaigns.status, ['active']))
  let added = 0
  for (const c of rows) {
    if (only && (c.shopId !== only.shopId || c.id !== only.campaignId)) continue
    const [shop] = await deps.db.select({ tz: shops.timezone }).from(shops).where(eq(shops.shopId, c.shopId))
    const n = await scanAutomatic(deps.db, c, deps.clock(), shop?.tz ?? 'Asia/Ho_Chi_Minh')
    added += n
    await enqueueSend(deps.boss, { shopId: c.shopId, campaignId: c.id })
  }
  return added
}

export async function registerCampaignJobs (boss: PgBoss, deps: EngineDeps, opts: { pollingIntervalSeconds?: number } = {}): Promise<void> {
  await boss.createQueue(SEND_QUEUE, { name: SEND_QUEUE, policy: 'stately' })
  await boss.createQueue(TICK_QUEUE, { name: TICK_QUEUE, retryLimit: 1, expireInSeconds: 10 * 60 })
  await boss.schedule(TICK_QUEUE, '* * * * *', {})
  await boss.work<SendJob>(SEND_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2 }, async ([job]) => {
    if (!job) return
    const outcome = await runCampaign(deps, job.data.shopId, job.data.campaignId)
    // Waiting for 07:00, the daily limit or a quota pause: the same campaign runs again then.
    if (outcome.state === 'deferred') await enqueueSend(deps.boss, job.data, outcome.until)
    return outcome
  })
  await boss.work<Partial<SendJob>>(TICK_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 10 }, async ([job]) => {
    const only = job?.data?.shopId && job.data.campaignId ? { shopId: job.data.shopId, campaignId: job.data.campaignId } : undefined
    return { added: await tick(deps, only) }
  })
  // 'sending' campaigns whose job was lost with a crashed process get a fresh one (the claims keep it exactly-once).
  const open = await deps.db.select({ shopId: campaigns.shopId, id: campaigns.id, status: campaigns.status, sendAt: campaigns.sendAt }).from(campaigns).where(inArray(campaigns.status, ['sending', 'scheduled']))
  for (const c of open) await enqueueSend(boss, { shopId: c.shopId, campaignId: c.id }, c.status === 'scheduled' ? c.sendAt ?? undefined : undefined)
}
