// The overview's SQL: today's member figures, the rollup's days of both periods, new members by day.
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { BUILTIN_FILTERS, compileSegment } from '../segments/compile.ts'
import type { Period } from './period.ts'
import { memberTiers } from './rollup.ts'

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
 * Today's member figures without a pass over every member row: per tier a count and the points (kept per shop from
 * the members' own writes, rollup.ts memberTiers: a handful of rows), and every other count a range of an index (members_activated_idx,
 * members_last_order_idx). active7 / active30 are the member list's saved filters' very conditions (compileSegment over
 * BUILTIN_FILTERS); lapsed (inactive_31_days: last order before the day 30 days ago) is every member with a last
 * order that is not in active30 — the same set, counted as members − no order yet − active30, so equal by construction
 * to GET /api/members?filter=… totals. Opening balances are summed only when an opening import falls in a period.
 */
export async function memberGroups (db: Db, shopId: string, w: Window): Promise<MemberGroup[]> {
  const opts = { now: w.now, timeZone: w.timeZone, scope: 'members' as const }
  const tz = w.timeZone
  const inPeriod = (expr: SQL, p: Period) => sql`${expr} >= ${dayStart(p.from, tz)} and ${expr} < ${dayEnd(p.to, tz)}`
  const count = (where: SQL) => sql`(select count(*) from members m where m.shop_id = ${shopId} and ${where})`
  const importedAt = sql`coalesce(i.confirmed_at, i.created_at)`
  const [tiers, [counts], imports] = await Promise.all([
    queryRows<Record<string, unknown>>(db, memberTiers(shopId)),
    queryRows<Record<string, unknown>>(db, sql`select
      ${count(sql`m.activated_at >= ${dayEnd(w.current.to, tz)}`)} as after_current,
      ${count(sql`m.activated_at >= ${dayEnd(w.previous.to, tz)}`)} as after_previous,
      ${count(inPeriod(sql`m.activated_at`, w.current))} as new_current,
      ${count(inPeriod(sql`m.activated_at`, w.previous))} as new_previous,
      ${count(compileSegment(BUILTIN_FILTERS.last_7_days, opts))} as active7,
      ${count(compileSegment(BUILTIN_FILTERS.last_30_days, opts))} as active30,
      ${count(sql`m.last_order_at is null`)} as never_ordered`),
    // A shop has a handful of imports: the members of one are summed only when it was applied in a period.
    queryRows<{ id: string, current: boolean }>(db, sql`
      select i.id, ${inPeriod(importedAt, w.current)} as current from imports i
      where i.shop_id = ${shopId} and ((${inPeriod(importedAt, w.current)}) or (${inPeriod(importedAt, w.previous)}))`),
  ])
  let baselineCurrent = 0
  let baselinePrevious = 0
  if (imports.length > 0) {
    const [b] = await queryRows<{ current: unknown, previous: unknown }>(db, sql`
      select coalesce(sum(m.spend_baseline) filter (where m.opening_import_id = any(${`{${imports.filter((i) => i.current).map((i) => i.id).join(',')}}`}::uuid[])), 0) as current,
        coalesce(sum(m.spend_baseline) filter (where m.opening_import_id = any(${`{${imports.filter((i) => !i.current).map((i) => i.id).join(',')}}`}::uuid[])), 0) as previous
      from members m where m.shop_id = ${shopId} and m.opening_import_id = any(${`{${imports.map((i) => i.id).join(',')}}`}::uuid[])`)
    baselineCurrent = Number(b?.current ?? 0)
    baselinePrevious = Number(b?.previous ?? 0)
  }
  const c = (k: string) => Number(counts?.[k] ?? 0)
  const membersNow = tiers.reduce((n, r) => n + Number(r.members), 0)
  // Shop-wide figures ride on the first group (the service sums the groups).
  return tiers.map((r, i) => {
    const first = i === 0
    return {
      tierId: (r.tier_id as string | null) ?? null,
      members: Number(r.members),
      activatedAfterCurrent: first ? c('after_current') : 0,
      activatedAfterPrevious: first ? c('after_previous') : 0,
      newCurrent: first ? c('new_current') : 0,
      newPrevious: first ? c('new_previous') : 0,
      active7: first ? c('active7') : 0,
      active30: first ? c('active30') : 0,
      lapsed: first ? membersNow - c('never_ordered') - c('active30') : 0,
      pointsAvailable: Number(r.points_available),
      pointsPending: Number(r.points_pending),
      baselineCurrent: first ? baselineCurrent : 0,
      baselinePrevious: first ? baselinePrevious : 0,
    }
  })
}

export async function customerCount (db: Db, shopId: string): Promise<number> {
  const [row] = await queryRows<{ n: unknown }>(db, sql`select count(*) as n from customers where shop_id = ${shopId}`)
  return Number(row?.n ?? 0)
}

export interface RollupDay {
  date: string
  memberRevenue: number
  nonMemberRevenue: number
  memberOrders: number
  nonMemberOrders: number
  memberBuyerOrders: number
  memberRepeatOrders: number
  nonMemberBuyerOrders: number
  nonMemberRepeatOrders: number
  pointsEarned: number
  pointsRedeemed: number
  pointsExpired: number
  pointsOpening: number
}

/** The rollup's days of both periods (rollup.ts keeps them; the caller refreshes first). */
export async function rollupDays (db: Db, shopId: string, w: Window): Promise<RollupDay[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select to_char(day, 'YYYY-MM-DD') as date, member_revenue, non_member_revenue, member_orders, non_member_orders, member_buyer_orders,
      member_repeat_orders, non_member_buyer_orders, non_member_repeat_orders, points_earned, points_redeemed, points_expired, points_opening
    from overview_days where shop_id = ${shopId} and day >= ${w.previous.from}::date and day <= ${w.current.to}::date`)
  return rows.map((r) => ({
    date: String(r.date),
    memberRevenue: Number(r.member_revenue),
    nonMemberRevenue: Number(r.non_member_revenue),
    memberOrders: Number(r.member_orders),
    nonMemberOrders: Number(r.non_member_orders),
    memberBuyerOrders: Number(r.member_buyer_orders),
    memberRepeatOrders: Number(r.member_repeat_orders),
    nonMemberBuyerOrders: Number(r.non_member_buyer_orders),
    nonMemberRepeatOrders: Number(r.non_member_repeat_orders),
    pointsEarned: Number(r.points_earned),
    pointsRedeemed: Number(r.points_redeemed),
    pointsExpired: Number(r.points_expired),
    pointsOpening: Number(r.points_opening),
  }))
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
