// The automatic kinds: who becomes due now (birthday, thank-you after an order, purchase reminder), once per occurrence.
/*
 * Each scan inserts recipient rows keyed (campaign, customer, occurrence) with `on conflict do nothing`, so a scan run
 * twice, a webhook redelivered, or two workers racing add nobody twice:
 *   birthday   occurrence = the birthday's year          → once per member per year
 *   thank_you  occurrence = 'order:<id>', due after delay → once per order, however often Haravan redelivers it
 *   reminder   occurrence = 'lapse:<last order day>'      → once per member per lapse (a new order starts a new one)
 */
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { campaigns } from '../../db/schema/index.ts'
import { localParts, startOfLocalDay } from '../segments/time.ts'
import { audienceWhere } from './audience.ts'
import type { Audience } from './definition.ts'
import type { CampaignRow } from './store.ts'

/** How far a thank-you scan looks back before its cursor: longer than any order write's transaction. */
export const THANK_YOU_LOOKBACK_MS = 60_000
/** A thank-you campaign also thanks orders placed this long before it was switched on. */
const THANK_YOU_GRACE_MS = 3600_000

export const localDay = (at: Date, timeZone: string) => {
  const p = localParts(at, timeZone)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

async function insertDue (db: Db, c: CampaignRow, select: ReturnType<typeof sql>): Promise<number> {
  const code = c.promo ? 'pending' : 'none'
  const rows = await queryRows<{ n: unknown }>(db, sql`with ins as (
      insert into campaign_recipients (shop_id, campaign_id, customer_id, occurrence, status, due_at, order_id, code_status)
      select ${c.shopId}, ${c.id}::uuid, s.customer_id, s.occurrence, 'queued', s.due_at, s.order_id, ${code} from (${select}) s
      on conflict do nothing returning 1)
    select count(*)::int as n from ins`)
  return Number(rows[0]?.n ?? 0)
}

/** A day the app was down is caught up on the next scan, up to this many days back (a greeting later than that is dropped). */
export const CATCH_UP_DAYS = 7

/**
 * The local days a daily scan covers now, as offsets from today (…, -1, 0): every day after `lastDay` (the last day
 * scanned) up to today, at most CATCH_UP_DAYS back; only today on the first scan; none if today was scanned.
 */
export function daysToScan (lastDay: string | undefined, now: Date, timeZone: string): number[] {
  const today = localDay(now, timeZone)
  if (lastDay === today) return []
  if (!lastDay || lastDay > today) return [0]
  const out: number[] = [0]
  for (let k = -1; k >= -CATCH_UP_DAYS && localDay(startOfLocalDay(now, timeZone, k), timeZone) > lastDay; k--) out.unshift(k)
  return out
}

/** The (month, day, year) birthdays of a local day `offset` days from today, N days ahead; 29 Feb on the 28th in other years. */
function birthdayTargets (now: Date, timeZone: string, offset: number, daysBefore: number): { m: number, d: number, y: number }[] {
  const target = localDay(startOfLocalDay(now, timeZone, offset + daysBefore), timeZone)
  const [y, m, d] = target.split('-').map(Number) as [number, number, number]
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return !leap && m === 2 && d === 28 ? [{ m, d, y }, { m: 2, d: 29, y }] : [{ m, d, y }]
}

/** Scans one active automatic campaign; returns how many recipients it added. */
export async function scanAutomatic (db: Db, c: CampaignRow, now: Date, timeZone: string): Promise<number> {
  const trigger = (c.trigger ?? {}) as { daysBefore?: number, delayHours?: number, on?: 'paid' | 'fulfilled', afterDays?: number }
  // The automatic kinds go to members only (a group's non-members are counted apart in the estimate).
  const where = await audienceWhere(db, { shopId: c.shopId, now, timeZone }, c.audience as Audience, { membersOnly: true })
  const cursor = c.cursor as { day?: string, since?: string }
  const nowIso = now.toISOString()
  let added = 0
  let next: Record<string, unknown> = cursor
  if (c.type === 'birthday' || c.type === 'reminder') {
    // Once per local day; days missed while the app was down are caught up (the occurrence keys keep it once each).
    const days = daysToScan(cursor.day, now, timeZone)
    if (days.length === 0) return 0
    if (c.type === 'birthday') {
      const targets = days.flatMap(k => birthdayTargets(now, timeZone, k, trigger.daysBefore ?? 0))
      const list = sql.join(targets.map(x => sql`(${x.m}::int, ${x.d}::int, ${String(x.y)}::text)`), sql`, `)
      added = await insertDue(db, c, sql`select m.customer_id, t.y as occurrence, ${nowIso}::timestamptz as due_at, null::bigint as order_id
        from members m left join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
        join (values ${list}) as t(mo, dd, y) on extract(month from c.birthday) = t.mo and extract(day from c.birthday) = t.dd
        where ${where} and c.birthday is not null`)
    } else {
      const lapse = trigger.afterDays ?? 30
      const from = startOfLocalDay(now, timeZone, days[0]! - lapse)
      const to = startOfLocalDay(now, timeZone, -lapse + 1)
      added = await insertDue(db, c, sql`select m.customer_id, 'lapse:' || to_char(m.last_order_at at time zone ${timeZone}, 'YYYY-MM-DD') as occurrence,
          ${nowIso}::timestamptz as due_at, null::bigint as order_id
        from members m left join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
        where ${where} and m.last_order_at >= ${from.toISOString()}::timestamptz and m.last_order_at < ${to.toISOString()}::timestamptz`)
    }
    next = { ...cursor, day: localDay(now, timeZone) }
  } else if (c.type === 'thank_you') {
    // Orders the app wrote since the last scan (since the campaign started): paid, or fulfilled, by a
    // member. The cursor is our own write time (synced_at, stamped by every write), not Haravan's updated_at, so an
    // order delivered late with an older timestamp is still seen; the look-back covers a write that committed after
    // a scan it was stamped before. Seeing an order twice is harmless: one message per order (the occurrence).
    const since = new Date(Date.parse(cursor.since ?? (c.startedAt ?? now).toISOString()) - THANK_YOU_LOOKBACK_MS).toISOString()
    // Only orders placed since the campaign was switched on (an hour's grace): the install's backfill, a
    // reconciliation or an edit rewrites old orders with a fresh synced_at, and those customers were never promised a note.
    const placedFrom = new Date((c.startedAt ?? now).getTime() - THANK_YOU_GRACE_MS).toISOString()
    const state = trigger.on === 'fulfilled' ? sql`o.fulfillment_status = 'fulfilled'` : sql`o.financial_status in ('paid', 'partially_refunded')`
    const delayMs = (trigger.delayHours ?? 0) * 3600_000
    const [mark] = await queryRows<{ at: string | null }>(db, sql`select to_char(max(synced_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
      from orders where shop_id = ${c.shopId} and synced_at >= ${since}::timestamptz`)
    added = await insertDue(db, c, sql`select o.customer_id, 'order:' || o.id as occurrence, ${new Date(now.getTime() + delayMs).toISOString()}::timestamptz as due_at, o.id as order_id
      from orders o join members m on m.shop_id = o.shop_id and m.customer_id = o.customer_id
      left join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
      where o.shop_id = ${c.shopId} and o.synced_at >= ${since}::timestamptz and o.cancelled_at is null and not o.deleted and ${state} and ${where}
        and coalesce(o.haravan_created_at, o.synced_at) >= ${placedFrom}::timestamptz`)
    // scannedAt: the tick looks for orders written since (less the look-back) to know this campaign has work.
    next = { ...cursor, since: mark?.at ?? cursor.since, scannedAt: nowIso }
  }
  await db.update(campaigns).set({ cursor: next }).where(and(eq(campaigns.shopId, c.shopId), eq(campaigns.id, c.id), eq(campaigns.status, 'active')))
  return added
}
