// Campaign email in batches: messaging's rules and claim-once log applied to many messages per statement, sent over a pool.
/*
 * The same rules as messaging's send() — consent (eligibility), the 3-per-24 h advertising cap per address, the shop's
 * daily limit under its lock, the quota pause, claim before send, settle after — but one query per step for the whole
 * batch instead of per message, so a shop on its own SMTP relay is limited by the relay, not by bookkeeping. Keys,
 * locks, statuses and reasons are messaging's own, so the two paths count and exclude each other exactly.
 */
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { consentStates } from '../messaging/consent.ts'
import { buildMarketingEmail, type EmailSender, type OutgoingEmail } from '../messaging/email.ts'
import type { SmtpPools } from '../messaging/email.ts'
import { ADVERTISING_CAP_PER_DAY, DAY_MS, eligibility, type MessageKind, type SkipReason } from '../messaging/rules.ts'
import type { Messaging } from '../messaging/service.ts'
import { loadEmailAccount, pauseEmail } from '../messaging/settings.ts'
import { describeSmtpError } from '../messaging/smtp-errors.ts'
import type { Mailer } from '../mail.ts'

export interface EmailItem { key: string, customerId: number, to: string | null, subject: string, html: string }
export type EmailOutcome = 'sent' | 'failed' | 'unknown' | 'skipped' | 'duplicate'
export interface BatchResult { outcomes: Map<string, EmailOutcome>, deferredUntil: Date | null }

export interface EmailBatchDeps {
  db: Db
  clock: () => Date
  encryptionKey: Buffer
  sandbox: boolean
  mailer: Mailer
  pools: SmtpPools
  messaging: Pick<Messaging, 'unsubscribeUrl' | 'quotaPauseEnd'>
  concurrency?: number
}

const textArray = (xs: readonly (string | null)[]) => `{${xs.map(x => (x === null ? 'NULL' : `"${x.replace(/["\\]/g, m => `\\${m}`)}"`)).join(',')}}`
const intArray = (xs: readonly number[]) => `{${xs.join(',')}}`
const COUNTED = sql`status in ('queued', 'sent', 'unknown')`

interface Row { item: EmailItem, status: 'queued' | 'skipped', reason: SkipReason | null }

/** Inserts claims (queued) and skips in one statement; returns the ids of the claims this call won, by item key. */
async function insertRows (db: Db, shopId: string, source: { id: string, occurrence: (item: EmailItem) => string }, kind: MessageKind, rows: Row[], now: Date): Promise<Map<string, string>> {
  const won = new Map<string, string>()
  if (rows.length === 0) return won
  const at = now.toISOString()
  const inserted = await queryRows<{ id: string, recipient_key: string, occurrence: string }>(db, sql`
    insert into messages (shop_id, channel, kind, customer_id, recipient, source_type, source_id, occurrence, recipient_key, subject, status, reason, attempts, created_at, updated_at)
    select ${shopId}, 'email', ${kind}, r.customer_id, r.recipient, 'campaign', ${source.id}, r.occurrence, 'c:' || r.customer_id, r.subject, r.status, r.reason,
      case when r.status = 'queued' then 1 else 0 end, ${at}::timestamptz, ${at}::timestamptz
    from unnest(${intArray(rows.map(r => r.item.customerId))}::bigint[], ${textArray(rows.map(r => r.item.to ?? ''))}::text[],
      ${textArray(rows.map(r => source.occurrence(r.item)))}::text[], ${textArray(rows.map(r => r.item.subject))}::text[],
      ${textArray(rows.map(r => r.status))}::text[], ${textArray(rows.map(r => r.reason))}::text[]) as r(customer_id, recipient, occurrence, subject, status, reason)
    on conflict do nothing
    returning id, recipient_key, occurrence, status`)
  const byKey = new Map(rows.map(r => [`c:${r.item.customerId}|${source.occurrence(r.item)}`, r.item.key]))
  for (const row of inserted as unknown as { id: string, recipient_key: string, occurrence: string, status: string }[]) {
    if (row.status === 'queued') won.set(byKey.get(`${row.recipient_key}|${row.occurrence}`)!, row.id)
  }
  return won
}

export async function sendEmailBatch (
  deps: EmailBatchDeps, shopId: string, campaignId: string, kind: MessageKind, items: EmailItem[], occurrence: (item: EmailItem) => string,
): Promise<BatchResult> {
  const { db } = deps
  const outcomes = new Map<string, EmailOutcome>()
  const now = deps.clock()
  const account = await loadEmailAccount(db, deps.encryptionKey, shopId)
  if (account?.pausedUntil && account.pausedUntil > now) return { outcomes, deferredUntil: account.pausedUntil }
  const consents = await consentStates(db, shopId, items.map(i => i.customerId), 'email')
  const rows: Row[] = items.map(item => {
    if (!account && !deps.sandbox) return { item, status: 'skipped', reason: 'not_configured' }
    const ok = eligibility(kind, consents.get(item.customerId) ?? 'unknown', item.to)
    return ok.ok ? { item, status: 'queued', reason: null } : { item, status: 'skipped', reason: ok.reason }
  })
  let deferredUntil: Date | null = null
  const claims = await db.transaction(async (tx) => {
    const since = new Date(now.getTime() - DAY_MS).toISOString()
    let wanted = rows.filter(r => r.status === 'queued')
    if (kind === 'advertising' && wanted.length > 0) {
      const addresses = [...new Set(wanted.map(r => r.item.to!))].sort()
      // messaging's per-recipient lock keys, taken in one sorted pass (no deadlock with another batch).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${textArray(addresses.map(a => `${shopId}:email:${a}`))}::text[]) as k order by k`)
      const counts = await queryRows<{ recipient: string, n: unknown }>(tx, sql`select recipient, count(*)::int as n from messages
        where shop_id = ${shopId} and channel = 'email' and kind = 'advertising' and recipient = any(${textArray(addresses)}::text[]) and created_at > ${since}::timestamptz and ${COUNTED}
        group by recipient`)
      const capped = new Set(counts.filter(c => Number(c.n) >= ADVERTISING_CAP_PER_DAY).map(c => c.recipient))
      for (const r of wanted) if (capped.has(r.item.to!)) { r.status = 'skipped'; r.reason = 'recipient_cap' }
      wanted = wanted.filter(r => r.status === 'queued')
    }
    if (account && wanted.length > 0) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${shopId}:email-limit`}))`)
      const [used] = await queryRows<{ n: unknown, oldest: Date | string | null }>(tx, sql`select count(*)::int as n, min(created_at) as oldest from messages
        where shop_id = ${shopId} and channel = 'email' and created_at > ${since}::timestamptz and ${COUNTED}`)
      const room = Math.max(0, account.dailyLimit - Number(used?.n ?? 0))
      if (room < wanted.length) {
        // The rest waits until the oldest counted mail leaves the 24 h window (and is not logged at all until then).
        const oldest = used?.oldest ? new Date(used.oldest) : now
        deferredUntil = new Date(Math.max(oldest.getTime() + DAY_MS, now.getTime() + 60_000))
        const waiting = new Set(wanted.slice(room))
        for (let i = rows.length - 1; i >= 0; i--) if (waiting.has(rows[i]!)) rows.splice(i, 1)
      }
    }
    return insertRows(tx, shopId, { id: campaignId, occurrence }, kind, rows, now)
  })
  for (const r of rows) outcomes.set(r.item.key, r.status === 'skipped' ? 'skipped' : claims.has(r.item.key) ? 'sent' : 'duplicate')
  const sender: EmailSender = account
    ? deps.pools.sender(shopId, account)
    : { send: async (mail) => ({ messageId: (await deps.mailer.sendMail({ ...mail, text: mail.text })).messageId }) }
  const settled: { id: string, status: 'sent' | 'failed' | 'unknown', reason: string | null, providerId: string | null }[] = []
  const released: string[] = []
  let quota: string | null = null
  const queue = rows.filter(r => claims.has(r.item.key))
  let next = 0
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 64, queue.length) }, async () => {
    while (next < queue.length) {
      const { item } = queue[next++]!
      const id = claims.get(item.key)!
      if (quota) { released.push(id); outcomes.delete(item.key); continue }
      const mail: OutgoingEmail = kind === 'advertising'
        ? buildMarketingEmail({ to: item.to!, subject: item.subject, html: item.html }, deps.messaging.unsubscribeUrl(shopId, item.customerId, 'email'))
        : { to: item.to!, subject: item.subject, html: item.html, text: item.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() }
      try {
        const info = await sender.send(mail)
        settled.push({ id, status: 'sent', reason: null, providerId: info.messageId })
      } catch (err) {
        const failure = describeSmtpError(err, account ? `${account.host}:${account.port}` : 'SMTP')
        if (failure.quota && account) {
          quota = failure.message
          released.push(id)
          outcomes.delete(item.key)
          continue
        }
        const status = failure.definite ? 'failed' : 'unknown'
        settled.push({ id, status, reason: failure.message, providerId: null })
        outcomes.set(item.key, status)
      }
    }
  }))
  const at = deps.clock().toISOString()
  if (settled.length > 0) {
    await db.execute(sql`update messages m set status = v.status, reason = v.reason, provider_id = v.provider_id, updated_at = ${at}::timestamptz,
        sent_at = case when v.status = 'sent' then ${at}::timestamptz end
      from unnest(${textArray(settled.map(s => s.id))}::uuid[], ${textArray(settled.map(s => s.status))}::text[], ${textArray(settled.map(s => s.reason))}::text[],
        ${textArray(settled.map(s => s.providerId))}::text[]) as v(id, status, reason, provider_id)
      where m.shop_id = ${shopId} and m.id = v.id`)
  }
  if (released.length > 0) {
    // Refused before acceptance (a quota answer): nothing went out, so these may be claimed again when the pause ends.
    await db.execute(sql`delete from messages where shop_id = ${shopId} and status = 'queued' and id = any(${textArray(released)}::uuid[])`)
  }
  if (quota && account) {
    const until = await deps.messaging.quotaPauseEnd(shopId, account.dailyLimit, deps.clock())
    await pauseEmail(db, shopId, until, quota)
    deferredUntil = until
  }
  return { outcomes, deferredUntil }
}
