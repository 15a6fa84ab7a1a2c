// The loyalty side of synced Haravan facts: called in the same transaction that stored the customer or order.
import type { Db } from '../../db/client.ts'

/** After a customer row was inserted or updated (webhook, backfill or reconciliation). */
export async function applyCustomerEffects (_tx: Db, _shopId: string, _customerId: number, _now: Date): Promise<void> {
  // Filled in by the loyalty engine (auto-activation, identifier freeze).
}

/** After an order row was inserted or updated: converge the order's points (safe to call any number of times). */
export async function applyOrderEffects (_tx: Db, _shopId: string, _orderId: number, _now: Date): Promise<void> {
  // Filled in by the loyalty engine (order convergence under a per-order lock).
}
