// The loyalty side of a synced Haravan customer (an order's is convergeOrder, order-points.ts): in the transaction that stored it.
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { customers, members } from '../../db/schema/index.ts'
import { activateMember } from './ledger.ts'
import { convergeCustomerOrders } from './order-points.ts'
import { getLoyaltySettings } from './settings.ts'

/**
 * After a customer row was inserted or updated (webhook, backfill or reconciliation).
 * With autoActivate on (the default), customer sync alone activates the customer (DESIGN: "automatic … on first
 * order or customer sync"), then converges the orders that arrived before the customer did. A member's frozen
 * phone and email are never touched here: sync writes only the customers mirror.
 */
export async function applyCustomerEffects (tx: Db, shopId: string, customerId: number, now: Date): Promise<void> {
  const [member] = await tx.select({ id: members.customerId }).from(members)
    .where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
  if (member) return
  const settings = await getLoyaltySettings(tx, shopId)
  if (!settings.autoActivate) return
  const [customer] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.shopId, shopId), eq(customers.id, customerId)))
  if (!customer) return
  const { created } = await activateMember(tx, shopId, customerId, 'auto', 'system', now)
  if (created) await convergeCustomerOrders(tx, shopId, customerId, now)
}
