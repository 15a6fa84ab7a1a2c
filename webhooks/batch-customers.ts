// customers/create and customers/update deliveries of a webhook batch: stored and applied set-based, in the batch's transaction.
/*
 * Why in the batch: a customer delivery applied on its own (receiveDelivery) took about twelve statements in a
 * transaction of its own, and Haravan sends customers/create beside the buyer's first order, so the two
 * transactions met on the customer's and the member's rows and the batch, which holds every order behind it,
 * waited. Here the same rules as the customers topic handler (upsert unless stale, keep members.birthday_month,
 * then applyCustomerEffects: automatic activation and the convergence of orders that came first) run in a few
 * statements, before the batch's orders, which then see the new members.
 */
import { sql } from 'drizzle-orm'
import { intArray, queryPrepared, queryRows, type Db } from '../db/client.ts'
import { customerJson, upsertCustomersSql } from '../server/haravan/store.ts'
import type { ParsedCustomer } from '../server/haravan/mappers.ts'
import { activateForOrders } from '../server/loyalty/batch-activation.ts'
import { syncHaravanConsent } from '../server/messaging/consent.ts'
import { convergeCustomerOrders } from '../server/loyalty/order-points.ts'
import { queueAutomaticRewards } from '../server/loyalty/rewards-catalogue.ts'
import { tierForRankPoints } from '../server/loyalty/rules.ts'
import { settingsFromStored } from '../server/loyalty/settings.ts'
import { tiersFromRows } from '../server/loyalty/tiers.ts'
import { batchInboxCtes, type Delivery } from './inbox.ts'

export interface CustomerItem { delivery: Delivery, customer: ParsedCustomer }

/** Stores and applies the items (at most one per shop and customer); returns the inbox keys `shop|topic|hash` stored. */
export async function applyCustomerItems (tx: Db, items: CustomerItem[]): Promise<Set<string>> {
  if (items.length === 0) return new Set()
  const fields = (i: number) => {
    const { delivery: d, customer } = items[i] as CustomerItem
    return `"c":${JSON.stringify(customerJson(d.shopId, customer, d.now))}`
  }
  const written = await queryPrepared<{ kind: 'inbox' | 'customer', shop_id: string, topic: string | null, body_hash: string | null, id: unknown }>(tx, sql`
    with ${batchInboxCtes(items.map(x => x.delivery), fields, 'c json')}, up as (${upsertCustomersSql(sql`select v.c from v join inbox using (shop_id, topic, body_hash)`)})
    select 'inbox' as kind, shop_id, topic, body_hash, null::bigint as id from inbox
    union all
    select 'customer', shop_id, null, null, id from up`)
  const byShop = new Map<string, { ids: number[], now: Date }>()
  for (const r of written) {
    if (r.kind !== 'customer') continue
    const now = items.find(i => i.delivery.shopId === r.shop_id && i.customer.id === Number(r.id))?.delivery.now ?? new Date()
    const entry = byShop.get(r.shop_id) ?? { ids: [], now }
    entry.ids.push(Number(r.id))
    if (now > entry.now) entry.now = now
    byShop.set(r.shop_id, entry)
  }
  for (const [shopId, { ids, now }] of byShop) await customerEffects(tx, shopId, ids.sort((a, b) => a - b), now)
  return new Set(written.filter(r => r.kind === 'inbox').map(r => `${r.shop_id}|${r.topic}|${r.body_hash}`))
}

/** upsertCustomer's consent sync and birthday month, and applyCustomerEffects, for the customers just written (not stale). */
async function customerEffects (tx: Db, shopId: string, ids: number[], now: Date): Promise<void> {
  // Haravan's accepts_marketing becomes consent, unless the app recorded the customer's own decision. Sent without
  // waiting: the next statement does not depend on it, so both go in one write (pipelined) and cost one round trip.
  const consent = syncHaravanConsent(tx, shopId, ids, now)
  // Existing members follow the customer's birthday month; who is no member yet is a candidate for activation.
  const shopRead = queryRows<{ settings: unknown, tiers: unknown, registration: unknown, missing: unknown }>(tx, sql`
    with b as (
      update members m set birthday_month = extract(month from c.birthday)::smallint
      from customers c
      where m.shop_id = ${shopId} and m.customer_id = any(${intArray(ids)}::bigint[]) and c.shop_id = m.shop_id and c.id = m.customer_id
        and m.birthday_month is distinct from extract(month from c.birthday)::smallint
      returning m.customer_id
    )
    select (select s.settings from loyalty_settings s where s.shop_id = ${shopId}) as settings,
      (select json_agg(json_build_object('id', t.id, 'name', t.name, 'threshold', t.threshold, 'earnMultiplierPct', t.earn_multiplier_pct)
        order by t.position) from tiers t where t.shop_id = ${shopId}) as tiers,
      exists (select 1 from auto_rewards a where a.shop_id = ${shopId} and a.trigger = 'registration' and a.enabled) as registration,
      (select json_agg(x.id) from unnest(${intArray(ids)}::bigint[]) x(id)
        where not exists (select 1 from members m where m.shop_id = ${shopId} and m.customer_id = x.id)) as missing,
      (select count(*) from b) as birthdays`)
  const [, [shop]] = await Promise.all([consent, shopRead])
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) as unknown : v)
  const settings = settingsFromStored(json(shop?.settings) as Record<string, unknown> | null)
  const missing = ((json(shop?.missing) ?? []) as (number | string)[]).map(Number)
  if (!settings.autoActivate || missing.length === 0) return
  const tiers = tiersFromRows((json(shop?.tiers) ?? []) as Parameters<typeof tiersFromRows>[0])
  const activated = await activateForOrders(tx, shopId, missing, [], tierForRankPoints(tiers, Number.MIN_SAFE_INTEGER).id, now)
  const registration = shop?.registration === true || shop?.registration === 't'
  if (registration) await queueAutomaticRewards(tx, shopId, 'registration', activated.map(a => ({ customerId: a.customerId, now })))
  // Orders that came before the customer now have a member.
  for (const a of activated) if (a.hasOtherOrders) await convergeCustomerOrders(tx, shopId, a.customerId, now)
}
