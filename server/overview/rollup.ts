// Tổng quan's daily rollup (overview_days): the period sums of orders and points per local day, refreshed from what changed.
/*
 * Exactness: a day's row is always recomputed whole from orders, members and ledger_entries (never adjusted by
 * deltas), and refreshRollup recomputes every day that anything written since the last refresh can touch:
 * - an order written (orders.synced_at, set by every write): its own day, and the later days holding an order of its
 *   customer up to the customer's first revenue order not written (whether those are repeat orders depends on the
 *   earlier ones; after an unchanged revenue order, every order is a repeat order either way);
 * - a member activated (members.activated_at): every day of its customer's orders (they become members' orders);
 * - a ledger entry written (created_at): its day.
 * The dashboard refreshes before it reads, so it is exact; a job refreshes every shop in the background so that
 * work stays small. Writes are stamped with the app clock inside short transactions; the look-back MARGIN covers a
 * transaction that stamped its rows before our last refresh but committed after it (webhook and import transactions
 * last milliseconds to seconds); overview_seen remembers the rows within the margin a refresh already took in (by a key
 * that changes with their state), so the margin costs a lookup, not a recomputation. `npm run overview:verify`
 * (verifyRollup) recomputes every day and compares.
 */
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'

export const MARGIN_MS = 60_000
// Past this many dirty days (a backfill, a bulk activation) one full build is cheaper than probing day by day.
const FULL_BUILD_DAYS = 60

const REVENUE = (o: string) => sql.raw(`${o}.cancelled_at is null and not ${o}.deleted and lower(coalesce(${o}.financial_status, '')) in ('paid', 'partially_refunded')`)
const localDay = (expr: SQL, tz: string) => sql`(${expr} at time zone ${tz})::date`
const dayStart = (day: SQL, tz: string) => sql`(${day}::timestamp at time zone ${tz})`
const dayEnd = (day: SQL, tz: string) => sql`((${day} + 1)::timestamp at time zone ${tz})`

type Days = 'all' | string[]
// A date[] literal: both drivers bind a text parameter the same way.
const dateArray = (days: string[]) => `{${days.join(',')}}`

/** The revenue orders of the days (all, or a list), each with its day, side, and whether it is a repeat order. */
function dayOrders (shopId: string, tz: string, days: Days): SQL {
  const at = sql`coalesce(o.haravan_created_at, o.synced_at)`
  // A repeat order: its customer has an earlier revenue order (by time, then id). One window over everything for a
  // full build; an index probe per order (orders_customer_idx) for a few days.
  const source = days === 'all'
    ? sql`select o.id, o.customer_id, ${at} as at, greatest(o.total_price - o.refunded_amount, 0) as net,
          o.customer_id is not null and row_number() over (partition by o.customer_id order by ${at}, o.id) > 1 as repeat
        from orders o where o.shop_id = ${shopId} and ${REVENUE('o')}`
    : sql`select o.id, o.customer_id, o.at, o.net, o.customer_id is not null and exists (
          select 1 from orders p where p.shop_id = ${shopId} and p.customer_id = o.customer_id and ${REVENUE('p')}
            and (coalesce(p.haravan_created_at, p.synced_at), p.id) < (o.at, o.id)) as repeat
        from (
          select o.id, o.customer_id, ${at} as at, greatest(o.total_price - o.refunded_amount, 0) as net
          from unnest(${dateArray(days as string[])}::date[]) d(day)
          join orders o on o.shop_id = ${shopId} and o.haravan_created_at >= ${dayStart(sql`d.day`, tz)} and o.haravan_created_at < ${dayEnd(sql`d.day`, tz)} and ${REVENUE('o')}
          union all
          select o.id, o.customer_id, o.synced_at, greatest(o.total_price - o.refunded_amount, 0)
          from unnest(${dateArray(days as string[])}::date[]) d(day)
          join orders o on o.shop_id = ${shopId} and o.haravan_created_at is null and o.synced_at >= ${dayStart(sql`d.day`, tz)} and o.synced_at < ${dayEnd(sql`d.day`, tz)} and ${REVENUE('o')}
        ) o`
  return sql`select ${localDay(sql`r.at`, tz)} as day, r.net, r.repeat, r.customer_id is not null as buyer, m.customer_id is not null as member
    from (${source}) r left join members m on m.shop_id = ${shopId} and m.customer_id = r.customer_id`
}

function dayEntries (shopId: string, tz: string, days: Days): SQL {
  const kinds = sql`e.kind in ('earn', 'reverse', 'redeem', 'expire', 'opening')`
  return days === 'all'
    ? sql`select e.created_at, e.kind, e.points from ledger_entries e where e.shop_id = ${shopId} and ${kinds}`
    : sql`select e.created_at, e.kind, e.points from unnest(${dateArray(days as string[])}::date[]) d(day)
        join ledger_entries e on e.shop_id = ${shopId} and e.created_at >= ${dayStart(sql`d.day`, tz)} and e.created_at < ${dayEnd(sql`d.day`, tz)} and ${kinds}`
}

/** The rows of overview_days for these days, computed from scratch (days with nothing give no row). */
export function computeDays (shopId: string, tz: string, days: Days): SQL {
  return sql`
    with o as (
      select day,
        sum(net) filter (where member) as member_revenue, sum(net) filter (where not member) as non_member_revenue,
        count(*) filter (where member) as member_orders, count(*) filter (where not member) as non_member_orders,
        count(*) filter (where member and buyer) as member_buyer_orders, count(*) filter (where member and repeat) as member_repeat_orders,
        count(*) filter (where not member and buyer) as non_member_buyer_orders, count(*) filter (where not member and repeat) as non_member_repeat_orders
      from (${dayOrders(shopId, tz, days)}) x group by day
    ), e as (
      select ${localDay(sql`e.created_at`, tz)} as day,
        sum(e.points) filter (where e.kind in ('earn', 'reverse')) as points_earned, -sum(e.points) filter (where e.kind = 'redeem') as points_redeemed,
        -sum(e.points) filter (where e.kind = 'expire') as points_expired, sum(e.points) filter (where e.kind = 'opening') as points_opening
      from (${dayEntries(shopId, tz, days)}) e group by 1
    )
    select ${shopId}::text as shop_id, coalesce(o.day, e.day) as day,
      coalesce(o.member_revenue, 0) as member_revenue, coalesce(o.non_member_revenue, 0) as non_member_revenue,
      coalesce(o.member_orders, 0) as member_orders, coalesce(o.non_member_orders, 0) as non_member_orders,
      coalesce(o.member_buyer_orders, 0) as member_buyer_orders, coalesce(o.member_repeat_orders, 0) as member_repeat_orders,
      coalesce(o.non_member_buyer_orders, 0) as non_member_buyer_orders, coalesce(o.non_member_repeat_orders, 0) as non_member_repeat_orders,
      coalesce(e.points_earned, 0) as points_earned, coalesce(e.points_redeemed, 0) as points_redeemed,
      coalesce(e.points_expired, 0) as points_expired, coalesce(e.points_opening, 0) as points_opening
    from o full join e on e.day = o.day`
}

const COLUMNS = sql.raw(`shop_id, day, member_revenue, non_member_revenue, member_orders, non_member_orders, member_buyer_orders,
  member_repeat_orders, non_member_buyer_orders, non_member_repeat_orders, points_earned, points_redeemed, points_expired, points_opening`)

// A key per row naming it and the state the rollup depends on: a row rewritten since a refresh took it in has another key.
const ORDER_KEY = sql.raw(`'o' || o.id || ':' || md5(row(o.customer_id, o.total_price, o.refunded_amount, o.financial_status, o.cancelled_at,
  o.deleted, o.haravan_created_at, o.synced_at)::text)`)
const MEMBER_KEY = sql.raw('\'m\' || m.customer_id || \':\' || m.activated_at')
const ENTRY_KEY = sql.raw('\'e\' || e.id')
const unseen = (shopId: string, key: SQL) => sql`not exists (select 1 from overview_seen s where s.shop_id = ${shopId} and s.key = ${key})`

/** Remembers every row stamped since `keepFrom` (what the next refresh's margin reaches back to) as taken in. */
const remember = (shopId: string, keepFrom: string) => sql`insert into overview_seen (shop_id, key, stamp)
    select ${shopId}, ${ORDER_KEY}, o.synced_at from orders o where o.shop_id = ${shopId} and o.synced_at >= ${keepFrom}::timestamptz
    union all
    select ${shopId}, ${MEMBER_KEY}, m.activated_at from members m where m.shop_id = ${shopId} and m.activated_at >= ${keepFrom}::timestamptz
    union all
    select ${shopId}, ${ENTRY_KEY}, e.created_at from ledger_entries e where e.shop_id = ${shopId} and e.created_at >= ${keepFrom}::timestamptz
    on conflict (shop_id, key) do nothing`

/**
 * The local days that writes stamped since `since` and not yet taken in (overview_seen) can have changed (see the
 * header). The same statement remembers what it saw, so a row is marked taken in only by the snapshot that found its
 * days (a row committed a moment later is neither, and the next refresh finds it).
 */
async function dirtyDays (tx: Db, shopId: string, tz: string, since: string, keepFrom: string): Promise<string[]> {
  const at = sql`coalesce(o.haravan_created_at, o.synced_at)`
  const rows = await queryRows<{ day: string }>(tx, sql`
    with written as (
      select o.customer_id, ${at} as at, o.id from orders o
      where o.shop_id = ${shopId} and o.synced_at >= ${since}::timestamptz and ${unseen(shopId, ORDER_KEY)}
    ), buyers as (
      select customer_id, min(at) as from_at from written where customer_id is not null group by customer_id
    ), touched as (
      -- An order written can change whether the customer's LATER orders are repeat orders — but only up to the
      -- customer's first revenue order that was not written (unchanged, it makes every order after it a repeat order
      -- before and after the write).
      select b.customer_id, b.from_at, f.at as to_at from buyers b left join lateral (
        select coalesce(p.haravan_created_at, p.synced_at) as at from orders p
        where p.shop_id = ${shopId} and p.customer_id = b.customer_id and ${REVENUE('p')} and not exists (select 1 from written w where w.id = p.id)
        order by 1, p.id limit 1) f on true
      union all
      -- An activation turns all the customer's orders into members' orders.
      select m.customer_id, '-infinity'::timestamptz, null from members m
      where m.shop_id = ${shopId} and m.activated_at >= ${since}::timestamptz and ${unseen(shopId, MEMBER_KEY)}
    ), seen as (${remember(shopId, keepFrom)})
    select distinct to_char(day, 'YYYY-MM-DD') as day from (
      select ${localDay(sql`w.at`, tz)} as day from written w
      union all
      select ${localDay(at, tz)} from touched t join orders o on o.shop_id = ${shopId} and o.customer_id = t.customer_id
        and ${at} >= t.from_at and (t.to_at is null or ${at} <= t.to_at)
      union all
      select ${localDay(sql`e.created_at`, tz)} from ledger_entries e
      where e.shop_id = ${shopId} and e.created_at >= ${since}::timestamptz and ${unseen(shopId, ENTRY_KEY)}
    ) d`)
  // Only now: the rows stamped between `since` and `keepFrom` had to be recognised as taken in above.
  await tx.execute(sql`delete from overview_seen where shop_id = ${shopId} and stamp < ${keepFrom}::timestamptz`)
  return rows.map((r) => String(r.day))
}

/** Brings the shop's rollup up to date (one refresher at a time per shop); returns how many days it recomputed. */
export async function refreshRollup (db: Db, shopId: string, tz: string, now: Date): Promise<number | 'all'> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`overview:${shopId}`}))`)
    const [state] = await queryRows<{ timezone: string, refreshed_at: unknown }>(tx, sql`
      select timezone, refreshed_at from overview_rollups where shop_id = ${shopId}`)
    const marginBefore = (d: Date) => new Date(d.getTime() - MARGIN_MS).toISOString()
    const refreshedAt = state ? new Date(Math.max(new Date(state.refreshed_at as string).getTime(), now.getTime())) : now
    let days: Days = 'all'
    if (state && state.timezone === tz) {
      const dirty = await dirtyDays(tx, shopId, tz, marginBefore(new Date(state.refreshed_at as string)), marginBefore(refreshedAt))
      if (dirty.length <= FULL_BUILD_DAYS) days = dirty
    }
    if (days === 'all') {
      // A full build takes in everything it can see; remembered first, so it is all visible to the build after.
      await tx.execute(sql`delete from overview_seen where shop_id = ${shopId}`)
      await tx.execute(remember(shopId, marginBefore(refreshedAt)))
      await tx.execute(sql`delete from overview_days where shop_id = ${shopId}`)
    } else if (days.length > 0) await tx.execute(sql`delete from overview_days where shop_id = ${shopId} and day = any(${dateArray(days as string[])}::date[])`)
    if (days === 'all' || days.length > 0) await tx.execute(sql`insert into overview_days (${COLUMNS}) ${computeDays(shopId, tz, days)}`)
    await tx.execute(sql`insert into overview_rollups (shop_id, timezone, refreshed_at) values (${shopId}, ${tz}, ${now.toISOString()}::timestamptz)
      on conflict (shop_id) do update set timezone = excluded.timezone, refreshed_at = greatest(overview_rollups.refreshed_at, excluded.refreshed_at)`)
    return days === 'all' ? 'all' : days.length
  })
}

/** Every day recomputed from scratch against the stored rollup: the days that differ (empty when they agree). */
export async function verifyRollup (db: Db, shopId: string, tz: string): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(db, sql`
    with fresh as (${computeDays(shopId, tz, 'all')}),
    stored as (select ${COLUMNS} from overview_days where shop_id = ${shopId})
    select to_char(day, 'YYYY-MM-DD') as day from ((select * from fresh except select * from stored) union (select * from stored except select * from fresh)) d
    order by 1`)
  return [...new Set(rows.map((r) => String(r.day)))]
}
