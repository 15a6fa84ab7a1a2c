// Tổng quan's daily rollup (overview_days): the period sums of orders and points per local day, kept by exact differences.
/*
 * Exactness: overview_orders holds every revenue order's contribution (its day, net amount, member side, repeat flag)
 * as the rollup last took it in, and overview_days' order columns are always the sums of those contributions by day.
 * An order's contribution depends only on its own row, on whether its customer is a member now, and on which of the
 * customer's revenue orders is the first (by time, then id). So refreshRollup recomputes the contributions of:
 * - the orders written since the last refresh (orders.synced_at, set by every write) whose contribution fields
 *   (customer, time, net, revenue or not) differ from the stored ones, and every order of their customers (old and new);
 * - every order of a member activated since then (members.activated_at): they become members' orders;
 * and adds (fresh − stored) to the days concerned. Ledger entries are never updated or deleted: each entry written
 * since the last refresh is added to its day once (overview_entries_seen names the ones inside the look-back margin
 * already added). Writes are stamped with the app clock inside short transactions; the look-back MARGIN covers a
 * transaction that stamped its rows before our last refresh but committed after it. Inside the margin an order
 * already taken in compares equal to its stored contribution and costs a lookup, not a recomputation.
 * The dashboard refreshes before it reads; a job refreshes every shop in the background so that work stays small.
 * `npm run overview:verify` (verifyRollup) recomputes every day and every contribution from the raw rows and compares.
 *
 * Members per tier and their points (today's figures) are kept the same way without a margin: statement-level
 * triggers on members (migration 0017) write each statement's change to overview_member_deltas in the writer's own
 * transaction; the refresh folds them into overview_member_totals, and memberTiers reads totals + unfolded deltas in
 * one statement (one snapshot), so the figure is Σ over the members rows of that snapshot.
 */
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'

export const MARGIN_MS = 60_000

const REVENUE = (o: string) => sql.raw(`${o}.cancelled_at is null and not ${o}.deleted and lower(coalesce(${o}.financial_status, '')) in ('paid', 'partially_refunded')`)
const AT = (o: string) => sql.raw(`coalesce(${o}.haravan_created_at, ${o}.synced_at)`)
const NET = (o: string) => sql.raw(`greatest(${o}.total_price - ${o}.refunded_amount, 0)`)
const KINDS = sql.raw('e.kind in (\'earn\', \'reverse\', \'redeem\', \'expire\', \'opening\')')
const localDay = (expr: SQL, tz: string) => sql`(${expr} at time zone ${tz})::date`

/** Every revenue order's contribution computed from the raw rows (order_id, customer_id, at, day, net, member, repeat). */
function freshContributions (shopId: string, tz: string): SQL {
  return sql`select o.id as order_id, o.customer_id, ${AT('o')} as at, ${localDay(AT('o'), tz)} as day, ${NET('o')} as net,
      m.customer_id is not null as member,
      o.customer_id is not null and row_number() over (partition by o.customer_id order by ${AT('o')}, o.id) > 1 as repeat
    from orders o left join members m on m.shop_id = ${shopId} and m.customer_id = o.customer_id
    where o.shop_id = ${shopId} and ${REVENUE('o')}`
}

/**
 * overview_days rows (without shop_id) from signed order contributions (day, sign, net, member, buyer, repeat) and
 * ledger entries (created_at, kind, points); only days where something is not zero.
 */
function daySums (moves: SQL, entries: SQL, tz: string): SQL {
  return sql`
    with o as (
      select day,
        sum(sign * net) filter (where member) as member_revenue, sum(sign * net) filter (where not member) as non_member_revenue,
        sum(sign) filter (where member) as member_orders, sum(sign) filter (where not member) as non_member_orders,
        sum(sign) filter (where member and buyer) as member_buyer_orders, sum(sign) filter (where member and repeat) as member_repeat_orders,
        sum(sign) filter (where not member and buyer) as non_member_buyer_orders, sum(sign) filter (where not member and repeat) as non_member_repeat_orders
      from (${moves}) x group by day
    ), e as (
      select ${localDay(sql`e.created_at`, tz)} as day,
        sum(e.points) filter (where e.kind in ('earn', 'reverse')) as points_earned, -sum(e.points) filter (where e.kind = 'redeem') as points_redeemed,
        -sum(e.points) filter (where e.kind = 'expire') as points_expired, sum(e.points) filter (where e.kind = 'opening') as points_opening
      from (${entries}) e group by 1
    ), d as (
      select coalesce(o.day, e.day) as day,
        coalesce(o.member_revenue, 0) as member_revenue, coalesce(o.non_member_revenue, 0) as non_member_revenue,
        coalesce(o.member_orders, 0) as member_orders, coalesce(o.non_member_orders, 0) as non_member_orders,
        coalesce(o.member_buyer_orders, 0) as member_buyer_orders, coalesce(o.member_repeat_orders, 0) as member_repeat_orders,
        coalesce(o.non_member_buyer_orders, 0) as non_member_buyer_orders, coalesce(o.non_member_repeat_orders, 0) as non_member_repeat_orders,
        coalesce(e.points_earned, 0) as points_earned, coalesce(e.points_redeemed, 0) as points_redeemed,
        coalesce(e.points_expired, 0) as points_expired, coalesce(e.points_opening, 0) as points_opening
      from o full join e on e.day = o.day
    )
    select * from d where ${NONZERO}`
}

const VALUES = ['member_revenue', 'non_member_revenue', 'member_orders', 'non_member_orders', 'member_buyer_orders', 'member_repeat_orders',
  'non_member_buyer_orders', 'non_member_repeat_orders', 'points_earned', 'points_redeemed', 'points_expired', 'points_opening']
const NONZERO = sql.raw(`(${VALUES.map((v) => `${v} <> 0`).join(' or ')})`)
const COLUMNS = sql.raw(`shop_id, day, ${VALUES.join(', ')}`)
const ADD = sql.raw(VALUES.map((v) => `${v} = overview_days.${v} + excluded.${v}`).join(', '))
const CONTRIBUTION = sql.raw('order_id, customer_id, at, day, net, member, repeat')

const allEntries = (shopId: string) => sql`select e.created_at, e.kind, e.points from ledger_entries e where e.shop_id = ${shopId} and ${KINDS}`
const signed = (contributions: SQL) => sql`select day, 1 as sign, net, member, customer_id is not null as buyer, repeat from (${contributions}) c`

/** The rows of overview_days recomputed from the raw rows (days where everything is zero give no row). */
export function computeDays (shopId: string, tz: string): SQL {
  return sql`select ${shopId}::text as shop_id, d.* from (${daySums(signed(freshContributions(shopId, tz)), allEntries(shopId), tz)}) d`
}

/** Remembers the counted ledger entries stamped since `keepFrom` (what the next refresh's margin reaches back to). */
const rememberEntries = (shopId: string, keepFrom: string) => sql`insert into overview_entries_seen (shop_id, entry_id, created_at)
  select ${shopId}, e.id, e.created_at from ledger_entries e where e.shop_id = ${shopId} and e.created_at >= ${keepFrom}::timestamptz and ${KINDS}
  on conflict do nothing`

async function fullBuild (tx: Db, shopId: string, tz: string, keepFrom: string): Promise<void> {
  // The entries inside the look-back that this build adds (below), remembered so that the next refresh skips them.
  await tx.execute(sql`delete from overview_entries_seen where shop_id = ${shopId}`)
  await tx.execute(rememberEntries(shopId, keepFrom))
  await tx.execute(sql`delete from overview_orders where shop_id = ${shopId}`)
  await tx.execute(sql`insert into overview_orders (shop_id, ${CONTRIBUTION}) select ${shopId}, ${CONTRIBUTION} from (${freshContributions(shopId, tz)}) c`)
  // Fresh statistics for the refreshes that follow (a sample: quick even for millions of rows).
  await tx.execute(sql`analyze overview_orders`)
  await tx.execute(sql`delete from overview_days where shop_id = ${shopId}`)
  // Each statement has its own snapshot: the entries summed are exactly those older than the look-back and those
  // remembered above, so an entry committed in between is left to the next refresh (which finds it unseen), not
  // counted here and again there.
  const entries = sql`select e.created_at, e.kind, e.points from ledger_entries e
      where e.shop_id = ${shopId} and ${KINDS} and e.created_at < ${keepFrom}::timestamptz
    union all
    select e.created_at, e.kind, e.points from overview_entries_seen x join ledger_entries e on e.shop_id = x.shop_id and e.id = x.entry_id
      where x.shop_id = ${shopId}`
  await tx.execute(sql`insert into overview_days (${COLUMNS}) select ${shopId}, d.* from (${daySums(
    signed(sql`select ${CONTRIBUTION} from overview_orders where shop_id = ${shopId}`), entries, tz)}) d`)
}

/**
 * One statement (one snapshot): the orders and entries written since `since` that the rollup has not taken in, their
 * contributions' differences added to their days, overview_orders and overview_entries_seen brought level. Returns
 * how many days changed.
 */
async function applyChanges (tx: Db, shopId: string, tz: string, since: string): Promise<number> {
  const [row] = await queryRows<{ days: unknown }>(tx, changesStatement(shopId, tz, since))
  return Number(row?.days ?? 0)
}

// One stored contribution by its order id, always as an index probe: `offset 0` keeps the planner from turning a few
// probes into a scan of every stored order (its estimates can be far off right after a build).
const byOrderId = (shopId: string, id: SQL) => sql`select s.order_id, s.customer_id, s.at, s.day, s.net, s.member, s.repeat
  from overview_orders s where s.shop_id = ${shopId} and s.order_id = ${id} offset 0`

export function changesStatement (shopId: string, tz: string, since: string): SQL {
  return sql`
    with written as (
      select o.id, o.customer_id, ${AT('o')} as at, ${NET('o')} as net, ${REVENUE('o')} as revenue
      from orders o where o.shop_id = ${shopId} and o.synced_at >= ${since}::timestamptz
    ), changed as (
      -- Written, and not as the rollup has it: its own contribution, or its place among its customer's orders, moved.
      select w.id, w.customer_id, s.customer_id as was_customer from written w
      left join lateral (${byOrderId(shopId, sql`w.id`)}) s on true
      where case when w.revenue then s.order_id is null or s.customer_id is distinct from w.customer_id or s.at <> w.at or s.net <> w.net
        else s.order_id is not null end
    ), touched as (
      -- Customers whose orders' repeat flags or member side may have moved.
      select customer_id from changed where customer_id is not null
      union select was_customer from changed where was_customer is not null
      union select m.customer_id from members m where m.shop_id = ${shopId} and m.activated_at >= ${since}::timestamptz
    ), affected as (
      select o.id from touched t cross join lateral (select o.id from orders o where o.shop_id = ${shopId} and o.customer_id = t.customer_id offset 0) o
      union select id from changed
    ), fresh as (
      -- Every order of a touched customer is here, so the ranking among them is the customer's whole history.
      select o.id as order_id, o.customer_id, ${AT('o')} as at, ${localDay(AT('o'), tz)} as day, ${NET('o')} as net,
        m.customer_id is not null as member,
        o.customer_id is not null and row_number() over (partition by o.customer_id order by ${AT('o')}, o.id) > 1 as repeat
      from affected a cross join lateral (select * from orders o where o.shop_id = ${shopId} and o.id = a.id offset 0) o
      left join members m on m.shop_id = ${shopId} and m.customer_id = o.customer_id
      where ${REVENUE('o')}
    ), stored as (
      select s.* from affected a cross join lateral (${byOrderId(shopId, sql`a.id`)}) s
    ), diff as (
      select f.order_id as f_id, f.customer_id as f_customer, f.at as f_at, f.day as f_day, f.net as f_net, f.member as f_member, f.repeat as f_repeat,
        s.order_id as s_id, s.customer_id as s_customer, s.day as s_day, s.net as s_net, s.member as s_member, s.repeat as s_repeat
      from fresh f full join stored s on s.order_id = f.order_id
      where row(f.order_id, f.customer_id, f.at, f.day, f.net, f.member, f.repeat) is distinct from row(s.order_id, s.customer_id, s.at, s.day, s.net, s.member, s.repeat)
    ), moves as (
      select f_day as day, 1 as sign, f_net as net, f_member as member, f_customer is not null as buyer, f_repeat as repeat from diff where f_id is not null
      union all
      select s_day, -1, s_net, s_member, s_customer is not null, s_repeat from diff where s_id is not null
    ), entries as (
      select e.id, e.created_at, e.kind, e.points from ledger_entries e
      where e.shop_id = ${shopId} and e.created_at >= ${since}::timestamptz and ${KINDS}
        and not exists (select 1 from overview_entries_seen x where x.shop_id = ${shopId} and x.entry_id = e.id)
    ), days as (
      insert into overview_days (${COLUMNS}) select ${shopId}, d.* from (${daySums(sql`select * from moves`, sql`select * from entries`, tz)}) d
      on conflict (shop_id, day) do update set ${ADD}
      returning day
    ), kept as (
      insert into overview_orders (shop_id, ${CONTRIBUTION})
      select ${shopId}, f_id, f_customer, f_at, f_day, f_net, f_member, f_repeat from diff where f_id is not null
      on conflict (shop_id, order_id) do update set customer_id = excluded.customer_id, at = excluded.at, day = excluded.day,
        net = excluded.net, member = excluded.member, repeat = excluded.repeat
    ), dropped as (
      delete from overview_orders s using diff where s.shop_id = ${shopId} and s.order_id = diff.s_id and diff.f_id is null
    ), seen as (
      insert into overview_entries_seen (shop_id, entry_id, created_at) select ${shopId}, id, created_at from entries
    )
    select count(*) as days from days`
}

/** Adds the members' tier and points changes written so far to overview_member_totals (under the refresh's lock). */
async function foldMemberDeltas (tx: Db, shopId: string): Promise<void> {
  await tx.execute(sql`
    with d as (
      delete from overview_member_deltas where shop_id = ${shopId} returning tier_key, members, points_available, points_pending
    )
    insert into overview_member_totals (shop_id, tier_key, members, points_available, points_pending)
    select ${shopId}, tier_key, sum(members), sum(points_available), sum(points_pending) from d group by tier_key
    on conflict (shop_id, tier_key) do update set members = overview_member_totals.members + excluded.members,
      points_available = overview_member_totals.points_available + excluded.points_available,
      points_pending = overview_member_totals.points_pending + excluded.points_pending`)
}

/** Brings the shop's rollup up to date (one refresher at a time per shop); returns how many days changed ('all' for a build). */
export async function refreshRollup (db: Db, shopId: string, tz: string, now: Date): Promise<number | 'all'> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`overview:${shopId}`}))`)
    // The refresh's statements touch a few rows by index; the planner's worst-case estimates for its lookups would
    // otherwise make Postgres spend seconds compiling them (JIT) for milliseconds of work.
    await tx.execute(sql`set local jit = off`)
    const [state] = await queryRows<{ timezone: string, refreshed_at: unknown }>(tx, sql`
      select timezone, refreshed_at from overview_rollups where shop_id = ${shopId}`)
    const marginBefore = (d: Date) => new Date(d.getTime() - MARGIN_MS).toISOString()
    const refreshedAt = state ? new Date(Math.max(new Date(state.refreshed_at as string).getTime(), now.getTime())) : now
    const keepFrom = marginBefore(refreshedAt)
    await foldMemberDeltas(tx, shopId)
    let changed: number | 'all' = 'all'
    if (state && state.timezone === tz) {
      changed = await applyChanges(tx, shopId, tz, marginBefore(new Date(state.refreshed_at as string)))
      // Only now: the entries stamped between `since` and `keepFrom` had to be recognised as added above.
      await tx.execute(sql`delete from overview_entries_seen where shop_id = ${shopId} and created_at < ${keepFrom}::timestamptz`)
    } else {
      await fullBuild(tx, shopId, tz, keepFrom)
    }
    await tx.execute(sql`insert into overview_rollups (shop_id, timezone, refreshed_at) values (${shopId}, ${tz}, ${now.toISOString()}::timestamptz)
      on conflict (shop_id) do update set timezone = excluded.timezone, refreshed_at = greatest(overview_rollups.refreshed_at, excluded.refreshed_at)`)
    return changed
  })
}

/**
 * Every day and every order's contribution recomputed from the raw rows against the stored rollup: the days that
 * differ (empty when they agree). A stored day whose figures are all zero counts as no row.
 */
export async function verifyRollup (db: Db, shopId: string, tz: string): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(db, sql`
    with fresh as (${computeDays(shopId, tz)}),
    stored as (select ${COLUMNS} from overview_days where shop_id = ${shopId} and ${NONZERO}),
    fresh_orders as (${freshContributions(shopId, tz)}),
    stored_orders as (select ${CONTRIBUTION} from overview_orders where shop_id = ${shopId}),
    orders_differing as ((select * from fresh_orders except select * from stored_orders) union all (select * from stored_orders except select * from fresh_orders))
    select to_char(day, 'YYYY-MM-DD') as day from (
      (select day from (select * from fresh except select * from stored) a)
      union (select day from (select * from stored except select * from fresh) b)
      union (select day from orders_differing)) d
    order by 1`)
  return [...new Set(rows.map((r) => String(r.day)))]
}

/** Members per tier ('' = none) and their points now: the folded totals plus the deltas not yet folded, one snapshot. */
export function memberTiers (shopId: string): SQL {
  return sql`select nullif(tier_key, '') as tier_id, sum(members) as members, sum(points_available) as points_available,
      sum(points_pending) as points_pending
    from (select tier_key, members, points_available, points_pending from overview_member_totals where shop_id = ${shopId}
      union all select tier_key, members, points_available, points_pending from overview_member_deltas where shop_id = ${shopId}) t
    group by tier_key having sum(members) <> 0 or sum(points_available) <> 0 or sum(points_pending) <> 0`
}

/** Tiers whose kept count or points differ from Σ over the members rows now (empty when they agree). */
export async function verifyMemberTotals (db: Db, shopId: string): Promise<string[]> {
  const rows = await queryRows<{ tier_key: string }>(db, sql`
    with kept as (select coalesce(tier_id, '') as tier_key, members, points_available, points_pending from (${memberTiers(shopId)}) k),
    fresh as (select coalesce(tier_id, '') as tier_key, count(*) as members, sum(points_available) as points_available,
      sum(points_pending) as points_pending from members where shop_id = ${shopId} group by 1)
    select coalesce(k.tier_key, f.tier_key) as tier_key from kept k full join fresh f on f.tier_key = k.tier_key
    where row(k.members, k.points_available, k.points_pending) is distinct from row(f.members, f.points_available, f.points_pending)`)
  return rows.map((r) => r.tier_key)
}
