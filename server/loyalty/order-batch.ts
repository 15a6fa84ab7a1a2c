// Order convergence for a batch of orders in one transaction, in a fixed number of statements (the webhook hot path).
/*
 * The same rules as convergeOrder (order-points.ts), which stays the one general routine: this file handles the
 * common case set-based and hands every other order to convergeOrder, in the same transaction, afterwards.
 *
 * Fast path — an order whose member is known (customer id, else phone) or a buyer's first orders (activated here in
 * one statement), that no other member holds points for, and whose difference is zero or an earning. With the
 * orders locked (in id order) by an earlier statement:
 *   1. one statement reads, per order, its member candidates, what the ledger holds for it and the shop's rules,
 *      and locks the candidate members in id order (readLockedOrders);
 *   2. one statement, the ledger writer (writeLedgerEntries), inserts the earn entries, moves the cached balances of
 *      exactly the entries that inserted and refreshes the members' totals (postEarningsAndTotals);
 *   3. only when a member moved up a tier: the tier statement (recomputeTierRows), and the automatic rewards the
 *      shop enabled.
 * A member's several orders are taken one after another in the order they came, each at the tier the ones before it
 * reached (one buyer's orders often arrive together: a shop's import of old orders, a sender walking its list buyer
 * by buyer). Everything else (reversals, reassignment between members, a new buyer with earlier orders, a
 * rolling ranking window's second order) goes to convergeOrder, which sees the fast path's writes, one order at a
 * time in the order they came. The outcome is the outcome of the deliveries one at a time, in the order they came
 * (test/webhooks/batch.property.test.ts). Two cases it does not cover, as before: an order moving from one member to
 * another in the batch where the first also earns (their earning is posted before the reversal, so a tier test
 * sees the rank points without it), and an order whose buyer is activated in the batch but whose phone belongs to
 * another member (it stays that member's for this batch, as the read found it).
 */
import { sql } from 'drizzle-orm'
import { intArray, queryPrepared, queryRows, type Db, type Defer } from '../../db/client.ts'
import { activateForOrders } from './batch-activation.ts'
import { writeLedgerEntries, type NewEntry } from './ledger.ts'
import {
  convergeOrder, currentRule, differenceKind, earnEntry, frozenFromStored, memberTotalsAssignments, memberTotalsQuery, targetUnder,
  type OrderRow,
} from './order-points.ts'
import { queueAutomaticRewards, type AutoRewardFor } from './rewards-catalogue.ts'
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
 * computes each once per statement rather than once per order. Every row carries them; only the first row's are
 * read, so they come as text (the driver would parse the JSON of every row) and are parsed once.
 */
export function shopRulesColumns (shopId: string) {
  return sql`
  (select s.settings::text from loyalty_settings s where s.shop_id = ${shopId}) as rules_settings,
  (select s.timezone from shops s where s.shop_id = ${shopId}) as rules_tz,
  (select json_agg(json_build_object('id', t.id, 'name', t.name, 'threshold', t.threshold, 'earnMultiplierPct', t.earn_multiplier_pct)
    order by t.position)::text from tiers t where t.shop_id = ${shopId}) as rules_tiers,
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
export function readRules (r: Record<string, unknown>): ShopRules {
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
      -- = any(array(…)): an index lookup per candidate. An IN (subquery) is planned as a join, which generic plans
      -- (force_generic_plan) turn into a scan of the shop's every member.
      where m.shop_id = ${shopId} and m.customer_id = any(array(select coalesce(c.by_customer, c.by_phone) from cand c))
      order by m.customer_id
      for update
    )
    select c.*, (select json_agg(json_build_array(lm.customer_id, lm.tier_id, lm.rank_points)) from lm)::text as locked_members
    from cand c
    order by c.id`)
}

/** The candidate members locked by readLockedOrders (a row's locked_members). */
function readLockedMembers (r: Record<string, unknown>): Map<number, LockedMember> {
  const list = (parseJson(r.locked_members) ?? []) as [number | string, string | null, number | string][]
  return new Map(list.map(([id, tierId, rank]) => [Number(id), { tierId, rankPoints: Number(rank) }]))
}

/**
 * One statement (writeLedgerEntries): inserts the earn entries (a duplicate key inserts nothing), moves the cached
 * balances of exactly the inserted ones and refreshes the totals of every touched member — one new version of each
 * member row. Its one check is in SQL, so it may be the last statement before a pipelined COMMIT (pipelinedTransaction).
 */
function postEarningsAndTotals (tx: Db, shopId: string, entries: NewEntry[], touched: number[], now: Date): Promise<number> {
  return writeLedgerEntries(tx, shopId, entries, now, {
    rows: memberTotalsQuery(shopId, touched), set: memberTotalsAssignments, activity: sql`t.last`,
  })
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

/** Which path each order of a batch takes (see the header); filled by choosePaths, then by the steps after it. */
interface Paths {
  general: number[] // orders for convergeOrder
  fast: (OrderWithLedger & { memberId: number })[] // in the order they came, for each member
  claimed: Set<number> // members with a fast order
  activating: Map<number, OrderWithLedger[]> // customer → its orders (in the order they came), for activateForOrders
  /** orders without a member nor a customer to activate (a guest's): nothing to do, unless a buyer activated on the
   * general path may take them (activateBuyers) */
  idle: number[]
  /** members (or customers to activate) whose later orders of the batch follow one at a time, on the general path */
  stopped: Set<number>
}

/**
 * The fast path for the orders of a known member (or of a buyer activated here) that no one else holds points for.
 * A member's several orders are folded in the order they came (`locked` is in that order), each at the tier the ones
 * before it reached, as when they come one by one (fastEarnings). With a rolling ranking window the tier after an
 * order needs the ledger: one order per member then, the others one at a time. From a member's first order that
 * cannot take the fast path, their later ones follow it on the general path (after the fast path, in the same order).
 */
function choosePaths (locked: OrderWithLedger[], settings: LoyaltySettings): Paths {
  const paths: Paths = { general: [], fast: [], claimed: new Set(), activating: new Map(), idle: [], stopped: new Set() }
  const oneEach = settings.ranking.window !== 'lifetime'
  const toGeneral = (o: OrderWithLedger, who: number | null) => {
    paths.general.push(o.order.id)
    if (who !== null) paths.stopped.add(who)
  }
  for (const o of locked) {
    const memberId = o.byCustomer ?? o.byPhone ?? undefined // memberForOrder: the customer's member, else the phone's
    const reassigned = o.held.some(h => h.customerId !== memberId && (h.points !== 0 || h.rankPoints !== 0))
    if (memberId === undefined) {
      // Nothing to do unless the order's customer is to be activated or someone holds points for it.
      const customerId = o.order.customerId
      const earlier = customerId === null ? undefined : paths.activating.get(customerId)
      if (!reassigned && settings.autoActivate && customerId !== null && !paths.stopped.has(customerId) && !(oneEach && earlier)) {
        paths.activating.set(customerId, [...earlier ?? [], o])
      } else if (reassigned || (settings.autoActivate && customerId !== null)) toGeneral(o, customerId)
      else paths.idle.push(o.order.id)
      continue
    }
    if (reassigned || paths.stopped.has(memberId) || (oneEach && paths.claimed.has(memberId))) { toGeneral(o, memberId); continue }
    paths.claimed.add(memberId)
    paths.fast.push({ ...o, memberId })
  }
  return paths
}

/**
 * Buyers met for the first time become members in one statement; their orders then take the fast path. A buyer with
 * other orders (an earlier one, a guest order with their phone) is activated the general way, by their first order
 * of the batch: its history converges then, before it, as when the orders come one at a time. The batch's guest
 * orders go that way too, in the order they came, so that the ones that came later are not taken as history.
 */
async function activateBuyers (tx: Db, shopId: string, rules: ShopRules, nowOf: Map<number, Date>, paths: Paths, memberOf: Map<number, LockedMember>) {
  const ids = [...paths.activating.keys()].sort((a, b) => a - b)
  // "Other orders" are the ones this batch does not converge: the buyer's orders of the batch (folded on the fast
  // path, or on the general path) are not. An order the batch leaves alone (a guest's, with the buyer's phone) still
  // counts: the buyer's whole history is then converged.
  const converging = [...paths.activating.values()].flat().map(o => o.order.id).concat(paths.general)
  const activated = await activateForOrders(tx, shopId, ids, converging,
    tierForRankPoints(rules.tiers, Number.MIN_SAFE_INTEGER).id, batchNowOf(nowOf), true)
  const created = new Map(activated.map(a => [a.customerId, a]))
  const registered: AutoRewardFor[] = []
  let general = false
  for (const [customerId, list] of paths.activating) {
    const a = created.get(customerId)
    // Other orders, no customer row (nothing to activate), or a member created meanwhile: the general routine decides.
    if (!a) { paths.general.push(...list.map(o => o.order.id)); general = true; continue }
    registered.push({ customerId, now: nowOf.get((list[0] as OrderWithLedger).order.id) as Date })
    memberOf.set(customerId, { tierId: a.tierId, rankPoints: 0 })
    paths.claimed.add(customerId)
    for (const o of list) paths.fast.push({ ...o, memberId: customerId })
  }
  if (general) paths.general.push(...paths.idle)
  if (rules.registration) await queueAutomaticRewards(tx, shopId, 'registration', registered, rules.timeZone)
}

/** The fast members are the candidates readLockedOrders locked; one it did not lock (none expected) is locked here. */
async function lockUnreadMembers (tx: Db, shopId: string, claimed: Set<number>, memberOf: Map<number, LockedMember>) {
  const missing = [...claimed].filter(id => !memberOf.has(id)).sort((a, b) => a - b)
  if (missing.length === 0) return
  const rows = await queryRows<{ customer_id: unknown, tier_id: string | null, rank_points: unknown }>(tx, sql`
    select customer_id, tier_id, rank_points from members
    where shop_id = ${shopId} and customer_id = any(${intArray(missing)}::bigint[])
    order by customer_id for update`)
  for (const m of rows) memberOf.set(Number(m.customer_id), { tierId: m.tier_id, rankPoints: Number(m.rank_points) })
}

interface Earnings {
  entries: NewEntry[]
  touched: number[] // fast members, whose totals are refreshed
  /** rolling window: rank points after each earning, for the tier statement to judge */
  earnedRank: { customerId: number, rankPoints: number, tierId: string | null }[]
  /** lifetime: every tier a member reached, in order (the tier each order after it earns at) */
  upgrades: { customerId: number, tierId: string }[]
  earnedPoints: { customerId: number, now: Date }[]
}

/**
 * The fast orders' differences as earn entries (convergeOrder's rules), a member's orders one after another: each at
 * the tier the ones before reached (lifetime rank points: the tier follows from them). A reversal, or an earning that
 * lowers rank points, goes to the general path with that member's later orders.
 */
function fastEarnings (paths: Paths, memberOf: Map<number, LockedMember>, rules: ShopRules, nowOf: Map<number, Date>): Earnings {
  const { settings } = rules
  const lifetime = settings.ranking.window === 'lifetime'
  const out: Earnings = { entries: [], touched: [], earnedRank: [], upgrades: [], earnedPoints: [] }
  const touched = new Set<number>()
  const left = new Set<number>() // members an earlier order of theirs left the fast path for
  for (const o of paths.fast) {
    const member = memberOf.get(o.memberId)
    // Deleted since the lookup, or an earlier order of theirs left the fast path: the general routine decides.
    if (!member || left.has(o.memberId)) { paths.general.push(o.order.id); left.add(o.memberId); continue }
    const mine = o.held.find(h => h.customerId === o.memberId)
    const rule = frozenFromStored(mine?.rule) ?? currentRule(settings, rules.tiers, member)
    const { facts, target } = targetUnder(o.order, rule, settings)
    const dPoints = target.points - (mine?.points ?? 0)
    const dRank = target.rankPoints - (mine?.rankPoints ?? 0)
    const kind = differenceKind(dPoints, dRank)
    if (kind === 'reverse' || dRank < 0) { paths.general.push(o.order.id); left.add(o.memberId); continue }
    if (!touched.has(o.memberId)) out.touched.push(o.memberId)
    touched.add(o.memberId)
    if (kind === 'none') continue
    const now = nowOf.get(o.order.id) as Date
    out.entries.push({
      ...earnEntry({
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
      createdAt: now,
    })
    if (dPoints > 0) out.earnedPoints.push({ customerId: o.memberId, now })
    if (dRank === 0) continue
    member.rankPoints += dRank
    if (!lifetime) {
      out.earnedRank.push({ customerId: o.memberId, rankPoints: member.rankPoints, tierId: member.tierId })
    } else if (mayMoveUp(rules.tiers, member)) {
      // recomputeTiers' upgrade, as it happens after this order when they come one by one
      member.tierId = tierForRankPoints(rules.tiers, member.rankPoints).id
      out.upgrades.push({ customerId: o.memberId, tierId: member.tierId })
    }
  }
  return out
}

/** The tier statement for members whose rank points may have reached a higher tier (recomputeTiers, upgrades only). */
function upgradeTiers (tx: Db, shopId: string, rules: ShopRules, candidates: { customerId: number }[], now: Date) {
  // With lifetime rank points recomputeTiers gives each member the tier of their final rank points: the last tier
  // fastEarnings reached (rank points only grow there, and tiers only go up).
  return recomputeTierRows(tx, shopId, {
    now, window: rules.settings.ranking.window, allowDowngrade: false, customerIds: candidates.map(m => m.customerId), timeZone: rules.timeZone,
  }, rules.tiers)
}

/**
 * After the earnings: first-purchase rewards, and tier upgrades with their rewards. Sent behind the posting without
 * waiting for it: one connection runs its statements in the order they were sent. The upgrades are known here with
 * lifetime rank points (every tier reached, each rewarded as when the orders come one by one); with a rolling window
 * they are what the tier statement answers.
 */
async function rewardEarnings (
  tx: Db, shopId: string, rules: ShopRules, firstPurchases: Earnings['earnedPoints'], candidates: { customerId: number }[],
  known: Earnings['upgrades'] | undefined, now: Date,
) {
  const rewarding = queueAutomaticRewards(tx, shopId, 'first_purchase', firstPurchases, rules.timeZone) // once per member (key)
  const upgrading = candidates.length === 0 ? Promise.resolve([]) : upgradeTiers(tx, shopId, rules, candidates, now)
  const [, answered] = await Promise.all([rewarding, upgrading]) // together: neither is left unhandled if one fails
  const upgraded = known ?? answered
  if (rules.tierUpgrade) await queueAutomaticRewards(tx, shopId, 'tier_upgrade', upgraded.map(u => ({ customerId: u.customerId, tierId: u.tierId, now })), rules.timeZone)
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
  const rules = readRules(first)
  // Locked in id order, converged in the order the deliveries came (nowOf keeps it): each of a member's orders at the
  // tier the ones that came before it reached, as when they come one at a time. Only the orders this batch wrote
  // count: a duplicate or stale delivery's order came earlier, it is no later arrival.
  const wrote = new Set(rows.map(r => Number(r.id)))
  const arrival = new Map([...nowOf.keys()].filter(id => wrote.has(id)).map((id, i) => [id, i]))
  const came = (id: number) => arrival.get(id) ?? Number.MAX_SAFE_INTEGER
  const paths = choosePaths(rows.map(readLockedOrder).sort((a, b) => came(a.order.id) - came(b.order.id)), rules.settings)
  const memberOf = new Map(readLockedMembers(first))
  if (paths.activating.size > 0) await activateBuyers(tx, shopId, rules, nowOf, paths, memberOf)
  await lockUnreadMembers(tx, shopId, paths.claimed, memberOf)
  const earnings = fastEarnings(paths, memberOf, rules, nowOf)

  const batchNow = batchNowOf(nowOf)
  // With lifetime rank points the new tiers are known here (the members are locked), so the tier statement runs only
  // for the members that moved up; a rolling window needs the ledger: every member whose rank points grew.
  const lifetime = rules.settings.ranking.window === 'lifetime'
  const candidates = lifetime ? [...new Set(earnings.upgrades.map(u => u.customerId))].map(customerId => ({ customerId })) : earnings.earnedRank
  const firstPurchases = rules.firstPurchase ? earnings.earnedPoints : []
  const posting = earnings.touched.length > 0 ? postEarningsAndTotals(tx, shopId, earnings.entries, earnings.touched, batchNow) : undefined
  const { general } = paths
  general.sort((a, b) => came(a) - came(b))
  if (defer && general.length === 0 && firstPurchases.length === 0 && (candidates.length === 0 || !rules.tierUpgrade)) {
    // Nothing follows that needs an answer: the caller sends COMMIT right behind these one-statement steps.
    if (posting) defer(posting)
    if (candidates.length > 0) defer(upgradeTiers(tx, shopId, rules, candidates, batchNow))
    return
  }
  // Together: whichever fails first fails the transaction, and neither is left unhandled.
  await Promise.all([posting, rewardEarnings(tx, shopId, rules, firstPurchases, candidates, lifetime ? earnings.upgrades : undefined, batchNow)])
  // The rest one at a time, in the order they came; the batch's orders that came after one are not yet there for it.
  const order = [...arrival.keys()]
  for (const id of general) await convergeOrder(tx, shopId, id, nowOf.get(id) as Date, order.slice(came(id) + 1))
}

/** The latest delivery time of a batch. */
function batchNowOf (nowOf: Map<number, Date>): Date {
  return [...nowOf.values()].reduce((latest, now) => (now > latest ? now : latest), new Date(0))
}
