// Redeeming points for a Haravan discount code, two-phase: reserve points (one transaction) → create the code → issue, hold or void.
/*
 * Phase 1 commits the 'reserved' reward together with its spend (a negative 'redeem' entry under the member row
 * lock), so two redemptions can never use the same points. Phase 2 talks to Haravan outside any transaction:
 *   created (or 422 "code taken" — our own earlier attempt) → 'issued';
 *   403 (the shop refused the discount scope)              → 'held': the spend is voided, the merchant is told
 *                                                             what to create by hand (or to grant the scope);
 *   anything else (after the client's retries)             → 'voided': the spend is voided.
 * A crash between the phases leaves a 'reserved' row that settleStaleReservations finishes the same way.
 * Status changes are guarded (`where status in (…)`), so a settle racing the original request changes it once.
 */
import { randomUUID } from 'node:crypto'
import { and, asc, count, desc, eq, inArray, lt, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { members, rewardOptions, rewards } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { HaravanApiError, type HaravanClient } from '../haravan/client.ts'
import { spendPoints, writeLedgerEntries } from './ledger.ts'
import {
  describeDiscount, discountPayload, newRewardCode, reserveKey, rewardView, shopTimeZone, validityWindow, voidKey,
  type RewardRow, type RewardView,
} from './rewards-terms.ts'

export interface RewardDeps {
  db: Db
  client: Pick<HaravanClient, 'createDiscount'>
  clock: () => Date
  log?: { warn (obj: object, msg?: string): void }
}

const OPEN = ['reserved', 'pending'] as const

async function findReward (db: Db, shopId: string, where: SQL | undefined): Promise<RewardRow | undefined> {
  const [row] = await db.select().from(rewards).where(and(eq(rewards.shopId, shopId), where))
  return row
}

async function view (db: Db, row: RewardRow): Promise<RewardView> {
  return rewardView(row, await shopTimeZone(db, row.shopId))
}

/** Phase 1: the reserved reward and its spend, in one transaction. Returns the existing reward for a repeated key. */
export async function reserveReward (
  deps: RewardDeps, shopId: string, customerId: number, optionId: string, idempotencyKey: string, actor: string,
): Promise<{ row: RewardRow, created: boolean }> {
  const { db } = deps
  const key = `redeem:${idempotencyKey}`
  const existing = await findReward(db, shopId, eq(rewards.idempotencyKey, key))
  if (existing) return { row: existing, created: false }
  const [option] = await db.select().from(rewardOptions)
    .where(and(eq(rewardOptions.shopId, shopId), eq(rewardOptions.id, optionId), eq(rewardOptions.active, true)))
  if (!option) throw new NotFoundError('Không tìm thấy ưu đãi đổi điểm')
  const now = deps.clock()
  const id = randomUUID()
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx.insert(rewards).values({
      shopId,
      id,
      customerId,
      trigger: 'redeem',
      optionId,
      status: 'reserved',
      points: option.pointsCost,
      discountType: option.discountType,
      value: option.value,
      minimumOrderAmount: option.minimumOrderAmount,
      code: newRewardCode(),
      ...validityWindow(now, option.validDays, await shopTimeZone(tx, shopId)),
      idempotencyKey: key,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
    }).onConflictDoNothing({ target: [rewards.shopId, rewards.idempotencyKey] }).returning()
    // A concurrent request with the same key committed first.
    if (!inserted) return undefined
    await spendPoints(tx, shopId, {
      customerId,
      points: option.pointsCost,
      idempotencyKey: reserveKey(id, 1),
      source: 'reward',
      sourceId: id,
      reason: `Đổi điểm: ${option.name} (${inserted.code})`,
      actor,
    }, now)
    return inserted
  })
  if (row) return { row, created: true }
  const winner = await findReward(db, shopId, eq(rewards.idempotencyKey, key))
  if (!winner) throw new ConflictError('Yêu cầu đổi điểm đang được xử lý, hãy thử lại')
  return { row: winner, created: false }
}

/** Both phases. A repeated Idempotency-Key returns the first request's reward without spending again. */
export async function redeemReward (
  deps: RewardDeps, shopId: string, customerId: number, optionId: string, idempotencyKey: string, actor: string,
): Promise<RewardView & { created: boolean }> {
  const { row, created } = await reserveReward(deps, shopId, customerId, optionId, idempotencyKey, actor)
  const final = created ? await issueReward(deps, row) : row
  return { ...await view(deps.db, final), created }
}

function isDuplicateCode (err: HaravanApiError): boolean {
  return err.status === 422 && /code|taken|exist/i.test(JSON.stringify(err.body ?? ''))
}

/** Phase 2 for a 'reserved' or 'pending' reward: create the code on Haravan and settle the reward. */
export async function issueReward (deps: RewardDeps, row: RewardRow): Promise<RewardRow> {
  let discountId: number | null
  try {
    discountId = (await deps.client.createDiscount(row.shopId, discountPayload(row))).id
  } catch (err) {
    if (err instanceof HaravanApiError && isDuplicateCode(err)) {
      // Our own earlier attempt created it (crash or lost answer): the code exists, so the reward is issued.
      discountId = null
    } else {
      const refused = err instanceof HaravanApiError && err.status === 403
      deps.log?.warn({ err, shopId: row.shopId, rewardId: row.id }, refused ? 'Haravan refused the discount scope: reward held' : 'discount creation failed: reward voided')
      const message = err instanceof Error ? err.message : String(err)
      return release(deps, row, refused ? 'held' : 'voided', message.slice(0, 1000))
    }
  }
  return markIssued(deps, row, discountId)
}

async function markIssued (deps: RewardDeps, row: RewardRow, discountId: number | null): Promise<RewardRow> {
  const now = deps.clock()
  return deps.db.transaction(async (tx) => {
    const [updated] = await tx.update(rewards).set({ status: 'issued', haravanDiscountId: discountId, error: null, updatedAt: now })
      .where(and(eq(rewards.shopId, row.shopId), eq(rewards.id, row.id), inArray(rewards.status, OPEN))).returning()
    if (!updated) return (await findReward(tx, row.shopId, eq(rewards.id, row.id)))!
    await logActivity(tx, row.shopId, {
      actor: updated.createdBy ?? 'system',
      action: 'reward.issued',
      subject: String(updated.customerId),
      details: { rewardId: updated.id, code: updated.code, trigger: updated.trigger, points: updated.points, discount: describeDiscount(updated.discountType, updated.value) },
    }, now)
    return updated
  })
}

/** Held or voided: gives the reserved points back (a positive 'redeem' entry) in the same transaction. */
async function release (deps: RewardDeps, row: RewardRow, status: 'held' | 'voided', error: string): Promise<RewardRow> {
  const now = deps.clock()
  return deps.db.transaction(async (tx) => {
    const [updated] = await tx.update(rewards).set({ status, error, updatedAt: now })
      .where(and(eq(rewards.shopId, row.shopId), eq(rewards.id, row.id), inArray(rewards.status, OPEN))).returning()
    if (!updated) return (await findReward(tx, row.shopId, eq(rewards.id, row.id)))!
    if (updated.points > 0) {
      await writeLedgerEntries(tx, row.shopId, [{
        customerId: updated.customerId,
        kind: 'redeem',
        points: updated.points,
        state: 'available',
        availableAt: now,
        source: 'reward',
        sourceId: updated.id,
        idempotencyKey: voidKey(updated.id, updated.attempt),
        reason: status === 'held' ? `Hoàn điểm: chưa tạo được mã ${updated.code} trên Haravan (chờ xử lý)` : `Hoàn điểm: huỷ mã ${updated.code}`,
        actor: 'system',
      }], now)
    }
    await logActivity(tx, row.shopId, {
      actor: updated.createdBy ?? 'system',
      action: status === 'held' ? 'reward.held' : 'reward.voided',
      subject: String(updated.customerId),
      details: { rewardId: updated.id, code: updated.code, trigger: updated.trigger, points: updated.points, error },
    }, now)
    return updated
  })
}

export interface SettleResult { issued: number, held: number, voided: number }

/**
 * Finishes rewards left 'reserved' (a crash between the phases) older than olderThanMs, and, with
 * includePending, automatic rewards waiting for their code. Re-creating is safe: 422 "taken" counts as created.
 */
export async function settleStaleReservations (
  deps: RewardDeps, opts: { olderThanMs: number, shopId?: string, includePending?: boolean, limit?: number },
): Promise<SettleResult> {
  const cutoff = new Date(deps.clock().getTime() - opts.olderThanMs)
  const statuses = opts.includePending ? [...OPEN] : ['reserved' as const]
  const rows = await deps.db.select().from(rewards)
    .where(and(opts.shopId ? eq(rewards.shopId, opts.shopId) : undefined, inArray(rewards.status, statuses), lt(rewards.updatedAt, cutoff)))
    .orderBy(asc(rewards.updatedAt)).limit(opts.limit ?? 200)
  const result: SettleResult = { issued: 0, held: 0, voided: 0 }
  for (const row of rows) {
    const done = await issueReward(deps, row)
    if (done.status === 'issued' || done.status === 'held' || done.status === 'voided') result[done.status] += 1
  }
  return result
}

/** Automatic rewards queued by queueAutomaticReward: create their codes now. */
export function issuePendingRewards (deps: RewardDeps, opts: { shopId?: string, limit?: number } = {}): Promise<SettleResult> {
  return settleStaleReservations(deps, { ...opts, olderThanMs: -1, includePending: true })
}

async function lockHeld (tx: Db, shopId: string, id: string): Promise<RewardRow> {
  const [row] = await tx.select().from(rewards).where(and(eq(rewards.shopId, shopId), eq(rewards.id, id))).for('update')
  if (!row) throw new NotFoundError('Không tìm thấy ưu đãi')
  if (row.status !== 'held') throw new ConflictError('Ưu đãi này không ở trạng thái cần xử lý')
  return row
}

async function spendAgain (tx: Db, row: RewardRow, attempt: number, actor: string, now: Date) {
  if (row.points <= 0) return
  await spendPoints(tx, row.shopId, {
    customerId: row.customerId,
    points: row.points,
    idempotencyKey: reserveKey(row.id, attempt),
    source: 'reward',
    sourceId: row.id,
    reason: `Đổi điểm: ${describeDiscount(row.discountType, row.value)} (${row.code})`,
    actor,
  }, now)
}

/** A held reward after the merchant granted the discount scope: reserve again (a fresh validity window) and create. */
export async function retryHeldReward (deps: RewardDeps, shopId: string, id: string, actor: string): Promise<RewardView> {
  const now = deps.clock()
  const row = await deps.db.transaction(async (tx) => {
    const held = await lockHeld(tx, shopId, id)
    const attempt = held.attempt + 1
    await spendAgain(tx, held, attempt, actor, now)
    // The same number of calendar days as first offered, counted from today.
    const validDays = Math.ceil((held.endsAt.getTime() - held.startsAt.getTime()) / 86_400_000)
    const [updated] = await tx.update(rewards).set({
      status: held.points > 0 ? 'reserved' : 'pending', attempt, error: null, ...validityWindow(now, validDays, await shopTimeZone(tx, shopId)), updatedAt: now,
    }).where(and(eq(rewards.shopId, shopId), eq(rewards.id, id))).returning()
    await logActivity(tx, shopId, { actor, action: 'reward.retried', subject: String(held.customerId), details: { rewardId: id, code: held.code } }, now)
    return updated!
  })
  return view(deps.db, await issueReward(deps, row))
}

/** The merchant created the code by hand in Haravan admin: spend now and mark it issued. */
export async function confirmManualReward (deps: RewardDeps, shopId: string, id: string, actor: string): Promise<RewardView> {
  const now = deps.clock()
  const row = await deps.db.transaction(async (tx) => {
    const held = await lockHeld(tx, shopId, id)
    const attempt = held.attempt + 1
    await spendAgain(tx, held, attempt, actor, now)
    const [updated] = await tx.update(rewards).set({ status: 'issued', attempt, error: null, updatedAt: now })
      .where(and(eq(rewards.shopId, shopId), eq(rewards.id, id))).returning()
    await logActivity(tx, shopId, { actor, action: 'reward.confirmed_manual', subject: String(held.customerId), details: { rewardId: id, code: held.code, points: held.points } }, now)
    return updated!
  })
  return view(deps.db, row)
}

export async function listRewards (
  db: Db, shopId: string, opts: { customerId?: number, status?: RewardRow['status'], page: number, limit: number },
): Promise<{ items: RewardView[], total: number, page: number, limit: number }> {
  if (opts.customerId !== undefined) {
    const [m] = await db.select({ id: members.customerId }).from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, opts.customerId)))
    if (!m) throw new NotFoundError('Không tìm thấy thành viên')
  }
  const where = and(
    eq(rewards.shopId, shopId),
    opts.customerId !== undefined ? eq(rewards.customerId, opts.customerId) : undefined,
    opts.status ? eq(rewards.status, opts.status) : undefined,
  )
  const [rows, [total], tz] = await Promise.all([
    db.select().from(rewards).where(where).orderBy(desc(rewards.createdAt), desc(rewards.id)).limit(opts.limit).offset((opts.page - 1) * opts.limit),
    db.select({ n: count() }).from(rewards).where(where),
    shopTimeZone(db, shopId),
  ])
  return { items: rows.map(r => rewardView(r, tz)), total: Number(total?.n ?? 0), page: opts.page, limit: opts.limit }
}
