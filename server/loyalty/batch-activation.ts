// Automatic activation for a batch of orders in one statement: the buyers the webhook batch meets for the first time.
/*
 * Without it, every order whose buyer was not yet a member left the batch's fast path for convergeOrder (about
 * twenty statements, inside the batch's transaction, holding up every delivery behind it). The rules are
 * activateMember's: the member takes the customer's phone, email and birthday month, the lowest tier, source
 * 'auto'; the registration reward is queued when the shop enabled one. A customer who already has other orders (a
 * guest order with the phone, an earlier order) is converged the general way, as convergeCustomerOrders does.
 */
import { sql, type SQL } from 'drizzle-orm'
import { intArray, queryPrepared, type Db } from '../../db/client.ts'

export interface Activated { customerId: number, tierId: string | null, hasOtherOrders: boolean }

/**
 * Whether customer `id` (phone `phone`) has orders besides `batchOrderIds`: by customer id, or a guest order with their
 * phone. The one statement of "other orders" for an activation (they are converged the general way).
 */
export function otherOrdersSql (shopId: string, id: SQL, phone: SQL, batchOrderIds: SQL): SQL {
  return sql`(
      exists (select 1 from orders o where o.shop_id = ${shopId} and o.customer_id = ${id} and o.id <> all(${batchOrderIds}))
      or (${phone} is not null and exists (select 1 from orders o where o.shop_id = ${shopId} and o.phone_e164 = ${phone}
        and o.id <> all(${batchOrderIds}))))`
}

/**
 * Activates those of `customerIds` that have a customer row and no member yet. `batchOrderIds`: the orders being
 * converged now (not counted as other orders). Customers that became members meanwhile are not returned.
 * onlyFirstOrders: customers with other orders are left alone too (not returned), for the caller to converge the
 * general way. A prepared statement (two texts, by onlyFirstOrders): the ids and times are its parameters.
 */
export async function activateForOrders (
  tx: Db, shopId: string, customerIds: number[], batchOrderIds: number[], tierId: string, now: Date, onlyFirstOrders = false,
): Promise<Activated[]> {
  if (customerIds.length === 0) return []
  const at = now.toISOString()
  const batch = sql`${intArray(batchOrderIds)}::bigint[]`
  const rows = await queryPrepared<{ customer_id: unknown, tier_id: string | null, has_other: unknown }>(tx, sql`
    with ins as (
      insert into members (shop_id, customer_id, phone_e164, email, birthday_month, activated_at, activation_source, tier_id, updated_at)
      select c.shop_id, c.id, c.phone_e164, c.email, extract(month from c.birthday)::smallint, ${at}::timestamptz, 'auto', ${tierId}::text,
        ${at}::timestamptz
      from customers c where c.shop_id = ${shopId} and c.id = any(${intArray(customerIds)}::bigint[])
        ${onlyFirstOrders ? sql`and not ${otherOrdersSql(shopId, sql`c.id`, sql`c.phone_e164`, batch)}` : sql``}
      order by c.id
      on conflict (shop_id, customer_id) do nothing
      returning customer_id, tier_id, phone_e164
    )
    select ins.customer_id, ins.tier_id, ${otherOrdersSql(shopId, sql`ins.customer_id`, sql`ins.phone_e164`, batch)} as has_other
    from ins order by ins.customer_id`)
  return rows.map(r => ({ customerId: Number(r.customer_id), tierId: r.tier_id, hasOtherOrders: r.has_other === true || r.has_other === 't' }))
}
