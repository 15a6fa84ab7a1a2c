// pg-boss queues of campaigns: 'campaigns.send' runs one campaign's loop; 'campaigns.tick' (every minute) scans the automatic kinds.
import { and, eq, inArray, lte, sql } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { queryRows, type Db } from '../../db/client.ts'
import { campaigns, shops } from '../../db/schema/index.ts'
import { textArray } from '../messaging/log.ts'
import { startOfLocalDay } from '../segments/time.ts'
import { SEND_QUEUE, TICK_QUEUE, enqueueSend, type EngineDeps, type SendJob } from './engine.ts'
import { runCampaign } from './run.ts'
import type { CampaignRow } from './store.ts'
import { scanAutomatic, THANK_YOU_LOOKBACK_MS } from './triggers.ts'

/** Automatic campaigns read per tick at most (the most overdue first); the rest wait for the next minute. */
const TICK_LIMIT = 500
/** A thank-you campaign with no new orders is still scanned this often (a safety net; new orders wake it at once). */
const THANK_YOU_IDLE_MS = 3600_000

interface DueCampaign { c: CampaignRow, timeZone: string }

/**
 * The active automatic campaigns with work now, in two indexed reads instead of a walk over every campaign of every
 * shop: those whose next_run_at has come (a new local day to scan, a delayed thank-you coming due), and thank-you
 * campaigns of shops with orders written since their last scan.
 */
async function dueCampaigns (db: Db, now: Date, only?: { shopId: string, campaignId: string }): Promise<DueCampaign[]> {
  const one = only ? and(eq(campaigns.shopId, only.shopId), eq(campaigns.id, only.campaignId)) : undefined
  const cols = { c: campaigns, timeZone: shops.timezone }
  const [timed, ordered] = await Promise.all([
    db.select(cols).from(campaigns).leftJoin(shops, eq(shops.shopId, campaigns.shopId))
      .where(and(eq(campaigns.status, 'active'), lte(campaigns.nextRunAt, now), one)).orderBy(campaigns.nextRunAt).limit(TICK_LIMIT),
    db.select(cols).from(campaigns).leftJoin(shops, eq(shops.shopId, campaigns.shopId))
      .where(and(eq(campaigns.status, 'active'), eq(campaigns.type, 'thank_you'), one, sql`exists (select 1 from orders o where o.shop_id = ${campaigns.shopId}
        and o.synced_at > coalesce((${campaigns.cursor}->>'scannedAt')::timestamptz, ${campaigns.startedAt}) - ${`${THANK_YOU_LOOKBACK_MS} milliseconds`}::interval)`))
      .limit(TICK_LIMIT),
  ])
  const out = new Map<string, DueCampaign>()
  for (const r of [...timed, ...ordered]) out.set(`${r.c.shopId}|${r.c.id}`, { c: r.c, timeZone: r.timeZone ?? 'Asia/Ho_Chi_Minh' })
  return [...out.values()]
}

/** When a campaign's next daily scan is due: the next local midnight (birthday, reminder), or the idle safety net. */
function nextScan (c: CampaignRow, now: Date, timeZone: string): Date {
  return c.type === 'thank_you' ? new Date(now.getTime() + THANK_YOU_IDLE_MS) : startOfLocalDay(now, timeZone, 1)
}

/** Scans the automatic campaigns that are due (or one), starts a send run for those with someone due, advances next_run_at. */
export async function tick (deps: EngineDeps, only?: { shopId: string, campaignId: string }): Promise<{ scanned: number, added: number }> {
  const { db } = deps
  const now = deps.clock()
  let added = 0
  const due = await dueCampaigns(db, now, only)
  const advance: { shopId: string, id: string, at: Date }[] = []
  for (const { c, timeZone } of due) {
    added += await scanAutomatic(db, c, now, timeZone)
    const [queued] = await queryRows<{ ready: boolean | string | null, later: Date | string | null }>(db, sql`
      select bool_or(due_at <= ${now.toISOString()}::timestamptz) as ready, min(due_at) filter (where due_at > ${now.toISOString()}::timestamptz) as later
      from campaign_recipients where shop_id = ${c.shopId} and campaign_id = ${c.id}::uuid and status = 'queued'`)
    if (queued?.ready === true || queued?.ready === 't') await enqueueSend(deps.boss, { shopId: c.shopId, campaignId: c.id })
    const later = queued?.later ? new Date(queued.later) : null
    const scan = nextScan(c, now, timeZone)
    advance.push({ shopId: c.shopId, id: c.id, at: later && later < scan ? later : scan })
  }
  if (advance.length > 0) {
    // One statement for the whole tick; a campaign paused meanwhile keeps its value (resume sets it again).
    await db.execute(sql`update campaigns c set next_run_at = v.at
      from unnest(${textArray(advance.map(a => a.shopId))}::text[], ${textArray(advance.map(a => a.id))}::uuid[], ${textArray(advance.map(a => a.at.toISOString()))}::timestamptz[]) as v(shop_id, id, at)
      where c.shop_id = v.shop_id and c.id = v.id and c.status = 'active'`)
  }
  return { scanned: due.length, added }
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
    return await tick(deps, only)
  })
  // After a restart every active automatic campaign is looked at once on the next tick: a send job lost with the
  // crashed process is started again for recipients already due (a daily scan already done adds nobody).
  await deps.db.update(campaigns).set({ nextRunAt: deps.clock() }).where(and(eq(campaigns.status, 'active'), sql`(${campaigns.nextRunAt} is null or ${campaigns.nextRunAt} > ${deps.clock().toISOString()}::timestamptz)`))
  // 'sending' campaigns whose job was lost with a crashed process get a fresh one (the claims keep it exactly-once).
  const open = await deps.db.select({ shopId: campaigns.shopId, id: campaigns.id, status: campaigns.status, sendAt: campaigns.sendAt }).from(campaigns).where(inArray(campaigns.status, ['sending', 'scheduled']))
  for (const c of open) await enqueueSend(boss, { shopId: c.shopId, campaignId: c.id }, c.status === 'scheduled' ? c.sendAt ?? undefined : undefined)
}
