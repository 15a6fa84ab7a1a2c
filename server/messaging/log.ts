// The message log: every message, claimed exactly once per (shop, source, recipient, channel, occurrence), then settled.
import { and, count, desc, eq, gt, inArray, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { messages } from '../../db/schema/index.ts'
import { DAY_MS, type Channel, type MessageKind } from './rules.ts'

export type MessageStatus = 'queued' | 'sent' | 'failed' | 'skipped' | 'unknown'

export interface MessageKey {
  shopId: string
  channel: Channel
  /** 'campaign', 'test', 'system' … */
  sourceType: string
  sourceId: string
  /** Repeats of one source to one recipient (e.g. '2026' for a yearly birthday); '' for a one-off. */
  occurrence?: string
  customerId?: number | null
  recipient: string
}

export interface NewMessage extends MessageKey { kind: MessageKind, subject?: string | null, parts?: number | null }

export const recipientKey = (m: Pick<MessageKey, 'customerId' | 'recipient'>) => (m.customerId != null ? `c:${m.customerId}` : m.recipient.toLowerCase())

// Postgres array literals for unnest(): one parameter per column whatever the batch size.
export const textArray = (xs: readonly (string | null)[]) => `{${xs.map(x => (x === null ? 'NULL' : `"${x.replace(/["\\]/g, c => `\\${c}`)}"`)).join(',')}}`
const numArray = (xs: readonly (number | null)[]) => `{${xs.map(x => (x === null ? 'NULL' : String(x))).join(',')}}`

export interface LogRow { message: NewMessage, status: 'queued' | 'skipped', reason: string | null }

/**
 * Claims (queued) and skips of one source and channel in one statement, `on conflict do nothing`: returns the ids of
 * the claims this call won, by position in `rows`. A claim absent from the answer was made before (sent, failed, or
 * unknown after a crash): it is never sent a second time. A skip is recorded once per key like any other message.
 */
export async function insertMessages (db: Db, rows: readonly LogRow[], now: Date): Promise<Map<number, string>> {
  const won = new Map<number, string>()
  if (rows.length === 0) return won
  const first = rows[0]!.message
  const at = now.toISOString()
  const keys = rows.map(r => recipientKey(r.message))
  const inserted = await queryRows<{ id: string, recipient_key: string, occurrence: string, status: string }>(db, sql`
    insert into messages (shop_id, channel, kind, customer_id, recipient, source_type, source_id, occurrence, recipient_key, subject, parts, status, reason, attempts, created_at, updated_at)
    select ${first.shopId}, ${first.channel}, ${first.kind}, r.customer_id, r.recipient, ${first.sourceType}, ${first.sourceId}, r.occurrence, r.recipient_key,
      r.subject, r.parts, r.status, r.reason, case when r.status = 'queued' then 1 else 0 end, ${at}::timestamptz, ${at}::timestamptz
    from unnest(${numArray(rows.map(r => r.message.customerId ?? null))}::bigint[], ${textArray(rows.map(r => r.message.recipient))}::text[],
      ${textArray(rows.map(r => r.message.occurrence ?? ''))}::text[], ${textArray(keys)}::text[], ${textArray(rows.map(r => r.message.subject ?? null))}::text[],
      ${numArray(rows.map(r => r.message.parts ?? null))}::int[], ${textArray(rows.map(r => r.status))}::text[], ${textArray(rows.map(r => r.reason))}::text[])
      as r(customer_id, recipient, occurrence, recipient_key, subject, parts, status, reason)
    on conflict do nothing
    returning id, recipient_key, occurrence, status`)
  const position = new Map(rows.map((r, i) => [`${keys[i]}|${r.message.occurrence ?? ''}`, i]))
  for (const row of inserted) if (row.status === 'queued') won.set(position.get(`${row.recipient_key}|${row.occurrence}`)!, row.id)
  return won
}

export interface Settled { id: string, status: 'sent' | 'failed' | 'unknown', reason: string | null, providerId: string | null }

/** Outcomes of many claims in one statement. */
export async function settleMessages (db: Db, shopId: string, settled: readonly Settled[], now: Date): Promise<void> {
  if (settled.length === 0) return
  const at = now.toISOString()
  await db.execute(sql`update messages m set status = v.status, reason = v.reason, provider_id = v.provider_id, updated_at = ${at}::timestamptz,
      sent_at = case when v.status = 'sent' then ${at}::timestamptz end
    from unnest(${textArray(settled.map(s => s.id))}::uuid[], ${textArray(settled.map(s => s.status))}::text[], ${textArray(settled.map(s => s.reason))}::text[],
      ${textArray(settled.map(s => s.providerId))}::text[]) as v(id, status, reason, provider_id)
    where m.shop_id = ${shopId} and m.id = v.id`)
}

/** Claims refused before anything went out (an SMTP quota answer, an SMS account error): they may be claimed again. */
export async function releaseClaims (db: Db, shopId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await db.execute(sql`delete from messages where shop_id = ${shopId} and status = 'queued' and id = any(${textArray(ids)}::uuid[])`)
}

/**
 * Claims a message as queued. Returns its id, or null when this (source, recipient, channel, occurrence) was claimed
 * before: whatever became of it (sent, failed, unknown after a crash), it is never sent a second time.
 */
export async function claimMessage (db: Db, m: NewMessage, now: Date): Promise<string | null> {
  return (await insertMessages(db, [{ message: m, status: 'queued', reason: null }], now)).get(0) ?? null
}

export async function settleMessage (db: Db, shopId: string, id: string, outcome: { status: 'sent' | 'failed' | 'unknown', reason?: string | null, providerId?: string | null }, now: Date): Promise<void> {
  await settleMessages(db, shopId, [{ id, status: outcome.status, reason: outcome.reason ?? null, providerId: outcome.providerId ?? null }], now)
}

/**
 * After a crash: a source's messages still queued may or may not have gone out. They become unknown, never resent.
 * Call it when a sender (a campaign) resumes, before it claims anything new.
 */
export async function settleInterrupted (db: Db, shopId: string, sourceType: string, sourceId: string, now: Date): Promise<number> {
  const rows = await db.update(messages).set({ status: 'unknown', reason: 'interrupted', updatedAt: now })
    .where(and(eq(messages.shopId, shopId), eq(messages.sourceType, sourceType), eq(messages.sourceId, sourceId), eq(messages.status, 'queued')))
    .returning({ id: messages.id })
  return rows.length
}

/** The newest `limit` advertising messages to each of many recipients on one channel since `since` (for rollingCap). */
export async function recentAdvertising (db: Db, shopId: string, channel: Channel, recipients: readonly string[], since: Date, limit: number): Promise<Map<string, Date[]>> {
  const out = new Map<string, Date[]>()
  if (recipients.length === 0) return out
  const rows = await queryRows<{ recipient: string, at: Date | string }>(db, sql`select recipient, at from (
      select recipient, created_at as at, row_number() over (partition by recipient order by created_at desc) as n from messages
      where shop_id = ${shopId} and channel = ${channel} and kind = 'advertising' and recipient = any(${textArray(recipients)}::text[])
        and created_at > ${since.toISOString()}::timestamptz and status in ('queued', 'sent', 'unknown')) r
    where n <= ${limit}`)
  for (const r of rows) {
    const list = out.get(r.recipient) ?? []
    list.push(new Date(r.at))
    out.set(r.recipient, list)
  }
  return out
}

/**
 * The shop's emails counted against its daily limit since `since` (= now − 24 h), and — when `wanted` more would go
 * over it — when the next slot frees once the window is full: the oldest counted mail (or, with none, the ones about
 * to be claimed now) plus 24 h. rollingCap's answer, without reading every row.
 */
export async function emailWindow (db: Db, shopId: string, since: Date, now: Date, limit: number, wanted: number): Promise<{ used: number, freesAt: Date | null }> {
  const where = sql`shop_id = ${shopId} and channel = 'email' and created_at > ${since.toISOString()}::timestamptz and status in ('queued', 'sent', 'unknown')`
  const [row] = await queryRows<{ n: unknown }>(db, sql`select count(*)::int as n from messages where ${where}`)
  const used = Number(row?.n ?? 0)
  if (used + wanted <= limit) return { used, freesAt: null }
  if (used === 0) return { used, freesAt: new Date(now.getTime() + DAY_MS) }
  const [at] = await queryRows<{ at: Date | string }>(db, sql`select created_at as at from messages where ${where} order by created_at offset ${Math.max(0, used - limit)} limit 1`)
  return { used, freesAt: new Date((at ? new Date(at.at).getTime() : now.getTime()) + DAY_MS) }
}

const counted = inArray(messages.status, ['queued', 'sent', 'unknown'])

/** The newest `limit` emails of the shop since `since`: every kind counts against its mailbox's daily limit. */
export async function recentEmails (db: Db, shopId: string, since: Date, limit: number): Promise<Date[]> {
  const rows = await db.select({ at: messages.createdAt }).from(messages).where(and(
    eq(messages.shopId, shopId), eq(messages.channel, 'email'), gt(messages.createdAt, since), counted)).orderBy(desc(messages.createdAt)).limit(limit)
  return rows.map(r => r.at)
}

export async function countRecentEmails (db: Db, shopId: string, since: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(messages).where(and(
    eq(messages.shopId, shopId), eq(messages.channel, 'email'), gt(messages.createdAt, since), counted))
  return Number(row?.n ?? 0)
}

export async function listCustomerMessages (db: Db, shopId: string, customerId: number, page: number, limit: number) {
  const where = and(eq(messages.shopId, shopId), eq(messages.customerId, customerId))
  const [items, [total]] = await Promise.all([
    db.select({
      id: messages.id,
      channel: messages.channel,
      kind: messages.kind,
      recipient: messages.recipient,
      subject: messages.subject,
      sourceType: messages.sourceType,
      sourceId: messages.sourceId,
      status: messages.status,
      reason: messages.reason,
      providerId: messages.providerId,
      parts: messages.parts,
      attempts: messages.attempts,
      createdAt: messages.createdAt,
      sentAt: messages.sentAt,
    }).from(messages).where(where).orderBy(desc(messages.createdAt), desc(messages.id)).limit(limit).offset((page - 1) * limit),
    db.select({ n: sql<number>`count(*)::int` }).from(messages).where(where),
  ])
  return { items, total: Number(total?.n ?? 0), page, limit }
}
