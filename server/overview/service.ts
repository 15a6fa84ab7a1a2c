// Tổng quan: the overview's figures for a period and the period before, assembled from queries.ts (definitions below).
/*
 * Definitions (docs/OVERVIEW.md says the same for merchants and reviewers):
 * - Period: calendar days `from`..`to` (both included) in the shop's time zone; `previous` is the same number of days
 *   ending the day before `from`. An order belongs to the day of its Haravan creation time (our sync time if Haravan
 *   gave none); a member to the day of activation; a ledger entry to the day it was written.
 * - Revenue order: not cancelled, not deleted, financial status paid or partially_refunded. Its revenue is
 *   total_price − refunded_amount (never below 0): refunds are subtracted, a fully refunded order (status refunded)
 *   and a cancelled one count for nothing. The same orders and amounts as the members' totalSpent / ordersCount.
 * - Member vs non-member: an order is a member's when its customer is a member NOW (as the member list counts
 *   a member's orders from before activation too). Guests (orders with no customer) are non-members. (A member's
 *   own totals in Hồ sơ thành viên also take in guest orders carrying the member's phone; here such an order stays
 *   a guest's, as the order itself names no customer.)
 * - Opening balances (Dữ liệu đầu kỳ) are not revenue of any period: revenue.openingBalances is the DTTichLuy brought
 *   in by opening imports applied in the period (members' spend_baseline), and points.opening the points their
 *   DTDauKy gave. A member's totalSpent = its opening DTTichLuy + its revenue orders after that import.
 * - members.total: members activated before the end of the period (= GET /api/members total when the period ends
 *   today); new: activated in the period; shareOfCustomers: members now / customers now (current period only).
 * - activity: today's active7 / active30 / lapsed, the member list's saved filters last_7_days, last_30_days,
 *   inactive_31_days (same SQL conditions).
 * - points.earned: Σ points of order entries (earn + reverse: refunds and cancellations take back what they gave);
 *   redeemed: −Σ redeem entries (a voided reservation gives back); expired: −Σ expire entries; outstanding: today's
 *   Σ (available + pending) over members; liabilityVnd: outstanding × the best active fixed-amount reward's đồng per
 *   point, rounded down (null when the catalogue has no such reward). redemptionRate = redeemed / earned (null when
 *   nothing was earned).
 * - averageOrder = revenue / orders (rounded down). repeatRate = the share of the period's revenue orders with a
 *   customer that were not that customer's first revenue order ever (earlier by creation time, then id): how much
 *   of the business is customers coming back. Guests cannot be told apart and are left out of it.
 * - Period sums (revenue, orders, repeat orders, points) come from the daily rollup (rollup.ts), refreshed before
 *   every read, so they equal a computation over the raw rows at that moment.
 * - tiers: today's members per tier; campaigns: campaignResults() (campaigns.ts): sent in the period, and the period's orders attributed as the campaign pages attribute them.
 */
import type { Db } from '../../db/client.ts'
import { DEFAULT_TIERS } from '../loyalty/rules.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { campaignResults, type CampaignResults } from './campaigns.ts'
import { checklist, type ChecklistItem } from './checklist.ts'
import { localToday, periodDates, previousPeriod, resolvePeriod, type Period } from './period.ts'
import { bestRedemptionRate, customerCount, memberGroups, newMembersByDay, rollupDays, type RollupDay, type Window } from './queries.ts'
import { refreshRollup } from './rollup.ts'

const ratio = (part: number, whole: number): number | null => whole > 0 ? part / whole : null

export interface PeriodFigures {
  period: Period
  members: { total: number, new: number, shareOfCustomers: number | null }
  points: { earned: number, redeemed: number, expired: number, opening: number }
  redemptionRate: number | null
  revenue: { members: number, nonMembers: number, openingBalances: number }
  orders: { members: number, nonMembers: number }
  averageOrder: { members: number, nonMembers: number }
  repeatRate: { members: number | null, nonMembers: number | null }
  campaigns: CampaignResults
}

function periodFigures (period: Period, days: RollupDay[], members: PeriodFigures['members'], openingBalances: number,
  campaigns: CampaignResults): PeriodFigures {
  const inPeriod = days.filter((d) => d.date >= period.from && d.date <= period.to)
  const sum = (k: keyof Omit<RollupDay, 'date'>) => inPeriod.reduce((n, d) => n + d[k], 0)
  const earned = sum('pointsEarned')
  const redeemed = sum('pointsRedeemed')
  const revenue = { members: sum('memberRevenue'), nonMembers: sum('nonMemberRevenue') }
  const orders = { members: sum('memberOrders'), nonMembers: sum('nonMemberOrders') }
  return {
    period,
    members,
    points: { earned, redeemed, expired: sum('pointsExpired'), opening: sum('pointsOpening') },
    redemptionRate: earned > 0 ? redeemed / earned : null,
    revenue: { ...revenue, openingBalances },
    orders,
    averageOrder: {
      members: orders.members > 0 ? Math.floor(revenue.members / orders.members) : 0,
      nonMembers: orders.nonMembers > 0 ? Math.floor(revenue.nonMembers / orders.nonMembers) : 0,
    },
    repeatRate: {
      members: ratio(sum('memberRepeatOrders'), sum('memberBuyerOrders')),
      nonMembers: ratio(sum('nonMemberRepeatOrders'), sum('nonMemberBuyerOrders')),
    },
    campaigns,
  }
}

export async function dashboard (db: Db, shop: { shopId: string, timezone: string }, query: { from?: string, to?: string }, now: Date) {
  const timeZone = shop.timezone
  const current = resolvePeriod(query, localToday(now, timeZone))
  const previous = previousPeriod(current)
  const w: Window = { current, previous, timeZone, now }
  const { shopId } = shop
  // Independent statements: on Postgres each takes its own pool connection, so they run side by side. The rollup is
  // brought up to date first (its own transaction), then read.
  const [groups, customers, days, byDayNew, rate, tiers, steps, campaignsNow, campaignsBefore] = await Promise.all([
    memberGroups(db, shopId, w), customerCount(db, shopId),
    refreshRollup(db, shopId, timeZone, now).then(() => rollupDays(db, shopId, w)),
    newMembersByDay(db, shopId, w), bestRedemptionRate(db, shopId), getTiers(db, shopId),
    checklist(db, shopId), campaignResults(db, shopId, current, timeZone), campaignResults(db, shopId, previous, timeZone),
  ])
  const total = (k: keyof (typeof groups)[number]) => groups.reduce((n, g) => n + (g[k] as number), 0)
  const membersNow = total('members')
  const outstanding = total('pointsAvailable') + total('pointsPending')

  const figures = periodFigures(current, days,
    { total: membersNow - total('activatedAfterCurrent'), new: total('newCurrent'), shareOfCustomers: ratio(membersNow, customers) },
    total('baselineCurrent'), campaignsNow)
  const before = periodFigures(previous, days,
    { total: membersNow - total('activatedAfterPrevious'), new: total('newPrevious'), shareOfCustomers: null },
    total('baselinePrevious'), campaignsBefore)

  const byDay = new Map(days.map((d) => [d.date, d]))
  const known = new Set(tiers.map((t) => t.id))
  const tierName = (id: string | null) => id === null ? null : DEFAULT_TIERS.find((d) => d.id === id)?.name ?? id
  return {
    ...figures,
    previous: before,
    activity: { active7: total('active7'), active30: total('active30'), lapsed: total('lapsed') },
    points: {
      ...figures.points,
      outstanding,
      liabilityVnd: rate ? Number(BigInt(Math.max(outstanding, 0)) * BigInt(rate.value) / BigInt(rate.pointsCost)) : null,
      vndPerPoint: rate ? rate.value / rate.pointsCost : null,
    },
    tiers: [
      ...tiers.map((t) => ({ tierId: t.id as string | null, name: t.name as string | null, members: groups.find((g) => g.tierId === t.id)?.members ?? 0 })),
      // Members whose tier is not (or no longer) one of the shop's, so the tiers add up to the total.
      ...groups.filter((g) => g.tierId === null || !known.has(g.tierId)).map((g) => ({ tierId: g.tierId, name: tierName(g.tierId), members: g.members })),
    ],
    series: periodDates(current).map((date) => ({
      date,
      newMembers: byDayNew.get(date) ?? 0,
      pointsEarned: byDay.get(date)?.pointsEarned ?? 0,
      pointsRedeemed: byDay.get(date)?.pointsRedeemed ?? 0,
      memberRevenue: byDay.get(date)?.memberRevenue ?? 0,
      nonMemberRevenue: byDay.get(date)?.nonMemberRevenue ?? 0,
    })),
    checklist: steps satisfies ChecklistItem[],
    // A shop with no member yet sees the checklist instead of a page of zeros.
    isNew: membersNow === 0,
  }
}
