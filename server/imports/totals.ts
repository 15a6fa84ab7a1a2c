// After an import batch: the totals (Tổng chi tiêu = DTTichLuy + paid spend since the import, orders) of its members that have orders.
import { sql } from 'drizzle-orm'
import { intArray, queryRows, type Db } from '../../db/client.ts'
import { memberTotalsQuery, memberTotalsSet } from '../loyalty/order-points.ts'

/**
 * The apply and the undo set a member's total_spent from its baseline in the statement that moves the baseline, which
 * is the whole answer for a member without orders (nearly every member of a large opening import). The members of the
 * batch that have orders, found here with two joins rather than a probe per member, are then recomputed the way an
 * order recomputes them (memberTotalsQuery), in one statement for the batch.
 */
export async function refreshImportedTotals (tx: Db, shopId: string, customerIds: number[], now: Date): Promise<void> {
  if (customerIds.length === 0) return
  const ids = intArray(customerIds)
  const rows = await queryRows<{ customer_id: unknown }>(tx, sql`
    select o.customer_id from orders o
    where o.shop_id = ${shopId} and o.customer_id = any(${ids}::bigint[]) and not o.deleted
    union
    select m.customer_id from members m join orders o on o.shop_id = m.shop_id and o.phone_e164 = m.phone_e164 and not o.deleted
    where m.shop_id = ${shopId} and m.customer_id = any(${ids}::bigint[])`)
  if (rows.length === 0) return
  const found = intArray(rows.map((r) => Number(r.customer_id)))
  await tx.execute(sql`
    with t as (${memberTotalsQuery(shopId, rows.map((r) => Number(r.customer_id)))})
    update members u set ${memberTotalsSet(now)}
    from t where u.shop_id = ${shopId} and u.customer_id = t.customer_id and u.customer_id = any(${found}::bigint[])`)
}
