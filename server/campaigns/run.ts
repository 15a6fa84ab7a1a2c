// The sending loop of one campaign: due recipients in batches → codes (just in time) → messaging, once per channel each.
/*
 * Each batch goes to messaging's sendBatch() once per channel (email and SMS alike): the same consent, Decree 91, caps,
 * limits and claim of the (campaign, recipient, channel, occurrence) key as send(), set-based. That claim, not our
 * recipient rows, is what makes a crash or a second worker unable to send anything twice ('duplicate' answers count as
 * handled). A recipient row is marked done once each of its channels is handled; a 'deferred' answer (07:00–22:00
 * window, daily limit, quota pause, SMS provider busy) stops the run, which is rescheduled for then with the rest
 * still queued; an SMS account error pauses the campaign with the provider's reason.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { campaignRecipients, campaigns, shops } from '../../db/schema/index.ts'
import type { BatchItem } from '../messaging/batch.ts'
import type { SmtpPools } from '../messaging/email.ts'
import type { Messaging } from '../messaging/service.ts'
import { settleInterrupted } from '../messaging/log.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { createCodes, newCampaignCode, promoDescription, scopeRefusedMessage, type CodeClient } from './codes.ts'
import { messageKind, type Channel, type Promo } from './definition.ts'
import { loadRecipients, recipientValues } from './personalise.ts'
import { renderCampaign, type Rendered } from './render.ts'
import type { CampaignRow } from './store.ts'

export interface RunDeps {
  db: Db
  clock: () => Date
  messaging: Pick<Messaging, 'send' | 'sendBatch'>
  /** campaign SMTP pools (campaigns/pools.ts), apart from the shop's one-off messages */
  pools: SmtpPools
  codes: CodeClient
  log?: { warn (obj: object, msg?: string): void, info (obj: object, msg?: string): void }
  batchSize?: number
  /** messages in flight at once in each batch (the SMTP pool and the database pool share them) */
  concurrency?: number
  /** batches in flight at once (default two for mail without codes, otherwise one) */
  lanes?: number
}

export type RunOutcome = { state: 'finished' | 'idle' | 'stopped' } | { state: 'deferred', until: Date } | { state: 'held', message: string }

interface DueRow { customerId: number, occurrence: string, orderId: number | null, code: string | null, codeStatus: string, codeEndsAt: Date | null, dueKey: string }

const textArray = (xs: readonly string[]) => `{${xs.map(x => `"${x.replace(/["\\]/g, m => `\\${m}`)}"`).join(',')}}`
const intArray = (xs: readonly number[]) => `{${xs.join(',')}}`

async function setRows (db: Db, shopId: string, campaignId: string, rows: { customerId: number, occurrence: string }[], set: SQLSet) {
  if (rows.length === 0) return
  await db.execute(sql`update campaign_recipients set status = ${set.status}, done_at = ${set.at.toISOString()}::timestamptz,
      reason = coalesce(${set.reason ?? null}, reason) ${set.sent ? sql`, sent_at = ${set.at.toISOString()}::timestamptz` : sql``}
    where shop_id = ${shopId} and campaign_id = ${campaignId}::uuid and status = 'queued'
      and (customer_id, occurrence) in (select * from unnest(${intArray(rows.map(r => r.customerId))}::bigint[], ${textArray(rows.map(r => r.occurrence))}::text[]))`)
}
interface SQLSet { status: 'done' | 'cancelled', at: Date, reason?: string | null, sent?: boolean }

/** Where a lane's batch ended: the next batch starts after it, in (due_at, customer_id, occurrence) order. */
interface DueKey { dueKey: string, customerId: number, occurrence: string }

async function dueBatch (db: Db, c: CampaignRow, now: Date, limit: number, after: DueKey | null): Promise<DueRow[]> {
  return db.select({
    customerId: campaignRecipients.customerId,
    occurrence: campaignRecipients.occurrence,
    orderId: campaignRecipients.orderId,
    code: campaignRecipients.code,
    codeStatus: campaignRecipients.codeStatus,
    codeEndsAt: campaignRecipients.codeEndsAt,
    // as text: the cursor compares the stored microseconds, which a Date would round
    dueKey: sql<string>`${campaignRecipients.dueAt}::text`,
  }).from(campaignRecipients)
    .where(and(eq(campaignRecipients.shopId, c.shopId), eq(campaignRecipients.campaignId, c.id), eq(campaignRecipients.status, 'queued'), sql`${campaignRecipients.dueAt} <= ${now.toISOString()}::timestamptz`,
      after ? sql`(${campaignRecipients.dueAt}, ${campaignRecipients.customerId}, ${campaignRecipients.occurrence}) > (${after.dueKey}::timestamptz, ${after.customerId}::bigint, ${after.occurrence}::text)` : undefined))
    .orderBy(campaignRecipients.dueAt, campaignRecipients.customerId, campaignRecipients.occurrence).limit(limit)
}

async function currentStatus (db: Db, shopId: string, id: string) {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, id)))
  return row
}

/** Gives each row of the batch its code (if it has none yet) and creates the pending ones on Haravan. */
async function ensureCodes (deps: RunDeps, c: CampaignRow, promo: Promo, timeZone: string, rows: DueRow[]): Promise<{ refused: boolean }> {
  for (const r of rows) {
    if (r.code) continue
    for (let attempt = 0; attempt < 5 && !r.code; attempt++) {
      const code = newCampaignCode()
      const updated = await deps.db.update(campaignRecipients).set({ code, codeStatus: 'pending' })
        .where(and(eq(campaignRecipients.shopId, c.shopId), eq(campaignRecipients.campaignId, c.id), eq(campaignRecipients.customerId, r.customerId),
          eq(campaignRecipients.occurrence, r.occurrence), sql`${campaignRecipients.code} is null`)).returning({ code: campaignRecipients.code })
        .catch((err: { code?: string, cause?: { code?: string } }) => {
          if (err.code === '23505' || err.cause?.code === '23505') return []
          throw err
        })
      if (updated[0]) { r.code = code; r.codeStatus = 'pending' }
    }
  }
  const pending = rows.filter(r => r.code && (r.codeStatus === 'pending' || r.codeStatus === 'refused'))
  const outcome = await createCodes({ db: deps.db, client: deps.codes, clock: deps.clock }, c.shopId, c.id, promo, timeZone, pending.map(r => ({ customerId: r.customerId, occurrence: r.occurrence, code: r.code! })))
  if (outcome.refused) return { refused: true }
  const fresh = await deps.db.select({ customerId: campaignRecipients.customerId, occurrence: campaignRecipients.occurrence, codeStatus: campaignRecipients.codeStatus, codeEndsAt: campaignRecipients.codeEndsAt })
    .from(campaignRecipients).where(and(eq(campaignRecipients.shopId, c.shopId), eq(campaignRecipients.campaignId, c.id), sql`(customer_id, occurrence) in (select * from unnest(${intArray(rows.map(r => r.customerId))}::bigint[], ${textArray(rows.map(r => r.occurrence))}::text[]))`))
  const byKey = new Map(fresh.map(f => [`${f.customerId}|${f.occurrence}`, f]))
  for (const r of rows) {
    const f = byKey.get(`${r.customerId}|${r.occurrence}`)
    if (f) { r.codeStatus = f.codeStatus; r.codeEndsAt = f.codeEndsAt }
  }
  return { refused: false }
}

/** Thank-you rows whose order was cancelled (or deleted, or is no longer paid) before the delay ran out. */
async function cancelledOrders (db: Db, shopId: string, rows: DueRow[]): Promise<Set<number>> {
  const ids = rows.flatMap(r => (r.orderId == null ? [] : [r.orderId]))
  if (ids.length === 0) return new Set()
  const found = await queryRows<{ id: unknown }>(db, sql`select id from orders where shop_id = ${shopId} and id = any(${intArray(ids)}::bigint[])
    and (cancelled_at is null and not deleted and coalesce(financial_status, '') not in ('voided', 'refunded'))`)
  const alive = new Set(found.map(f => Number(f.id)))
  return new Set(ids.filter(id => !alive.has(id)))
}

interface RunContext {
  deps: RunDeps
  c: CampaignRow
  shopName: string
  timeZone: string
  tiers: Awaited<ReturnType<typeof getTiers>>
  promo: Promo | null
  kind: ReturnType<typeof messageKind>
  channels: Channel[]
}

/**
 * Sends one batch of due rows: cancelled orders dropped, codes made, each channel through sendBatch, rows marked.
 * Answers null to go on, or how the run ends (held by a scope refusal or an SMS account error, deferred).
 */
async function sendRows (ctx: RunContext, rows: DueRow[], now: Date): Promise<RunOutcome | null> {
  const { deps, c, promo, channels } = ctx
  const { db } = deps
  const { shopId, id: campaignId } = c
  const cancelled = await cancelledOrders(db, shopId, rows)
  await setRows(db, shopId, campaignId, rows.filter(r => r.orderId != null && cancelled.has(r.orderId)), { status: 'cancelled', at: now, reason: 'order_cancelled' })
  let sendable = rows.filter(r => r.orderId == null || !cancelled.has(r.orderId))
  if (promo) {
    const { refused } = await ensureCodes(deps, c, promo, ctx.timeZone, sendable)
    if (refused) {
      const message = scopeRefusedMessage()
      await db.update(campaigns).set({ status: 'paused', hold: message, updatedAt: now }).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, campaignId)))
      return { state: 'held', message }
    }
    // A code Haravan would not create (other than a scope refusal): that recipient gets nothing rather than a dead code.
    const failed = sendable.filter(r => r.codeStatus !== 'created')
    await setRows(db, shopId, campaignId, failed, { status: 'done', at: now, reason: 'code_failed' })
    sendable = sendable.filter(r => r.codeStatus === 'created')
  }
  const recipients = new Map((await loadRecipients(db, shopId, sendable.map(r => r.customerId))).map(r => [r.customerId, r]))
  const done: DueRow[] = []
  const sent: DueRow[] = []
  const wait: { until: Date | null } = { until: null }
  const deferTo = (at: Date | null) => { if (at && (!wait.until || at < wait.until)) wait.until = at }
  const rendered = new Map<DueRow, Rendered>()
  for (const row of sendable) {
    const who = recipients.get(row.customerId)
    if (!who) continue
    const offer = promo && row.code && row.codeEndsAt ? { code: row.code, endsAt: row.codeEndsAt, description: promoDescription(promo) } : undefined
    rendered.set(row, renderCampaign(c, recipientValues(who, { shopName: ctx.shopName, tiers: ctx.tiers, timeZone: ctx.timeZone }, offer), null))
  }
  const handled = new Map<DueRow, { pending: number, sent: boolean }>(sendable.map(r => [r, { pending: rendered.has(r) ? channels.length : 0, sent: false }]))
  const settle = (row: DueRow, outcome: string) => {
    const h = handled.get(row)!
    if (outcome === 'deferred') return
    h.pending -= 1
    if (outcome === 'sent') h.sent = true
  }
  let halt: string | null = null
  for (const channel of channels) {
    // The batch's messages of this channel through messaging's rules and claim, set-based; keys are the rows' positions.
    const byKey = new Map<string, DueRow>()
    const items: BatchItem[] = []
    sendable.forEach((row, i) => {
      const r = rendered.get(row)
      const who = recipients.get(row.customerId)
      if (!who || !(channel === 'email' ? r?.email : r?.sms)) return
      byKey.set(String(i), row)
      items.push({ key: String(i), customerId: row.customerId, to: channel === 'email' ? who.email : who.phone, occurrence: row.occurrence, email: r!.email, sms: r!.sms && { text: r!.sms.text } })
    })
    const result = await deps.messaging.sendBatch({ shopId, channel, kind: ctx.kind, source: { type: 'campaign', id: campaignId }, items },
      { pools: deps.pools, concurrency: deps.concurrency, haltOnAccountError: true })
    halt ??= result.halt
    for (const [key, row] of byKey) {
      const outcome = result.results.get(key)
      if (outcome?.status === 'deferred') deferTo(outcome.notBefore)
      settle(row, outcome?.status ?? 'deferred')
    }
  }
  for (const [row, h] of handled) {
    if (h.pending > 0) continue
    ;(h.sent ? sent : done).push(row)
  }
  const at = deps.clock()
  await setRows(db, shopId, campaignId, sent, { status: 'done', at, sent: true })
  await setRows(db, shopId, campaignId, done, { status: 'done', at })
  if (sent.length > 0) await db.update(campaigns).set({ lastSentAt: at }).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, campaignId)))
  if (halt) {
    // The SMS provider refuses the shop's account (password, IP whitelist, balance …): nothing more goes until it is fixed.
    await db.update(campaigns).set({ status: 'paused', hold: halt, updatedAt: at }).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, campaignId), inArray(campaigns.status, ['sending', 'active'])))
    return { state: 'held', message: halt }
  }
  if (wait.until) return { state: 'deferred', until: wait.until }
  return null
}

/** Of two ways a run's lanes ended, the one that says most: held, then the earliest deferral, then stopped. */
function firmer (a: RunOutcome | null, b: RunOutcome): RunOutcome {
  const rank = (o: RunOutcome) => (o.state === 'held' ? 3 : o.state === 'deferred' ? 2 : 1)
  if (a === null || rank(b) > rank(a)) return b
  if (a.state === 'deferred' && b.state === 'deferred' && b.until < a.until) return b
  return a
}

/**
 * Runs a sending or active campaign until nothing is due, it is paused/cancelled, deferred, or held.
 *
 * Mail goes out in `lanes` batches at once (two for mail without codes): while one batch's bookkeeping is in the database,
 * the other's mail keeps the SMTP pool busy. The lanes take disjoint batches, in due order after a shared cursor;
 * the claim in sendBatch, not the cursor, is what keeps a message from going twice.
 */
export async function runCampaign (deps: RunDeps, shopId: string, campaignId: string): Promise<RunOutcome> {
  const { db } = deps
  let c = await currentStatus(db, shopId, campaignId)
  if (!c) return { state: 'stopped' }
  if (c.status === 'scheduled' && c.sendAt && c.sendAt <= deps.clock()) {
    await db.update(campaigns).set({ status: 'sending', updatedAt: deps.clock() }).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, campaignId), eq(campaigns.status, 'scheduled')))
    c = { ...c, status: 'sending' }
  }
  if (c.status !== 'sending' && c.status !== 'active') return { state: 'stopped' }
  // Messages a dead worker claimed but never settled: their fate is unknown, and they are never sent again.
  const interrupted = await settleInterrupted(db, shopId, 'campaign', campaignId, deps.clock())
  if (interrupted > 0) deps.log?.warn({ shopId, campaignId, interrupted }, 'campaign resumed after a crash: interrupted messages marked unknown')
  const [shop] = await db.select({ name: shops.name, timezone: shops.timezone }).from(shops).where(eq(shops.shopId, shopId))
  const promo = c.promo as Promo | null
  const ctx: RunContext = {
    deps,
    c,
    promo,
    shopName: shop?.name ?? '',
    timeZone: shop?.timezone ?? 'Asia/Ho_Chi_Minh',
    tiers: await getTiers(db, shopId),
    kind: messageKind(c.type),
    channels: c.channels as Channel[],
  }
  // With codes, small batches one at a time: Haravan creates about 4 a second, and mail should follow each batch's codes.
  const size = deps.batchSize ?? (promo ? 40 : 1000)
  // Two lanes for mail alone; SMS keeps to the provider's one batch of requests at a time (SMS_CONCURRENCY).
  const lanes = Math.max(1, deps.lanes ?? (promo || ctx.channels.includes('sms') ? 1 : 2))
  for (let pass = 1; ; pass++) {
    let cursor: DueKey | null = null
    let ended: RunOutcome | null = null
    let taken = 0
    let turn: Promise<unknown> = Promise.resolve()
    // One lane at a time reads the next batch after the cursor and moves it on.
    const take = (now: Date): Promise<DueRow[]> => {
      const next = turn.then(async () => {
        if (ended) return []
        const rows = await dueBatch(db, c, now, size, cursor)
        if (rows.length > 0) cursor = rows[rows.length - 1]!
        taken += rows.length
        return rows
      })
      turn = next.catch(() => {})
      return next
    }
    const lane = async () => {
      try {
        for (;;) {
          const live = await currentStatus(db, shopId, campaignId)
          if (!live || (live.status !== 'sending' && live.status !== 'active')) { ended = firmer(ended, { state: 'stopped' }); return }
          const now = deps.clock()
          const rows = await take(now)
          if (rows.length === 0) return
          const outcome = await sendRows(ctx, rows, now)
          if (outcome) { ended = firmer(ended, outcome); return }
        }
      } catch (err) {
        ended = firmer(ended, { state: 'stopped' }) // the other lanes stop after their batch; the error is the run's
        throw err
      }
    }
    const results = await Promise.allSettled(Array.from({ length: lanes }, lane))
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure) throw failure.reason
    if (ended) return ended
    // The cursor ran out. Rows still due behind it (an automatic campaign's, queued meanwhile) go in another pass.
    const now = deps.clock()
    const [left] = await dueBatch(db, c, now, 1, null)
    if (!left) {
      if (c.status === 'sending') {
        await db.update(campaigns).set({ status: 'sent', finishedAt: now, updatedAt: now }).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, campaignId), eq(campaigns.status, 'sending')))
        return { state: 'finished' }
      }
      return { state: 'idle' }
    }
    // Rows queued again and again (or due yet never taken) are left to a later run rather than spun on here.
    if (taken === 0 || pass >= 3) return { state: 'deferred', until: new Date(now.getTime() + 60_000) }
  }
}
