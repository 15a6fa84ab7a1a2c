// Loyalty test fixtures: shops, customers and orders written straight into the mirrors.
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { customers, members, orders, shops } from '../../db/schema/index.ts'

export async function addShop (db: Db, shopId: string, status: 'installed' | 'uninstalled' = 'installed') {
  await db.insert(shops).values({ shopId, name: `Shop ${shopId}`, status }).onConflictDoNothing()
}

export async function addCustomer (db: Db, shopId: string, id: number, extra: Partial<typeof customers.$inferInsert> = {}) {
  await db.insert(customers).values({
    shopId, id, fullName: `Khách ${id}`, phoneE164: `+8490${String(id).padStart(7, '0')}`, email: `k${id}@example.vn`, ...extra,
  })
}

export interface OrderState {
  totalPrice?: number
  shippingPrice?: number
  refundedAmount?: number
  financialStatus?: string
  fulfillmentStatus?: string | null
  cancelled?: boolean
  customerId?: number | null
  phoneE164?: string | null
}

/** Inserts or overwrites an order row with the given state (what a webhook upsert does). */
export async function putOrder (db: Db, shopId: string, id: number, s: OrderState, now = new Date('2025-01-01T03:00:00Z')) {
  const values = {
    shopId,
    id,
    name: `#${id}`,
    customerId: s.customerId ?? null,
    phoneE164: s.phoneE164 ?? null,
    totalPrice: s.totalPrice ?? 0,
    shippingPrice: s.shippingPrice ?? 0,
    refundedAmount: s.refundedAmount ?? 0,
    financialStatus: s.financialStatus ?? 'pending',
    fulfillmentStatus: s.fulfillmentStatus ?? null,
    cancelledAt: s.cancelled ? now : null,
    haravanCreatedAt: now,
    haravanUpdatedAt: now,
  }
  await db.insert(orders).values(values).onConflictDoUpdate({ target: [orders.shopId, orders.id], set: values })
}

export async function member (db: Db, shopId: string, customerId: number) {
  const [m] = await db.select().from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
  return m
}

export function balances (m: typeof members.$inferSelect | undefined) {
  if (!m) return undefined
  return { available: m.pointsAvailable, pending: m.pointsPending, used: m.pointsUsed, expired: m.pointsExpired, rank: m.rankPoints, tierId: m.tierId }
}

/** Runs fn in a transaction typed as Db (what the hooks receive). */
export function inTx<T> (db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => fn(tx))
}
