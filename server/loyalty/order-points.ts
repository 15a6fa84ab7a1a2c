// Order convergence: under a lock on the order, post only the difference between its target and what the ledger holds.
/*
 * Decisions (see also ledger.ts for the balance definitions):
 * - Who earns: order.customer_id when that customer is a member; else the earliest-activated member with the
 *   order's phone_e164. When none and autoActivate is on, the order's customer is activated (which converges
 *   that customer's orders, this one included).
 * - Frozen rule: the earning/ranking rule and the tier multiplier are taken from the member's first 'earn'
 *   entry for this order (its `rule`); only when the order has never earned are the current settings and tier
 *   used. So a later settings or tier change never rewrites an order's points, and the target depends only on
 *   the order's current state: duplicates, retries and out-of-order delivery converge to the same balances.
 *   Pending days and expiry of a *new* positive difference follow the settings at the time it is posted.
 * - Keys: `order:{orderId}:e{k}`, k = how many earn/reverse entries the order already has (all members);
 *   the order lock serialises writers, so a retry recomputes the same k and the same difference.
 * - Reversals take this order's own unreleased pending points first (latest lot first), then available ones;
 *   available may go negative (debt). If the order now belongs to another member, the old one's share is reversed.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm'
import { intArray, queryRows, type Db } from '../../db/client.ts'
import { customers, ledgerEntries, members, orders } from '../../db/schema/index.ts'
import { activateMember, lockMember, writeLedgerEntries, type MemberRow, type NewEntry } from './ledger.ts'
import {
  addCalendarDays, addMonths, computeOrderTarget, multiplierToHundredths,
  type EarningRule, type LoyaltySettings, type OrderFacts, type RankingRule, type Tier,
} from './rules.ts'
import { getLoyaltySettings, shopTimeZone } from './settings.ts'
import { getTiers, memberTier, recomputeTiers } from './tiers.ts'
import { queueAutomaticReward } from './rewards-catalogue.ts'

export type OrderRow = typeof orders.$inferSelect

export function orderFacts (order: OrderRow): OrderFacts {
  return {
    totalPrice: order.totalPrice,
    shippingPrice: order.shippingPrice,
    refundedAmount: order.refundedAmount,
    financialStatus: order.financialStatus ?? '',
    fulfillmentStatus: order.fulfillmentStatus,
    cancelled: order.cancelledAt !== null || order.deleted,
  }
}

/** The member an order's points belong to (see the header), or undefined. */
export async function memberForOrder (tx: Db, shopId: string, order: Pick<OrderRow, 'customerId' | 'phoneE164'>): Promise<number | undefined> {
  if (order.customerId !== null) {
    const [m] = await tx.select({ id: members.customerId }).from(members)
      .where(and(eq(members.shopId, shopId), eq(members.customerId, order.customerId)))
    if (m) return m.id
  }
  if (order.phoneE164) {
    const [m] = await tx.select({ id: members.customerId }).from(members)
      .where(and(eq(members.shopId, shopId), eq(members.phoneE164, order.phoneE164)))
      .orderBy(asc(members.activatedAt), asc(members.customerId)).limit(1)
    if (m) return m.id
  }
  return undefined
}

interface Held { customerId: number, points: number, rankPoints: number }
export interface FrozenRule { earning: EarningRule, ranking: RankingRule, multiplierPct: number, tierId?: string }

export async function heldByMember (tx: Db, shopId: string, orderId: number): Promise<{ held: Held[], count: number }> {
  const rows = await queryRows<{ customer_id: unknown, points: unknown, rank_points: unknown, n: unknown }>(tx, sql`
    select customer_id, coalesce(sum(points), 0) as points, coalesce(sum(rank_points), 0) as rank_points, count(*) as n
    from ledger_entries where shop_id = ${shopId} and source = 'order' and source_id = ${String(orderId)} and kind in ('earn', 'reverse')
    group by customer_id order by customer_id`)
  return {
    held: rows.map(r => ({ customerId: Number(r.customer_id), points: Number(r.points), rankPoints: Number(r.rank_points) })),
    count: rows.reduce((n, r) => n + Number(r.n), 0),
  }
}

async function frozenRule (tx: Db, shopId: string, orderId: number, customerId: number): Promise<FrozenRule | undefined> {
  const [row] = await tx.select({ rule: ledgerEntries.rule }).from(ledgerEntries).where(and(
    eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.source, 'order'), eq(ledgerEntries.sourceId, String(orderId)),
    eq(ledgerEntries.customerId, customerId), eq(ledgerEntries.kind, 'earn'),
  )).orderBy(asc(ledgerEntries.id)).limit(1)
  return frozenFromStored(row?.rule)
}

/** The rule stored on an order's first earn entry, when it is a complete one. */
export function frozenFromStored (stored: unknown): FrozenRule | undefined {
  const rule = stored as Partial<FrozenRule> | null | undefined
  if (!rule?.earning || !rule.ranking || typeof rule.multiplierPct !== 'number') return undefined
  return rule as FrozenRule
}

/** This order's unreleased pending lots for the member, latest first (the member row must be locked). */
async function pendingLots (tx: Db, shopId: string, orderId: number, customerId: number): Promise<{ availableAt: Date, points: number }[]> {
  const rows = await queryRows<{ available_at: unknown, points: unknown }>(tx, sql`
    select available_at, sum(case when state = 'pending' then points else 0 end) - sum(case when kind = 'release' then points else 0 end) as points
    from ledger_entries where shop_id = ${shopId} and customer_id = ${customerId} and source = 'order' and source_id = ${String(orderId)}
    group by available_at order by available_at desc`)
  return rows.map(r => ({ availableAt: new Date(r.available_at as string), points: Number(r.points) })).filter(l => l.points > 0)
}

interface PostContext { tx: Db, shopId: string, orderId: number, now: Date, nextSeq: () => number }

/** Posts a negative difference: the order's pending lots first, then available; rank points ride on the first entry. */
async function postReversal (ctx: PostContext, customerId: number, points: number, rankPoints: number, rule: Record<string, unknown>) {
  const { tx, shopId, orderId, now } = ctx
  let remaining = -points // positive amount to take back
  let rank = rankPoints
  const base = { customerId, kind: 'reverse' as const, source: 'order' as const, sourceId: String(orderId), reason: `Điều chỉnh theo đơn hàng ${orderId}`, rule, actor: 'system' }
  const entries: NewEntry[] = []
  for (const lot of remaining > 0 ? await pendingLots(tx, shopId, orderId, customerId) : []) {
    if (remaining === 0) break
    const take = Math.min(lot.points, remaining)
    entries.push({ ...base, points: -take, rankPoints: rank, state: 'pending', availableAt: lot.availableAt, idempotencyKey: `order:${orderId}:e${ctx.nextSeq()}` })
    remaining -= take
    rank = 0
  }
  if (remaining > 0 || rank !== 0) {
    entries.push({ ...base, points: -remaining, rankPoints: rank, state: 'available', availableAt: now, idempotencyKey: `order:${orderId}:e${ctx.nextSeq()}` })
  }
  await writeLedgerEntries(tx, shopId, entries, now)
}

/** What the order is worth to this member now, under the order's frozen rule (or the current one if it never earned). */
export async function orderTarget (tx: Db, shopId: string, order: OrderRow, member: Pick<MemberRow, 'customerId' | 'tierId' | 'rankPoints'>, settings: LoyaltySettings) {
  const frozen = await frozenRule(tx, shopId, order.id, member.customerId)
  return targetUnder(order, frozen ?? currentRule(settings, await getTiers(tx, shopId), member), settings)
}

/** The rule a first earning is computed with: the current settings and the member's current tier multiplier. */
export function currentRule (settings: LoyaltySettings, tiers: Tier[], member: Pick<MemberRow, 'tierId' | 'rankPoints'>): FrozenRule {
  const tier = memberTier(tiers, member.tierId, member.rankPoints)
  return { earning: settings.earning, ranking: settings.ranking, multiplierPct: multiplierToHundredths(tier.earnMultiplier), tierId: tier.id }
}

export function targetUnder (order: OrderRow, rule: FrozenRule, settings: LoyaltySettings) {
  const effective: LoyaltySettings = { ...settings, earning: rule.earning, ranking: rule.ranking }
  const facts = orderFacts(order)
  return { rule, facts, target: computeOrderTarget(facts, effective, rule.multiplierPct / 100) }
}

/** What to post for a difference: 'earn' (one entry), 'reverse' (postReversal), or nothing. */
export function differenceKind (dPoints: number, dRank: number): 'earn' | 'reverse' | 'none' {
  if (dPoints > 0 || (dPoints === 0 && dRank > 0)) return 'earn'
  if (dPoints < 0 || dRank !== 0) return 'reverse'
  return 'none'
}

/** The earn entry for a positive difference; pending days and expiry follow the settings at the time it is posted. */
export function earnEntry (e: {
  orderId: number,
  orderName: string | null,
  customerId: number,
  dPoints: number,
  dRank: number,
  seq: number,
  ruleRecord: Record<string, unknown>,
  settings: LoyaltySettings,
  timeZone: string,
  now: Date,
}): NewEntry {
  const pending = e.settings.pendingDays > 0 && e.dPoints > 0
  return {
    customerId: e.customerId,
    kind: 'earn',
    points: e.dPoints,
    rankPoints: e.dRank,
    state: pending ? 'pending' : 'available',
    availableAt: pending ? addCalendarDays(e.now, e.settings.pendingDays, e.timeZone) : e.now,
    expiresAt: e.settings.expiry.mode === 'after_earning' ? addMonths(e.now, e.settings.expiry.months, e.timeZone) : null,
    source: 'order',
    sourceId: String(e.orderId),
    idempotencyKey: `order:${e.orderId}:e${e.seq}`,
    reason: `Tích điểm đơn hàng ${e.orderName ?? e.orderId}`,
    rule: e.ruleRecord,
    actor: 'system',
  }
}

export interface ConvergeResult { customerId?: number, points: number, rankPoints: number, posted: number }

/**
 * Converges one order's points (safe to call any number of times, in any order, concurrently).
 * later: orders already stored that count as not yet arrived (a webhook batch converging its orders one by one in
 * the order they came): a buyer activated here does not take them as history.
 */
export async function convergeOrder (tx: Db, shopId: string, orderId: number, now: Date, later: readonly number[] = []): Promise<ConvergeResult> {
  const [order] = await tx.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.id, orderId))).for('update')
  if (!order) return { points: 0, rankPoints: 0, posted: 0 }
  const settings = await getLoyaltySettings(tx, shopId)
  let memberId = await memberForOrder(tx, shopId, order)
  if (memberId === undefined && settings.autoActivate && order.customerId !== null) {
    const [customer] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.shopId, shopId), eq(customers.id, order.customerId)))
    if (customer) {
      const { created } = await activateMember(tx, shopId, order.customerId, 'auto', 'system', now)
      memberId = order.customerId
      // Earlier orders of this customer (e.g. guest orders with its phone) now have a member too.
      if (created) await convergeCustomerOrders(tx, shopId, memberId, now, [orderId, ...later])
    }
  }

  const { held, count } = await heldByMember(tx, shopId, orderId)
  let seq = count
  const ctx: PostContext = { tx, shopId, orderId, now, nextSeq: () => seq++ }
  const touched = new Set<number>()

  // Points held by a member the order no longer belongs to go back to zero.
  for (const h of held) {
    if (h.customerId === memberId || (h.points === 0 && h.rankPoints === 0)) continue
    await lockMember(tx, shopId, h.customerId)
    await postReversal(ctx, h.customerId, -h.points, -h.rankPoints, { reason: 'order reassigned', order: orderFacts(order) })
    touched.add(h.customerId)
  }
  if (memberId === undefined) {
    for (const id of touched) await refreshMemberTotals(tx, shopId, id, now)
    return { points: 0, rankPoints: 0, posted: seq - count }
  }

  const member = await lockMember(tx, shopId, memberId)
  if (!member) throw new Error(`member ${memberId} vanished inside the transaction`)
  const { rule, facts, target } = await orderTarget(tx, shopId, order, member, settings)
  const mine = held.find(h => h.customerId === memberId) ?? { points: 0, rankPoints: 0 }
  const dPoints = target.points - mine.points
  const dRank = target.rankPoints - mine.rankPoints
  const ruleRecord = { ...rule, order: facts, target } as unknown as Record<string, unknown>

  const kind = differenceKind(dPoints, dRank)
  const timeZone = kind === 'earn' || dRank > 0 ? await shopTimeZone(tx, shopId) : undefined
  if (kind === 'earn' && timeZone !== undefined) {
    await writeLedgerEntries(tx, shopId, [earnEntry({
      orderId, orderName: order.name, customerId: memberId, dPoints, dRank, seq: ctx.nextSeq(), ruleRecord, settings, timeZone, now,
    })], now)
    if (dPoints > 0) await queueAutomaticReward(tx, shopId, memberId, 'first_purchase', {}, now) // once per member (idempotency key)
  } else if (kind === 'reverse') {
    await postReversal(ctx, memberId, dPoints, dRank, ruleRecord)
  }
  touched.add(memberId)
  for (const id of touched) await refreshMemberTotals(tx, shopId, id, now)
  if (dRank > 0 && await recomputeTiers(tx, shopId, { now, window: settings.ranking.window, allowDowngrade: false, customerIds: [memberId], timeZone }) > 0) {
    await queueAutomaticReward(tx, shopId, memberId, 'tier_upgrade', { tierId: (await lockMember(tx, shopId, memberId))?.tierId }, now)
  }
  return { customerId: memberId, points: target.points, rankPoints: target.rankPoints, posted: seq - count }
}

/**
 * total_spent = spend_baseline + paid spend (total − refunds) of the member's paid orders — only orders created
 * after the opening import when the member has one; orders_count = paid orders; last_order_at = latest
 * non-cancelled order. A member's orders: its own customer_id, or its phone on orders whose customer is no member.
 */
export async function refreshMemberTotals (tx: Db, shopId: string, customerId: number, now: Date): Promise<void> {
  await tx.execute(sql`
    with t as (${memberTotalsQuery(shopId, [customerId])})
    update members u set ${memberTotalsSet(now)}
    from t where u.shop_id = ${shopId} and u.customer_id = t.customer_id and u.customer_id = ${customerId}`)
}

/** Rows (customer_id, spent, n, last) of the members' totals as defined above; `t` in memberTotalsSet. */
export function memberTotalsQuery (shopId: string, customerIds: number[]): SQL {
  return sql`
    select m.customer_id,
      coalesce(sum(greatest(o.total_price - o.refunded_amount, 0)) filter (where o.paid and (m.since is null or o.at > m.since)), 0) as spent,
      count(*) filter (where o.paid) as n,
      max(o.at) filter (where o.cancelled_at is null) as last
    from (
      select m.customer_id, m.phone_e164, (select coalesce(i.confirmed_at, i.created_at) from imports i
        where i.shop_id = m.shop_id and i.id = m.opening_import_id) as since
      from members m where m.shop_id = ${shopId} and m.customer_id = any(${intArray(customerIds)}::bigint[])
    ) m left join lateral (
      -- Two index lookups (orders_customer_idx, orders_phone_idx) rather than one OR that scans the shop's orders;
      -- the branches are disjoint (the second excludes the member's own customer_id).
      select o.total_price, o.refunded_amount, o.cancelled_at, coalesce(o.haravan_created_at, o.synced_at) as at,
        o.cancelled_at is null and lower(coalesce(o.financial_status, '')) in ('paid', 'partially_refunded') as paid
      from orders o where o.shop_id = ${shopId} and o.customer_id = m.customer_id and not o.deleted
      union all
      select o.total_price, o.refunded_amount, o.cancelled_at, coalesce(o.haravan_created_at, o.synced_at) as at,
        o.cancelled_at is null and lower(coalesce(o.financial_status, '')) in ('paid', 'partially_refunded') as paid
      from orders o where o.shop_id = ${shopId} and m.phone_e164 is not null and o.phone_e164 = m.phone_e164
        and not o.deleted and o.customer_id is distinct from m.customer_id and (o.customer_id is null
          or not exists (select 1 from members x where x.shop_id = o.shop_id and x.customer_id = o.customer_id))
    ) o on true
    group by m.customer_id`
}

/** The totals of memberTotalsQuery's row `t` as assignments to the member row `u` (each followed by a comma). */
export const memberTotalsAssignments = sql`
    total_spent = u.spend_baseline + t.spent,
    orders_count = t.n,
    last_order_at = t.last,`

/** The SET list applying memberTotalsQuery's row `t` to the member row `u`: the totals, and the last order as activity. */
export function memberTotalsSet (now: Date): SQL {
  // greatest() skips nulls: the latest of the known activity and the last order.
  return sql`${memberTotalsAssignments}
    last_activity_at = greatest(u.last_activity_at, t.last),
    updated_at = ${now.toISOString()}::timestamptz`
}

/**
 * Converges every order that may belong to this customer (after an activation). Orders locked by another
 * transaction are skipped, not waited for: that transaction is converging them itself, and waiting would
 * deadlock against it (it holds its order and waits for our member row). It sees the member once we commit,
 * except a guest order matched only by phone in that same instant — ledger:verify reports such a leftover.
 */
export async function convergeCustomerOrders (tx: Db, shopId: string, customerId: number, now: Date, except: readonly number[] = []): Promise<void> {
  const [m] = await tx.select({ phone: members.phoneE164 }).from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
  const phone = m?.phone ?? null
  const rows = await queryRows<{ id: unknown }>(tx, sql`
    select id from orders where shop_id = ${shopId} and id <> all(${intArray(except)}::bigint[]) and id in (
      select id from orders where shop_id = ${shopId} and customer_id = ${customerId}
      ${phone ? sql`union select id from orders where shop_id = ${shopId} and phone_e164 = ${phone}` : sql``})
    order by id for update skip locked`)
  for (const { id } of rows) await convergeOrder(tx, shopId, Number(id), now)
  if (rows.length === 0 && m) await refreshMemberTotals(tx, shopId, customerId, now)
}
