// The append-only points ledger: entries with idempotency keys, and the member's cached balances kept in step.
/*
 * Cached balances on `members` — each is a sum over the member's ledger_entries, changed in the same
 * transaction as the entry (postLedgerEntry), so `cached == sum(entries)` always holds (ledger:verify):
 *
 *   points_available = Σ points  where state = 'available'            (earn/opening/adjust/redeem/reverse/expire
 *                                                                       posted as available, and every 'release')
 *   points_pending   = Σ points  where state = 'pending'  −  Σ points where kind = 'release'
 *   points_used      = −Σ points where kind = 'redeem'                 (a voided reservation posts a positive 'redeem')
 *   points_expired   = −Σ points where kind = 'expire'
 *   rank_points      = Σ rank_points                                   (lifetime; the rolling window is computed by jobs)
 *
 * A 'release' entry moves points from pending to available: it is always state 'available' and carries
 * the source, source_id and available_at of the pending lot it matures, so a lot's unreleased remainder is
 * Σ pending points of (source, source_id, available_at) − Σ release points of the same.
 * Nothing in ledger_entries is ever updated or deleted. Balances may go negative only through clawbacks
 * (reverse, expire, negative adjust); spending (spendPoints) locks the member row and refuses overdraft.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { customers, ledgerEntries, members } from '../../db/schema/index.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { lowestTierId } from './tiers.ts'
import { queueAutomaticReward } from './rewards-catalogue.ts'
import { formatVi } from '../zod-vi.ts'

export type EntryKind = 'earn' | 'opening' | 'redeem' | 'reverse' | 'expire' | 'adjust' | 'release'
export type EntrySource = 'order' | 'import' | 'adjustment' | 'reward' | 'system'

export interface NewEntry {
  customerId: number
  kind: EntryKind
  points: number // signed integer
  rankPoints?: number // signed integer, default 0
  state: 'pending' | 'available'
  availableAt: Date
  expiresAt?: Date | null
  source: EntrySource
  sourceId?: string
  idempotencyKey: string // unique per shop
  reason?: string
  rule?: Record<string, unknown>
  actor?: string
}

export interface BalanceDelta { available: number, pending: number, used: number, expired: number, rank: number }

/** How one entry moves the cached balances (the definitions above, per entry). */
export function balanceDelta (entry: Pick<NewEntry, 'kind' | 'points' | 'rankPoints' | 'state'>): BalanceDelta {
  const p = entry.points
  return {
    available: entry.state === 'available' ? p : 0,
    pending: (entry.state === 'pending' ? p : 0) - (entry.kind === 'release' ? p : 0),
    used: entry.kind === 'redeem' ? -p : 0,
    expired: entry.kind === 'expire' ? -p : 0,
    rank: entry.rankPoints ?? 0,
  }
}

// Kinds that show the customer was active (inactivity expiry counts from the last of these).
const ACTIVITY_KINDS = new Set<EntryKind>(['earn', 'redeem', 'opening'])

/**
 * Inside a transaction: inserts the entry unless its idempotency key exists and updates the member's cached
 * balances in the same transaction. Returns false for a duplicate (nothing changed). The member row must exist.
 */
export async function postLedgerEntry (tx: Db, shopId: string, entry: NewEntry, now: Date): Promise<boolean> {
  if (!Number.isSafeInteger(entry.points) || !Number.isSafeInteger(entry.rankPoints ?? 0)) {
    throw new RangeError('ledger points must be safe integers')
  }
  if (entry.kind === 'release' && entry.state !== 'available') throw new RangeError('a release entry is always available')
  const inserted = await tx.insert(ledgerEntries).values({
    shopId,
    customerId: entry.customerId,
    kind: entry.kind,
    points: entry.points,
    rankPoints: entry.rankPoints ?? 0,
    state: entry.state,
    availableAt: entry.availableAt,
    expiresAt: entry.expiresAt ?? null,
    source: entry.source,
    sourceId: entry.sourceId ?? null,
    idempotencyKey: entry.idempotencyKey,
    reason: entry.reason ?? null,
    rule: entry.rule ?? null,
    actor: entry.actor ?? null,
    createdAt: now,
  }).onConflictDoNothing({ target: [ledgerEntries.shopId, ledgerEntries.idempotencyKey] })
    .returning({ id: ledgerEntries.id })
  if (inserted.length === 0) return false

  const d = balanceDelta(entry)
  const updated = await tx.update(members).set({
    pointsAvailable: sql`${members.pointsAvailable} + ${d.available}`,
    pointsPending: sql`${members.pointsPending} + ${d.pending}`,
    pointsUsed: sql`${members.pointsUsed} + ${d.used}`,
    pointsExpired: sql`${members.pointsExpired} + ${d.expired}`,
    rankPoints: sql`${members.rankPoints} + ${d.rank}`,
    ...(ACTIVITY_KINDS.has(entry.kind)
      ? { lastActivityAt: sql`greatest(${members.lastActivityAt}, ${now.toISOString()}::timestamptz)` }
      : {}),
    updatedAt: now,
  }).where(and(eq(members.shopId, shopId), eq(members.customerId, entry.customerId)))
    .returning({ customerId: members.customerId })
  // Throwing rolls the inserted entry back with the transaction: an entry never exists without its member.
  if (updated.length === 0) throw new NotFoundError(`Khách hàng ${entry.customerId} chưa là thành viên`)
  return true
}

export type MemberRow = typeof members.$inferSelect

/** Locks the member row for the rest of the transaction (spends, reversals and maturing serialise on it). */
export async function lockMember (tx: Db, shopId: string, customerId: number): Promise<MemberRow | undefined> {
  const [row] = await tx.select().from(members)
    .where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
    .for('update')
  return row
}

/**
 * Activates (idempotently) the customer as a member; returns whether the row was created.
 * source: 'auto' | 'manual' | 'import'. Freezes phone_e164 and email from the customer at activation.
 */
export async function activateMember (
  tx: Db, shopId: string, customerId: number, source: 'auto' | 'manual' | 'import', _actor: string, now: Date,
): Promise<{ created: boolean }> {
  // Callers log activations themselves: a manual one to the activity log; auto/import ones in bulk would flood it.
  const [customer] = await tx.select({
    phoneE164: customers.phoneE164,
    email: customers.email,
    birthdayMonth: sql<number | null>`extract(month from ${customers.birthday})::smallint`,
  }).from(customers)
    .where(and(eq(customers.shopId, shopId), eq(customers.id, customerId)))
  if (!customer) throw new NotFoundError('Không tìm thấy khách hàng')
  const inserted = await tx.insert(members).values({
    shopId,
    customerId,
    phoneE164: customer.phoneE164,
    email: customer.email,
    birthdayMonth: customer.birthdayMonth === null ? null : Number(customer.birthdayMonth),
    activatedAt: now,
    activationSource: source,
    tierId: await lowestTierId(tx, shopId),
    updatedAt: now,
  }).onConflictDoNothing({ target: [members.shopId, members.customerId] }).returning({ customerId: members.customerId })
  if (inserted.length > 0 && source !== 'import') await queueAutomaticReward(tx, shopId, customerId, 'registration', {}, now)
  return { created: inserted.length > 0 }
}

export class InsufficientPointsError extends ConflictError {
  constructor (available: number, wanted: number) {
    super(`Không đủ điểm: có ${formatVi(available)} điểm khả dụng, cần ${formatVi(wanted)} điểm`)
  }
}

export interface SpendInput {
  customerId: number
  points: number // positive: how many to spend
  idempotencyKey: string
  source?: EntrySource
  sourceId?: string
  reason?: string
  actor?: string
  rule?: Record<string, unknown>
}

/**
 * Spends (reserves) available points as a 'redeem' entry under the member row lock: two concurrent spends can
 * never use the same points. Throws InsufficientPointsError when available < points; false for a duplicate key.
 * A redemption that is later voided is undone by a positive 'redeem' entry (see the balance definitions).
 */
export async function spendPoints (tx: Db, shopId: string, input: SpendInput, now: Date): Promise<boolean> {
  if (!Number.isSafeInteger(input.points) || input.points <= 0) throw new RangeError('spend a positive integer of points')
  const member = await lockMember(tx, shopId, input.customerId)
  if (!member) throw new NotFoundError('Không tìm thấy thành viên')
  const [dup] = await tx.select({ id: ledgerEntries.id }).from(ledgerEntries)
    .where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.idempotencyKey, input.idempotencyKey)))
  if (dup) return false
  if (member.pointsAvailable < input.points) throw new InsufficientPointsError(member.pointsAvailable, input.points)
  return postLedgerEntry(tx, shopId, {
    customerId: input.customerId,
    kind: 'redeem',
    points: -input.points,
    state: 'available',
    availableAt: now,
    source: input.source ?? 'reward',
    sourceId: input.sourceId,
    idempotencyKey: input.idempotencyKey,
    reason: input.reason,
    actor: input.actor,
    rule: input.rule,
  }, now)
}
