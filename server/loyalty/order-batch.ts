// Order convergence for a batch of orders in one transaction, in a fixed number of statements (the webhook hot path).
/*
 * The same rules as convergeOrder (order-points.ts), which stays the one general routine: this file handles the
 * common case set-based and hands every other order to convergeOrder, in the same transaction, afterwards.
 *
 * Fast path — an order whose member is known (customer id, else phone), that no other member holds points for,
 * whose member has no other order in the batch, and whose difference is zero or an earning. With the orders locked
 * (in id order) by an earlier statement:
 *   1. one statement reads, per order, its member candidates, what the ledger holds for it and the shop's rules,
 *      and locks the candidate members in id order (readLockedOrders);
 *   2. one statement inserts the earn entries, moves the cached balances of exactly the entries that inserted and
 *      refreshes the members' totals (postEarningsAndTotals);
 *   3. only when a member's rank points may reach a higher tier: the tier statement (recomputeTierRows), and the
 *      automatic rewards the shop enabled.
 * Everything else (activation of a new member, reversals, reassignment between members, a member's second
 * order in the batch) goes to convergeOrder, which sees the fast path's writes. Each member has at most one
 * fast order, so the outcome is the outcome of converging the orders one after another.
 */
import { sql } from 'drizzle-orm'
import { intArray, queryPrepared, queryRows, type Db, type Defer } from '../../db/client.ts'
import { activateForOrders } from './batch-activation.ts'
import { balanceDelta, type NewEntry } from './ledger.ts'
import {
  convergeCustomerOrders, convergeOrder, currentRule, differenceKind, earnEntry, frozenFromStored, memberTotalsQuery, memberTotalsSet, targetUnder,
  type OrderRow,
} from './order-points.ts'
import { queueAutomaticReward } from './rewards-catalogue.ts'
import { DEFAULT_TIME_ZONE, tierForRankPoints, type LoyaltySettings, type Tier } from './rules.ts'
import { settingsFromStored } from './settings.ts'
import { recomputeTierRows, tiersFromRows } from './tiers.ts'

export interface BatchOrder { orderId: number, now: Date }

interface HeldRow { c: number | string, p: number | string, r: number | string, n: number | string, rule: unknown }

interface OrderWithLedger {
  order: OrderRow
  byCustomer: number | null
  byPhone: number | null
  held: { customerId: number, points: number, rankPoints: number, count: number, rule: unknown }[]
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)))

/**
 * Select-list columns over an order row `o`: its member candidates (by customer id; by phone, the earliest
 * activated) and what the ledger holds for it per member with the rule of that member's first earning.
 */
const orderLedgerColumns = sql`
  (select m.customer_id from members m where m.shop_id = o.shop_id and m.customer_id = o.customer_id) as by_customer,
  (select m.customer_id from members m where m.shop_id = o.shop_id and m.phone_e164 = o.phone_e164
    order by m.activated_at, m.customer_id limit 1) as by_phone,
  (select json_agg(h) from (
    select e.customer_id as c, sum(e.points) as p, sum(e.rank_points) as r, count(*) as n,
      (select f.rule from ledger_entries f where f.shop_id = o.shop_id and f.source = 'order' and f.source_id = o.id::text
        and f.customer_id = e.customer_id and f.kind = 'earn' order by f.id limit 1) as rule
    from ledger_entries e where e.shop_id = o.shop_id and e.source = 'order' and e.source_id = o.id::text
      and e.kind in ('earn', 'reverse')
    group by e.customer_id order by e.customer_id) h) as held`

/**
 * Select-list columns with the shop's rules (see readRules). They name the shop, not the order row, so Postgres
 * computes each once per statement rather than once per order.
 */
function shopRulesColumns (shopId: string) {
  return sql`
  (select s.settings from loyalty_settings s where s.shop_id = ${shopId}) as rules_settings,
  (select s.timezone from shops s where s.shop_id = ${shopId}) as rules_tz,
  (select json_agg(json_build_object('id', t.id, 'name', t.name, 'threshold', t.threshold, 'earnMultiplierPct', t.earn_multiplier_pct)
    order by t.position) from tiers t where t.shop_id = ${shopId}) as rules_tiers,
  exists (select 1 from auto_rewards a where a.shop_id = ${shopId} and a.trigger = 'first_purchase' and a.enabled) as rules_first_purchase,
  exists (select 1 from auto_rewards a where a.shop_id = ${shopId} and a.trigger = 'tier_upgrade' and a.enabled) as rules_tier_upgrade,
  exists (select 1 from auto_rewards a where a.shop_id = ${shopId} and a.trigger = 'registration' and a.enabled) as rules_registration`
}

const parseJson = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) as unknown : v)
const bool = (v: unknown) => v === true || v === 't'

/** An order row with orderLedgerColumns (readLockedOrders). */
function readLockedOrder (r: Record<string, unknown>): OrderWithLedger {
  return {
    order: {
      shopId: String(r.shop_id),
      id: Number(r.id),
      name: (r.name as string | null) ?? null,
      customerId: num(r.customer_id),
      phoneE164: (r.phone_e164 as string | null) ?? null,
      totalPrice: Number(r.total_price),
      shippingPrice: Number(r.shipping_price),
      refundedAmount: Number(r.refunded_amount),
      financialStatus: (r.financial_status as string | null) ?? null,
      fulfillmentStatus: (r.fulfillment_status as string | null) ?? null,
      cancelledAt: date(r.cancelled_at),
      deleted: bool(r.deleted),
    } as OrderRow,
    byCustomer: num(r.by_customer),
    byPhone: num(r.by_phone),
    held: ((parseJson(r.held) ?? []) as HeldRow[]).map(h => ({
      customerId: Number(h.c), points: Number(h.p), rankPoints: Number(h.r), count: Number(h.n), rule: h.rule,
    })),
  }
}

export interface LockedMember { tierId: string | null, rankPoints: number }

export interface ShopRules { settings: LoyaltySettings, timeZone: string, tiers: Tier[], firstPurchase: boolean, tierUpgrade: boolean, registration: boolean }

/** A row with shopRulesColumns → the rules. */
function readRules (r: Record<string, unknown>): ShopRules {
  return {
    settings: settingsFromStored(parseJson(r.rules_settings) as Record<string, unknown> | null),
    timeZone: (r.rules_tz as string | null) ?? DEFAULT_TIME_ZONE,
    tiers: tiersFromRows((parseJson(r.rules_tiers) ?? []) as Parameters<typeof tiersFromRows>[0]),
    firstPurchase: bool(r.rules_first_purchase),
    tierUpgrade: bool(r.rules_tier_upgrade),
    registration: bool(r.rules_registration),
  }
}

/**
 * Reads what convergence needs for orders this transaction has locked already, and locks their candidate members
 * (in id order, after the orders: the order convergeOrder locks in). One row per order with orderLedgerColumns,
 * shopRulesColumns and `locked_members`.
 *
 * It must be a statement of its own, after the one that locked the orders: a statement that waits for a row lock
 * sees the locked row's latest version but reads everything else (the ledger) as of its start, i.e. without the
 * entries the transaction it waited for has just committed.
 */
async function readLockedOrders (tx: Db, shopId: string, ids: number[]): Promise<Record<string, unknown>[]> {
  return queryPrepared<Record<string, unknown>>(tx, sql`
    with cand as (
      select o.*, ${orderLedgerColumns}, ${shopRulesColumns(shopId)}
      from orders o where o.shop_id = ${shopId} and o.id = any(${intArray(ids)}::bigint[])
    ), lm as (
      select m.customer_id, m.tier_id, m.rank_points from members m
      where m.shop_id = ${shopId} and m.customer_id in (select coalesce(c.by_customer, c.by_phone) from cand c)
      order by m.customer_id
      for update
    )
    select c.*, (select json_agg(json_build_array(lm.customer_id, lm.tier_id, lm.rank_points)) from lm) as locked_members
    from cand c
    order by c.id`)
}

/** The candidate members locked by readLockedOrders (a row's locked_members). */
function readLockedMembers (r: Record<string, unknown>): Map<number, LockedMember> {
  const list = (parseJson(r.locked_members) ?? []) as [number | string, string | null, number | string][]
  return new Map(list.map(([id, tierId, rank]) => [Number(id), { tierId, rankPoints: Number(rank) }]))
}

interface Posting { entry: NewEntry, now: Date }

/**
 * One statement: inserts the entries (a duplicate key inserts nothing), moves the cached balances of exactly the
 * inserted ones and refreshes the totals of every touched member — one new version of each member row.
 * Its one check is in SQL, so it may be the last statement before a pipelined COMMIT (pipelinedTransaction).
 */
function postEarningsAndTotals (tx: Db, shopId: string, postings: Posting[], touched: number[], now: Date): Promise<unknown> {
  for (const { entry } of postings) {
    // The fast path posts earnings only: available or pending, activity kinds (see balanceDelta and ACTIVITY_KINDS).
    const d = balanceDelta(entry)
    if (entry.kind !== 'earn' || d.used !== 0 || d.expired !== 0) throw new Error('postEarningsAndTotals takes earn entries only')
    if (!Number.isSafeInteger(entry.points) || !Number.isSafeInteger(entry.rankPoints ?? 0)) throw new RangeError('ledger points must be safe integers')
  }
  const rows = JSON.stringify(postings.map(({ entry: e, now }) => ({
    customer_id: e.customerId,
    points: e.points,
    rank_points: e.rankPoints ?? 0,
    state: e.state,
    available_at: e.availableAt.toISOString(),
    expires_at: e.expiresAt ? e.expiresAt.toISOString() : null,
    source_id: e.sourceId ?? null,
    idempotency_key: e.idempotencyKey,
    reason: e.reason ?? null,
    rule: e.rule ?? null,
    created_at: now.toISOString(),
  })))
  return queryPrepared(tx, sql`
    with v as (
      select * from json_to_recordset(${rows}::json) as v(customer_id bigint, points bigint, rank_points bigint, state text,
        available_at timestamptz, expires_at timestamptz, source_id text, idempotency_key text, reason text, rule jsonb, created_at timestamptz)
    ), ins as (
      insert into ledger_entries (shop_id, customer_id, kind, points, rank_points, state, available_at, expires_at, source, source_id,
        idempotency_key, reason, rule, actor, created_at)
      select ${shopId}, v.customer_id, 'earn', v.points, v.rank_points, v.state, v.available_at, v.expires_at, 'order', v.source_id,
        v.idempotency_key, v.reason, v.rule, 'system', v.created_at
      from v order by v.customer_id
      on conflict (shop_id, idempotency_key) do nothing
      returning customer_id, points, rank_points, state, created_at
    ), d as (
      select customer_id, sum(case when state = 'available' then points else 0 end) as available,
        sum(case when state = 'pending' then points else 0 end) as pending, sum(rank_points) as rank, max(created_at) as at
      from ins group by customer_id
    ), t as (${memberTotalsQuery(shopId, touched)}
    ), upd as (
      update members u set
        points_available = u.points_available + coalesce(d.available, 0),
        points_pending = u.points_pending + coalesce(d.pending, 0),
        rank_points = u.rank_points + coalesce(d.rank, 0),
        ${memberTotalsSet(now, sql`d.at`)}
      from t left join d on d.customer_id = t.customer_id
      where u.shop_id = ${shopId} and u.customer_id = t.customer_id
      returning u.customer_id
    )
    select count(*) from upd
    union all
    -- An entry never exists without its member (as in postLedgerEntry): such an entry fails the statement, and with
    -- it the transaction. (A cast that fails is the way plain SQL raises an error; it is evaluated per such row only.)
    select ('ledger entry posted for a member that does not exist: ' || d.customer_id)::bigint
    from d where not exists (select 1 from upd where upd.customer_id = d.customer_id)`)
}

/** recomputeTierRows' upgrade test for lifetime rank points: the tier they reach is above the member's tier (or it is unknown). */
function mayMoveUp (tiers: Tier[], m: { rankPoints: number, tierId: string | null }): boolean {
  return tierForRankPoints(tiers, m.rankPoints).threshold > (tiers.find(t => t.id === m.tierId)?.threshold ?? -1)
}

/** Converges these orders of one shop (safe to call any number of times, in any order, concurrently). */
export async function convergeOrders (tx: Db, shopId: string, items: BatchOrder[]): Promise<void> {
  const ids = [...new Set(items.map(i => i.orderId))].sort((a, b) => a - b)
  if (ids.length === 0) return
  await tx.execute(sql`select id from orders where shop_id = ${shopId} and id = any(${intArray(ids)}::bigint[]) order by id for update`)
  await finishConvergence(tx, startConvergenceRead(tx, shopId, items))
}

export interface ConvergenceRead { shopId: string, nowOf: Map<number, Date>, rows: Promise<Record<string, unknown>[]> }

/**
 * Sends readLockedOrders for these orders now, without waiting: the caller has locked them, or has just sent the
 * statement that locks them (postgres.js then sends both in one write; the read still runs after it, with a
 * snapshot of its own). finishConvergence does the rest.
 */
export function startConvergenceRead (tx: Db, shopId: string, items: BatchOrder[]): ConvergenceRead {
  const nowOf = new Map<number, Date>()
  for (const item of items) if (!nowOf.has(item.orderId)) nowOf.set(item.orderId, item.now)
  const ids = [...nowOf.keys()].sort((a, b) => a - b)
  return { shopId, nowOf, rows: ids.length === 0 ? Promise.resolve([]) : readLockedOrders(tx, shopId, ids) }
}

/**
 * Converges the orders of a startConvergenceRead: the fast path set-based, the rest through convergeOrder.
 * only: converge just these (the ones the transaction holds locks on); the others' rows are ignored.
 * defer (pipelinedTransaction): when the fast path's statement is the last one, it is handed over unawaited.
 */
export async function finishConvergence (tx: Db, read: ConvergenceRead, only?: Set<number>, defer?: Defer): Promise<void> {
  const { shopId, nowOf } = read
  const rows = only ? (await read.rows).filter(r => only.has(Number(r.id))) : await read.rows
  const first = rows[0]
  if (!first) return
  const locked = rows.map(readLockedOrder)
  const rules = readRules(first)
  const lockedMembers = readLockedMembers(first)
  const { settings } = rules

  const general: number[] = [] // orders for convergeOrder, in id order
  const fast: (OrderWithLedger & { memberId: number })[] = []
  const claimed = new Set<number>()
  const activating = new Map<number, OrderWithLedger>() // customer → its order, for activateForOrders
  for (const o of locked) {
    const memberId = o.byCustomer ?? o.byPhone ?? undefined // memberForOrder: the customer's member, else the phone's
    const reassigned = o.held.some(h => h.customerId !== memberId && (h.points !== 0 || h.rankPoints !== 0))
    if (memberId === undefined) {
      // Nothing to do unless the order's customer is to be activated or someone holds points for it.
      const customerId = o.order.customerId
      if (!reassigned && settings.autoActivate && customerId !== null && !activating.has(customerId)) activating.set(customerId, o)
      else if (reassigned || (settings.autoActivate && customerId !== null)) general.push(o.order.id)
      continue
    }
    if (reassigned || claimed.has(memberId)) { general.push(o.order.id); continue }
    claimed.add(memberId)
    fast.push({ ...o, memberId })
  }

  const memberOf = new Map(lockedMembers)
  // Buyers met for the first time become members in one statement; their order then takes the fast path.
  const convergeAll: number[] = [] // new members with other orders: convergeCustomerOrders
  if (activating.size > 0) {
    const ids = [...activating.keys()].sort((a, b) => a - b)
    const activated = await activateForOrders(tx, shopId, ids, [...activating.values()].map(o => o.order.id),
      tierForRankPoints(rules.tiers, Number.MIN_SAFE_INTEGER).id, batchNowOf(nowOf))
    const created = new Map(activated.map(a => [a.customerId, a]))
    for (const [customerId, o] of activating) {
      const a = created.get(customerId)
      // No customer row (nothing to activate), or a member created meanwhile: the general routine decides.
      if (!a) { general.push(o.order.id); continue }
      if (rules.registration) await queueAutomaticReward(tx, shopId, customerId, 'registration', {}, nowOf.get(o.order.id) as Date)
      if (a.hasOtherOrders || claimed.has(customerId)) { convergeAll.push(customerId); continue }
      memberOf.set(customerId, { tierId: a.tierId, rankPoints: 0 })
      claimed.add(customerId)
      fast.push({ ...o, memberId: customerId })
    }
  }

  // The fast members are the candidates convergenceReadSql locked; one it did not lock (none expected) is locked here.
  const missing = [...claimed].filter(id => !memberOf.has(id)).sort((a, b) => a - b)
  if (missing.length > 0) {
    const rows = await queryRows<{ customer_id: unknown, tier_id: string | null, rank_points: unknown }>(tx, sql`
      select customer_id, tier_id, rank_points from members
      where shop_id = ${shopId} and customer_id = any(${intArray(missing)}::bigint[])
      order by customer_id for update`)
    for (const m of rows) memberOf.set(Number(m.customer_id), { tierId: m.tier_id, rankPoints: Number(m.rank_points) })
  }

  const postings: Posting[] = []
  const touched: number[] = []
  const earnedRank: { customerId: number, rankPoints: number, tierId: string | null }[] = [] // rank points after this batch
  const earnedPoints: { customerId: number, now: Date }[] = []
  for (const o of fast) {
    const member = memberOf.get(o.memberId)
    if (!member) { general.push(o.order.id); continue } // deleted since the lookup: let the general routine decide
    const mine = o.held.find(h => h.customerId === o.memberId)
    const rule = frozenFromStored(mine?.rule) ?? currentRule(settings, rules.tiers, member)
    const { facts, target } = targetUnder(o.order, rule, settings)
    const dPoints = target.points - (mine?.points ?? 0)
    const dRank = target.rankPoints - (mine?.rankPoints ?? 0)
    const kind = differenceKind(dPoints, dRank)
    if (kind === 'reverse') { general.push(o.order.id); continue }
    touched.push(o.memberId)
    if (kind === 'none') continue
    const now = nowOf.get(o.order.id) as Date
    postings.push({
      now,
      entry: earnEntry({
        orderId: o.order.id,
        orderName: o.order.name,
        customerId: o.memberId,
        dPoints,
        dRank,
        seq: o.held.reduce((n, h) => n + h.count, 0),
        ruleRecord: { ...rule, order: facts, target } as unknown as Record<string, unknown>,
        settings,
        timeZone: rules.timeZone,
        now,
      }),
    })
    if (dRank > 0) earnedRank.push({ customerId: o.memberId, rankPoints: member.rankPoints + dRank, tierId: member.tierId })
    if (dPoints > 0) earnedPoints.push({ customerId: o.memberId, now })
  }

  const batchNow = batchNowOf(nowOf)
  // Tier upgrades (recomputeTiers, upgrades only) for the members who gained rank points. With lifetime rank points
  // the new tier is known here (the members are locked, and each has one fast order), so the statement runs only
  // when someone may move up; a rolling window needs the ledger.
  const candidates = earnedRank.filter(m => settings.ranking.window !== 'lifetime' || mayMoveUp(rules.tiers, m))
  const firstPurchases = rules.firstPurchase ? earnedPoints : []
  const posting = touched.length > 0 ? postEarningsAndTotals(tx, shopId, postings, touched, batchNow) : undefined
  general.sort((a, b) => a - b)
  if (defer && candidates.length === 0 && firstPurchases.length === 0 && general.length === 0 && convergeAll.length === 0) {
    // Nothing follows: the caller sends COMMIT right behind it.
    if (posting) defer(posting)
    return
  }
  await posting
  for (const m of firstPurchases) await queueAutomaticReward(tx, shopId, m.customerId, 'first_purchase', {}, m.now) // once per member (key)
  if (candidates.length > 0) {
    const upgraded = await recomputeTierRows(tx, shopId, {
      now: batchNow, window: settings.ranking.window, allowDowngrade: false, customerIds: candidates.map(m => m.customerId), timeZone: rules.timeZone,
    }, rules.tiers)
    if (rules.tierUpgrade) for (const u of upgraded) await queueAutomaticReward(tx, shopId, u.customerId, 'tier_upgrade', { tierId: u.tierId }, batchNow)
  }
  for (const id of general) await convergeOrder(tx, shopId, id, nowOf.get(id) as Date)
  for (const id of convergeAll) await convergeCustomerOrders(tx, shopId, id, batchNow)
}

/** The latest delivery time of a batch. */
function batchNowOf (nowOf: Map<number, Date>): Date {
  return [...nowOf.values()].reduce((latest, now) => (now > latest ? now : latest), new Date(0))
}
