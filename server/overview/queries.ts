// The overview's SQL: one pass over the members, the revenue orders and the ledger entries of two periods (see figures.ts).
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { BUILTIN_FILTERS, compileSegment } from '../segments/compile.ts'
import type { Period } from './period.ts'

export interface Window { current: Period, previous: Period, timeZone: string, now: Date }

// Local midnight of an ISO date in the shop's zone, as a constant expression the planner folds before using an index.
const dayStart = (iso: string, timeZone: string): SQL => sql`((${iso}::date)::timestamp at time zone ${timeZone})`
const dayEnd = (iso: string, timeZone: string): SQL => sql`((${iso}::date + 1)::timestamp at time zone ${timeZone})`
const localDate = (expr: SQL, timeZone: string): SQL => sql`to_char(${expr} at time zone ${timeZone}, 'YYYY-MM-DD')`

export interface MemberGroup {
  tierId: string | null
  members: number
  activatedAfterCurrent: number
  activatedAfterPrevious: number
  newCurrent: number
  newPrevious: number
  active7: number
  active30: number
  lapsed: number
  pointsAvailable: number
  pointsPending: number
  baselineCurrent: number
  baselinePrevious: number
}

/**
 * Every member once, grouped by tier. The activity counts use the very conditions of the member list's saved filters
 * (compileSegment over BUILTIN_FILTERS), so they equal GET /api/members?filter=… totals by construction.
 */
export async function memberGroups (db: Db, shopId: string, w: Window): Promise<MemberGroup[]> {
  const opts = { now: w.now, timeZone: w.timeZone, scope: 'members' as const }
  const tz = w.timeZone
  const inPeriod = (expr: SQL, p: Period) => sql`${expr} >= ${dayStart(p.from, tz)} and ${expr} < ${dayEnd(p.to, tz)}`
  const importedAt = sql`coalesce(i.confirmed_at, i.created_at)`
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select m.tier_id,
      count(*) as members,
      count(*) filter (where m.activated_at >= ${dayEnd(w.current.to, tz)}) as after_current,
      count(*) filter (where m.activated_at >= ${dayEnd(w.previous.to, tz)}) as after_previous,
      count(*) filter (where ${inPeriod(sql`m.activated_at`, w.current)}) as new_current,
      count(*) filter (where ${inPeriod(sql`m.activated_at`, w.previous)}) as new_previous,
      count(*) filter (where ${compileSegment(BUILTIN_FILTERS.last_7_days, opts)}) as active7,
      count(*) filter (where ${compileSegment(BUILTIN_FILTERS.last_30_days, opts)}) as active30,
      count(*) filter (where ${compileSegment(BUILTIN_FILTERS.inactive_31_days, opts)}) as lapsed,
      coalesce(sum(m.points_available), 0) as points_available,
      coalesce(sum(m.points_pending), 0) as points_pending,
      coalesce(sum(m.spend_baseline) filter (where m.opening_import_id is not null and ${inPeriod(importedAt, w.current)}), 0) as baseline_current,
      coalesce(sum(m.spend_baseline) filter (where m.opening_import_id is not null and ${inPeriod(importedAt, w.previous)}), 0) as baseline_previous
    -- A shop has a handful of imports: a hash join, not a lookup per member.
    from members m left join imports i on i.shop_id = m.shop_id and i.id = m.opening_import_id
    where m.shop_id = ${shopId}
    group by m.tier_id`)
  return rows.map((r) => ({
    tierId: (r.tier_id as string | null) ?? null,
    members: Number(r.members),
    activatedAfterCurrent: Number(r.after_current),
    activatedAfterPrevious: Number(r.after_previous),
    newCurrent: Number(r.new_current),
    newPrevious: Number(r.new_previous),
    active7: Number(r.active7),
    active30: Number(r.active30),
    lapsed: Number(r.lapsed),
    pointsAvailable: Number(r.points_available),
    pointsPending: Number(r.points_pending),
    baselineCurrent: Number(r.baseline_current),
    baselinePrevious: Number(r.baseline_previous),
  }))
}

export async function customerCount (db: Db, shopId: string): Promise<number> {
  const [row] = await queryRows<{ n: unknown }>(db, sql`select count(*) as n from customers where shop_id = ${shopId}`)
  return Number(row?.n ?? 0)
}

/**
 * The revenue orders of both periods, dated by their Haravan creation time (orders_revenue_idx, read from the index
 * alone: its predicate is repeated here word for word), or, for the few without one, by our sync time
 * (orders_unstamped_idx). `member`: the order's customer is a member now; guests (no customer) never are.
 */
function revenueOrders (shopId: string, w: Window): SQL {
  const from = dayStart(w.previous.from, w.timeZone)
  const to = dayEnd(w.current.to, w.timeZone)
  const revenue = sql`o.cancelled_at is null and not o.deleted and lower(coalesce(o.financial_status, '')) in ('paid', 'partially_refunded')`
  return sql`
    select o.at, o.customer_id, o.net, m.customer_id is not null as member
    from (
      select o.haravan_created_at as at, o.customer_id, greatest(o.total_price - o.refunded_amount, 0) as net
      from orders o where o.shop_id = ${shopId} and o.haravan_created_at >= ${from} and o.haravan_created_at < ${to} and ${revenue}
      union all
      select o.synced_at, o.customer_id, greatest(o.total_price - o.refunded_amount, 0)
      from orders o where o.shop_id = ${shopId} and o.haravan_created_at is null and o.synced_at >= ${from} and o.synced_at < ${to} and ${revenue}
    ) o left join members m on m.shop_id = ${shopId} and m.customer_id = o.customer_id`
}

export interface OrderTotals { revenue: number, orders: number, buyers: number, repeaters: number }
export type SideTotals = Record<'members' | 'nonMembers', OrderTotals>

/** Revenue, orders, and buyers with one / two or more orders, per period and side (guests are orders but not buyers). */
export async function orderTotals (db: Db, shopId: string, w: Window): Promise<{ current: SideTotals, previous: SideTotals }> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with per_buyer as (
      select o.at >= ${dayStart(w.current.from, w.timeZone)} as current, o.member, o.customer_id, sum(o.net) as net, count(*) as n
      from (${revenueOrders(shopId, w)}) o group by 1, 2, 3
    )
    select current, member, coalesce(sum(net), 0) as revenue, coalesce(sum(n), 0) as orders,
      count(customer_id) as buyers, count(customer_id) filter (where n >= 2) as repeaters
    from per_buyer group by current, member`)
  const empty = (): SideTotals => ({ members: zero(), nonMembers: zero() })
  const out = { current: empty(), previous: empty() }
  for (const r of rows) {
    const side = truthy(r.member) ? 'members' : 'nonMembers'
    out[truthy(r.current) ? 'current' : 'previous'][side] = {
      revenue: Number(r.revenue), orders: Number(r.orders), buyers: Number(r.buyers), repeaters: Number(r.repeaters),
    }
  }
  return out
}
const zero = (): OrderTotals => ({ revenue: 0, orders: 0, buyers: 0, repeaters: 0 })
// PGlite gives booleans, postgres.js too; a text 't' is tolerated for safety across drivers.
const truthy = (v: unknown): boolean => v === true || v === 't'

export interface DayRevenue { date: string, memberRevenue: number, nonMemberRevenue: number }

export async function revenueByDay (db: Db, shopId: string, w: Window): Promise<DayRevenue[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select ${localDate(sql`o.at`, w.timeZone)} as day,
      coalesce(sum(o.net) filter (where o.member), 0) as member_revenue, coalesce(sum(o.net) filter (where not o.member), 0) as non_member_revenue
    from (${revenueOrders(shopId, w)}) o where o.at >= ${dayStart(w.current.from, w.timeZone)} group by 1`)
  return rows.map((r) => ({ date: String(r.day), memberRevenue: Number(r.member_revenue), nonMemberRevenue: Number(r.non_member_revenue) }))
}

export interface DayPoints { date: string, earned: number, redeemed: number, expired: number, opening: number }

/** Ledger movements per local day of both periods (ledger_created_idx). Signs as the member balances count them. */
export async function pointsByDay (db: Db, shopId: string, w: Window): Promise<DayPoints[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select ${localDate(sql`e.created_at`, w.timeZone)} as day,
      coalesce(sum(e.points) filter (where e.kind in ('earn', 'reverse')), 0) as earned,
      coalesce(-sum(e.points) filter (where e.kind = 'redeem'), 0) as redeemed,
      coalesce(-sum(e.points) filter (where e.kind = 'expire'), 0) as expired,
      coalesce(sum(e.points) filter (where e.kind = 'opening'), 0) as opening
    from ledger_entries e
    where e.shop_id = ${shopId} and e.created_at >= ${dayStart(w.previous.from, w.timeZone)} and e.created_at < ${dayEnd(w.current.to, w.timeZone)}
      and e.kind in ('earn', 'reverse', 'redeem', 'expire', 'opening')
    group by 1`)
  return rows.map((r) => ({ date: String(r.day), earned: Number(r.earned), redeemed: Number(r.redeemed), expired: Number(r.expired), opening: Number(r.opening) }))
}

export async function newMembersByDay (db: Db, shopId: string, w: Window): Promise<Map<string, number>> {
  const rows = await queryRows<{ day: string, n: unknown }>(db, sql`
    select ${localDate(sql`m.activated_at`, w.timeZone)} as day, count(*) as n from members m
    where m.shop_id = ${shopId} and m.activated_at >= ${dayStart(w.current.from, w.timeZone)} and m.activated_at < ${dayEnd(w.current.to, w.timeZone)}
    group by 1`)
  return new Map(rows.map((r) => [String(r.day), Number(r.n)]))
}

/** The best active fixed-amount redemption option (most đồng per point: the most a point can cost the shop), or null. */
export async function bestRedemptionRate (db: Db, shopId: string): Promise<{ value: number, pointsCost: number } | null> {
  const [row] = await queryRows<{ value: unknown, points_cost: unknown }>(db, sql`
    select value, points_cost from reward_options
    where shop_id = ${shopId} and active and discount_type = 'fixed_amount' and points_cost > 0 and value > 0
    order by value::numeric / points_cost desc limit 1`)
  return row ? { value: Number(row.value), pointsCost: Number(row.points_cost) } : null
}
