// One member: the profile (personal, membership, contact), the points history, manual activation and adjustments.
import { randomUUID } from 'node:crypto'
import { and, count, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { customers, ledgerEntries, members, orders } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { NotFoundError } from '../errors.ts'
import { activateMember, writeLedgerEntries } from './ledger.ts'
import { convergeCustomerOrders } from './order-points.ts'
import { getTiers, memberTier } from './tiers.ts'

const NOT_A_MEMBER = 'Không tìm thấy thành viên'

export async function memberProfile (db: Db, shopId: string, customerId: number) {
  const [row] = await db.select({ m: members, c: customers }).from(members)
    .innerJoin(customers, and(eq(customers.shopId, members.shopId), eq(customers.id, members.customerId)))
    .where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
  if (!row) throw new NotFoundError(NOT_A_MEMBER)
  const { m, c } = row
  const tier = memberTier(await getTiers(db, shopId), m.tierId, m.rankPoints)
  return {
    customerId: m.customerId,
    name: c.fullName || [c.lastName, c.firstName].filter(Boolean).join(' '),
    personal: {
      birthday: c.birthday,
      gender: c.gender,
      address: c.address,
      province: c.province,
      district: c.district,
      ward: c.ward,
    },
    membership: {
      tier: { id: tier.id, name: tier.name },
      pointsAvailable: m.pointsAvailable,
      pointsPending: m.pointsPending,
      pointsUsed: m.pointsUsed,
      pointsExpired: m.pointsExpired,
      rankPoints: m.rankPoints,
      totalSpent: m.totalSpent,
      ordersCount: m.ordersCount,
      averageOrderValue: m.ordersCount > 0 ? Math.floor(m.totalSpent / m.ordersCount) : 0,
      lastOrderAt: m.lastOrderAt?.toISOString() ?? null,
      memberSince: m.activatedAt.toISOString(),
      activationSource: m.activationSource,
    },
    // The identifiers frozen at activation (customer sync never overwrites them).
    contact: { phone: m.phoneE164, email: m.email },
  }
}

export type MemberProfile = Awaited<ReturnType<typeof memberProfile>>

async function requireMember (db: Db, shopId: string, customerId: number) {
  const [m] = await db.select({ id: members.customerId }).from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
  if (!m) throw new NotFoundError(NOT_A_MEMBER)
}

/** Newest first. */
export async function pointsHistory (db: Db, shopId: string, customerId: number, page: number, limit: number) {
  await requireMember(db, shopId, customerId)
  const where = and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.customerId, customerId))
  const [rows, [total]] = await Promise.all([
    // An order's entries show the order as the merchant knows it (its name, its date at Haravan): one join, by key.
    db.select({ e: ledgerEntries, orderName: orders.name, orderAt: orders.haravanCreatedAt }).from(ledgerEntries)
      .leftJoin(orders, and(eq(orders.shopId, ledgerEntries.shopId), eq(ledgerEntries.source, 'order'),
        sql`${orders.id} = case when ${ledgerEntries.sourceId} ~ '^[0-9]{1,18}$' then ${ledgerEntries.sourceId}::bigint end`))
      .where(where).orderBy(desc(ledgerEntries.id)).limit(limit).offset((page - 1) * limit),
    db.select({ n: count() }).from(ledgerEntries).where(where),
  ])
  return {
    items: rows.map(({ e, orderName, orderAt }) => ({
      id: e.id,
      kind: e.kind,
      points: e.points,
      rankPoints: e.rankPoints,
      state: e.state,
      reason: e.reason,
      source: e.source,
      sourceId: e.sourceId,
      actor: e.actor,
      createdAt: e.createdAt.toISOString(),
      availableAt: e.availableAt.toISOString(),
      expiresAt: e.expiresAt?.toISOString() ?? null,
      orderName: orderName ?? null,
      occurredAt: (orderAt ?? e.createdAt).toISOString(),
    })),
    total: Number(total?.n ?? 0),
    page,
    limit,
  }
}

/** Manual activation (idempotent): converges the customer's existing orders and logs 'member.activated'. */
export async function activateManually (db: Db, shopId: string, customerId: number, actor: string, now: Date): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    const result = await activateMember(tx, shopId, customerId, 'manual', actor, now)
    if (result.created) {
      await convergeCustomerOrders(tx, shopId, customerId, now)
      await logActivity(tx, shopId, { actor, action: 'member.activated', subject: String(customerId), details: { source: 'manual' } }, now)
    }
    return result
  })
}

export interface BulkActivation { activated: number[], alreadyMembers: number[], notFound: number[] }

/**
 * Kích hoạt thành viên from the customers list, one or many: each customer in its own transaction (the clock read for
 * each), so one unknown id does not undo the rest. Unlike activateManually it does not converge past orders.
 */
export async function activateCustomers (db: Db, shopId: string, customerIds: Iterable<number>, actor: string, clock: () => Date): Promise<BulkActivation> {
  const result: BulkActivation = { activated: [], alreadyMembers: [], notFound: [] }
  for (const customerId of new Set(customerIds)) {
    const now = clock()
    try {
      await db.transaction(async (tx) => {
        const { created } = await activateMember(tx, shopId, customerId, 'manual', actor, now)
        if (!created) { result.alreadyMembers.push(customerId); return }
        await logActivity(tx, shopId, { actor, action: 'member.activated', subject: String(customerId), details: { source: 'manual' } }, now)
        result.activated.push(customerId)
      })
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) result.notFound.push(customerId)
      else throw err
    }
  }
  return result
}

/** A manual adjustment: positive credits available points, negative is a clawback (may leave a debt). */
export async function adjustPoints (
  db: Db, shopId: string, customerId: number, input: { points: number, reason: string, idempotencyKey?: string }, actor: string, now: Date,
): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    await requireMember(tx, shopId, customerId)
    const key = `adjust:${input.idempotencyKey ?? randomUUID()}`
    const created = await writeLedgerEntries(tx, shopId, [{
      customerId,
      kind: 'adjust',
      points: input.points,
      state: 'available',
      availableAt: now,
      source: 'adjustment',
      idempotencyKey: key,
      reason: input.reason,
      actor,
    }], now) > 0
    if (created) {
      await logActivity(tx, shopId, { actor, action: 'member.points.adjusted', subject: String(customerId), details: { points: input.points, reason: input.reason } }, now)
    }
    return { created }
  })
}
