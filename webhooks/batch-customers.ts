// customers/create and customers/update deliveries of a webhook batch: stored and applied set-based, in the batch's transaction.
/*
 * Why in the batch: a customer delivery applied on its own (receiveDelivery) took about twelve statements in a
 * transaction of its own, and Haravan sends customers/create beside the buyer's first order, so the two
 * transactions met on the customer's and the member's rows and the batch, which holds every order behind it,
 * waited. Here the same rules as the customers topic handler (upsert unless stale, keep members.birthday_month,
 * then applyCustomerEffects: automatic activation and the convergence of orders that came first) run in a few
 * statements, before the batch's orders, which then see the new members.
 *
 * Round trips, since each one waits behind whatever the event loop is doing under load: the upsert and each shop's
 * read go in one write; the effects (consent, birthday month, activation) in the next. When no customer to activate
 * has orders already, and no registration reward is due, nothing after the effects depends on their answers: they
 * are left in flight (CustomersApplied.effects) and the batch's order statements follow in the same write.
 */
import { sql } from 'drizzle-orm'
import { intArray, queryPrepared, type Db } from '../db/client.ts'
import { customerJson, upsertCustomersSql } from '../server/haravan/store.ts'
import type { ParsedCustomer } from '../server/haravan/mappers.ts'
import { activateForOrders, otherOrdersSql, type Activated } from '../server/loyalty/batch-activation.ts'
import { readRules, shopRulesColumns, type ShopRules } from '../server/loyalty/order-batch.ts'
import { syncHaravanConsent } from '../server/messaging/consent.ts'
import { convergeCustomerOrders } from '../server/loyalty/order-points.ts'
import { queueAutomaticRewards } from '../server/loyalty/rewards-catalogue.ts'
import { tierForRankPoints } from '../server/loyalty/rules.ts'
import { batchInboxCtes, type Delivery } from './inbox.ts'

/** fields: the delivery's row for the batch statement (`"c":` and its customerJson), made when it was submitted. */
export interface CustomerItem { delivery: Delivery, customer: ParsedCustomer, fields: string }

/**
 * keys: the inbox keys `shop|topic|hash` stored. effects: the customers' effects, sent already; await it before
 * anything that must see them is read (the batch's convergence reads), and before COMMIT.
 */
export interface CustomersApplied { keys: Set<string>, effects: Promise<void> }

/** A shop's rules, and which of the batch's customers are no member yet (true: they have orders already). */
interface ShopRead { rules: ShopRules, missing: Map<number, boolean> }

/** A customer delivery's row for applyCustomerItems' statement (CustomerItem.fields). */
export function customerFields (delivery: Delivery, customer: ParsedCustomer): string {
  return `"c":${JSON.stringify(customerJson(delivery.shopId, customer, delivery.now))}`
}

/** Stores and applies the items (at most one per shop and customer). */
export async function applyCustomerItems (tx: Db, items: CustomerItem[]): Promise<CustomersApplied> {
  if (items.length === 0) return { keys: new Set(), effects: Promise.resolve() }
  const fields = (i: number) => (items[i] as CustomerItem).fields
  const writing = queryPrepared<{ kind: 'inbox' | 'customer', shop_id: string, topic: string | null, body_hash: string | null, id: unknown }>(tx, sql`
    with ${batchInboxCtes(items.map(x => x.delivery), fields, 'c json')}, up as (${upsertCustomersSql(sql`select v.c from v join inbox using (shop_id, topic, body_hash)`)})
    select 'inbox' as kind, shop_id, topic, body_hash, null::bigint as id from inbox
    union all
    select 'customer', shop_id, null, null, id from up`)
  // Each shop's read goes out right behind the upsert (one write) and runs after it: it sees the customers written.
  const shops = new Map<string, number[]>()
  for (const { delivery, customer } of items) shops.set(delivery.shopId, [...shops.get(delivery.shopId) ?? [], customer.id])
  const reading = [...shops].map(([shopId, ids]) => readShop(tx, shopId, ids))
  const [written, ...reads] = await Promise.all([writing, ...reading])
  const readOf = new Map([...shops.keys()].map((shopId, i) => [shopId, reads[i] as ShopRead]))

  const byShop = new Map<string, { ids: number[], now: Date }>()
  for (const r of written) {
    if (r.kind !== 'customer') continue
    const now = items.find(i => i.delivery.shopId === r.shop_id && i.customer.id === Number(r.id))?.delivery.now ?? new Date()
    const entry = byShop.get(r.shop_id) ?? { ids: [], now }
    entry.ids.push(Number(r.id))
    if (now > entry.now) entry.now = now
    byShop.set(r.shop_id, entry)
  }
  const keys = new Set(written.filter(r => r.kind === 'inbox').map(r => `${r.shop_id}|${r.topic}|${r.body_hash}`))
  const plans = [...byShop].map(([shopId, { ids, now }]) => effectsPlan(shopId, ids.sort((a, b) => a - b), now, readOf.get(shopId) as ShopRead))
  if (plans.every(p => p.oneRound)) {
    const effects = Promise.all(plans.map(p => sendEffects(tx, p))).then(() => {})
    effects.catch(() => {}) // awaited by the caller; handled here too, in case the caller fails before it awaits
    return { keys, effects }
  }
  for (const plan of plans) await customerEffects(tx, plan)
  return { keys, effects: Promise.resolve() }
}

/** The shop's rules (the convergence read's own columns) and, of `ids`, the customers with no member yet. */
async function readShop (tx: Db, shopId: string, ids: number[]): Promise<ShopRead> {
  const [row] = await queryPrepared<Record<string, unknown>>(tx, sql`
    select ${shopRulesColumns(shopId)},
      (select json_agg(json_build_array(c.id, ${otherOrdersSql(shopId, sql`c.id`, sql`c.phone_e164`, sql`'{}'::bigint[]`)}))::text
        from customers c where c.shop_id = ${shopId} and c.id = any(${intArray(ids)}::bigint[])
          and not exists (select 1 from members m where m.shop_id = c.shop_id and m.customer_id = c.id)) as missing`)
  const missing = typeof row?.missing === 'string' ? JSON.parse(row.missing) as [number | string, boolean][] : []
  return { rules: readRules(row ?? {}), missing: new Map(missing.map(([id, other]) => [Number(id), other])) }
}

interface EffectsPlan {
  shopId: string
  /** the customers just written (not stale), in id order */
  ids: number[]
  now: Date
  /** customers to activate (automatic activation), in id order */
  activate: number[]
  lowestTier: string
  registration: boolean
  timeZone: string
  /** one round trip: no customer to activate has orders already, and no registration reward is due */
  oneRound: boolean
}

function effectsPlan (shopId: string, ids: number[], now: Date, read: ShopRead): EffectsPlan {
  const { rules } = read
  const activate = rules.settings.autoActivate ? ids.filter(id => read.missing.has(id)) : []
  const oneRound = activate.every(id => read.missing.get(id) === false) && !(rules.registration && activate.length > 0)
  const lowestTier = tierForRankPoints(rules.tiers, Number.MIN_SAFE_INTEGER).id
  return { shopId, ids, now, activate, lowestTier, registration: rules.registration, timeZone: rules.timeZone, oneRound }
}

/**
 * upsertCustomer's consent sync and birthday month, and the activation of applyCustomerEffects, sent together (one
 * write, one round trip); resolves with the members created.
 */
async function sendEffects (tx: Db, plan: EffectsPlan): Promise<Activated[]> {
  const { shopId, ids, now } = plan
  // Haravan's accepts_marketing becomes consent, unless the app recorded the customer's own decision.
  const consent = syncHaravanConsent(tx, shopId, ids, now)
  // Existing members follow the customer's birthday month.
  const birthdays = queryPrepared(tx, sql`
    update members m set birthday_month = extract(month from c.birthday)::smallint
    from customers c
    where m.shop_id = ${shopId} and m.customer_id = any(${intArray(ids)}::bigint[]) and c.shop_id = m.shop_id and c.id = m.customer_id
      and m.birthday_month is distinct from extract(month from c.birthday)::smallint`)
  const activating = activateForOrders(tx, shopId, plan.activate, [], plan.lowestTier, now)
  const [, , activated] = await Promise.all([consent, birthdays, activating])
  // Read as having no other orders, but one came meanwhile (another transaction): the batch fails and its deliveries
  // are taken one by one, which converge that customer's orders the general way.
  if (plan.oneRound && activated.some(a => a.hasOtherOrders)) throw new Error('a customer activated in the batch has orders that came meanwhile')
  return activated
}

/** The effects with what depends on their answers: registration rewards, and the orders that came before the customer. */
async function customerEffects (tx: Db, plan: EffectsPlan): Promise<void> {
  const { shopId, now } = plan
  const activated = await sendEffects(tx, plan)
  if (plan.registration) await queueAutomaticRewards(tx, shopId, 'registration', activated.map(a => ({ customerId: a.customerId, now })), plan.timeZone)
  // Orders that came before the customer now have a member.
  for (const a of activated) if (a.hasOtherOrders) await convergeCustomerOrders(tx, shopId, a.customerId, now)
}
