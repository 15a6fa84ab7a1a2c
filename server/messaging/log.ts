// The message log: every message, claimed exactly once per (shop, source, recipient, channel, occurrence), then settled.
import { and, count, desc, eq, gt, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { messages } from '../../db/schema/index.ts'
import type { Channel, MessageKind } from './rules.ts'

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

const recipientKey = (m: MessageKey) => (m.customerId != null ? `c:${m.customerId}` : m.recipient.toLowerCase())

function values (m: NewMessage, status: MessageStatus, now: Date, reason: string | null = null) {
  return {
    shopId: m.shopId,
    channel: m.channel,
    kind: m.kind,
    customerId: m.customerId ?? null,
    recipient: m.recipient,
    sourceType: m.sourceType,
    sourceId: m.sourceId,
    occurrence: m.occurrence ?? '',
    recipientKey: recipientKey(m),
    subject: m.subject ?? null,
    parts: m.parts ?? null,
    status,
    reason,
    attempts: status === 'queued' ? 1 : 0,
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * Claims a message as queued. Returns its id, or null when this (source, recipient, channel, occurrence) was claimed
 * before: whatever became of it (sent, failed, unknown after a crash), it is never sent a second time.
 */
export async function claimMessage (db: Db, m: NewMessage, now: Date): Promise<string | null> {
  const [row] = await db.insert(messages).values(values(m, 'queued', now)).onConflictDoNothing().returning({ id: messages.id })
  return row?.id ?? null
}

/** A message not sent, and why (no consent, no contact, refused, cap …); recorded once per key like any other. */
export async function recordSkipped (db: Db, m: NewMessage, reason: string, now: Date): Promise<void> {
  await db.insert(messages).values(values(m, 'skipped', now, reason)).onConflictDoNothing()
}

export async function settleMessage (db: Db, shopId: string, id: string, outcome: { status: 'sent' | 'failed' | 'unknown', reason?: string | null, providerId?: string | null }, now: Date): Promise<void> {
  await db.update(messages).set({
    status: outcome.status,
    reason: outcome.reason ?? null,
    providerId: outcome.providerId ?? null,
    sentAt: outcome.status === 'sent' ? now : null,
    updatedAt: now,
  }).where(and(eq(messages.shopId, shopId), eq(messages.id, id)))
}

/** A claim the server refused before accepting anything (a quota answer): nothing went out, so it may be claimed again. */
export async function releaseClaim (db: Db, shopId: string, id: string): Promise<void> {
  await db.delete(messages).where(and(eq(messages.shopId, shopId), eq(messages.id, id), eq(messages.status, 'queued')))
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

const counted = inArray(messages.status, ['queued', 'sent', 'unknown'])

/** The newest `limit` advertising messages to one recipient on one channel since `since` (enough for rollingCap). */
export async function recentAdvertising (db: Db, shopId: string, channel: Channel, recipient: string, since: Date, limit: number): Promise<Date[]> {
  const rows = await db.select({ at: messages.createdAt }).from(messages).where(and(
    eq(messages.shopId, shopId), eq(messages.channel, channel), eq(messages.recipient, recipient), gt(messages.createdAt, since),
    eq(messages.kind, 'advertising'), counted)).orderBy(desc(messages.createdAt)).limit(limit)
  return rows.map(r => r.at)
}

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
