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
import { localParts } from '../segments/time.ts'
import { startOfLocalDay } from '../segments/time.ts'
import { audienceWhere } from './audience.ts'
import type { Audience } from './definition.ts'
import type { CampaignRow } from './store.ts'

/** How far a thank-you scan looks back before its cursor: longer than any order write's transaction. */
const THANK_YOU_LOOKBACK_MS = 60_000

const localDay = (at: Date, timeZone: string) => {
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

/** Scans one active automatic campaign; returns how many recipients it added. */
export async function scanAutomatic (db: Db, c: CampaignRow, now: Date, timeZone: string): Promise<number> {
  const trigger = (c.trigger ?? {}) as { daysBefore?: number, delayHours?: number, on?: 'paid' | 'fulfilled', afterDays?: number }
  // The automatic kinds go to members only (a group's non-members are counted apart in the estimate).
  const where = await audienceWhere(db, { shopId: c.shopId, now, timeZone }, c.audience as Audience, { membersOnly: true })
  const cursor = c.cursor as { day?: string, since?: string }
  const nowIso = now.toISOString()
  let added = 0
  let next: Record<string, unknown> = cursor
  if (c.type === 'birthday') {
    const today = localDay(now, timeZone)
    if (cursor.day === today) return 0
    const target = localDay(startOfLocalDay(now, timeZone, trigger.daysBefore ?? 0), timeZone)
    const [y, m, d] = target.split('-').map(Number) as [number, number, number]
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
    // A 29 February birthday is celebrated on the 28th in other years.
    const feb29 = !leap && m === 2 && d === 28 ? sql` or (extract(month from c.birthday) = 2 and extract(day from c.birthday) = 29)` : sql``
    added = await insertDue(db, c, sql`select m.customer_id, ${String(y)} as occurrence, ${nowIso}::timestamptz as due_at, null::bigint as order_id
      from members m left join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
      where ${where} and c.birthday is not null and ((extract(month from c.birthday) = ${m} and extract(day from c.birthday) = ${d})${feb29})`)
    next = { ...cursor, day: today }
  } else if (c.type === 'reminder') {
    const today = localDay(now, timeZone)
    if (cursor.day === today) return 0
    const days = trigger.afterDays ?? 30
    const from = startOfLocalDay(now, timeZone, -days)
    const to = startOfLocalDay(now, timeZone, -days + 1)
    added = await insertDue(db, c, sql`select m.customer_id, 'lapse:' || to_char(m.last_order_at at time zone ${timeZone}, 'YYYY-MM-DD') as occurrence,
        ${nowIso}::timestamptz as due_at, null::bigint as order_id
      from members m left join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
      where ${where} and m.last_order_at >= ${from.toISOString()}::timestamptz and m.last_order_at < ${to.toISOString()}::timestamptz`)
    next = { ...cursor, day: today }
  } else if (c.type === 'thank_you') {
    // Orders the app wrote since the last scan (from an hour before the campaign started): paid, or fulfilled, by a
    // member. The cursor is our own write time (synced_at, stamped by every write), not Haravan's updated_at, so an
    // order delivered late with an older timestamp is still seen; the look-back covers a write that committed after
    // a scan it was stamped before. Seeing an order twice is harmless: one message per order (the occurrence).
    const since = new Date(Date.parse(cursor.since ?? new Date((c.startedAt ?? now).getTime() - 3600_000).toISOString()) - THANK_YOU_LOOKBACK_MS).toISOString()
    const state = trigger.on === 'fulfilled' ? sql`o.fulfillment_status = 'fulfilled'` : sql`o.financial_status in ('paid', 'partially_refunded')`
    const delayMs = (trigger.delayHours ?? 0) * 3600_000
    const [mark] = await queryRows<{ at: string | null }>(db, sql`select to_char(max(synced_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
      from orders where shop_id = ${c.shopId} and synced_at >= ${since}::timestamptz`)
    added = await insertDue(db, c, sql`select o.customer_id, 'order:' || o.id as occurrence, ${new Date(now.getTime() + delayMs).toISOString()}::timestamptz as due_at, o.id as order_id
      from orders o join members m on m.shop_id = o.shop_id and m.customer_id = o.customer_id
      left join customers c on c.shop_id = m.shop_id and c.id = m.customer_id
      where o.shop_id = ${c.shopId} and o.synced_at >= ${since}::timestamptz and o.cancelled_at is null and not o.deleted and ${state} and ${where}`)
    if (mark?.at) next = { ...cursor, since: mark.at }
  }
  await db.update(campaigns).set({ cursor: next }).where(and(eq(campaigns.shopId, c.shopId), eq(campaigns.id, c.id), eq(campaigns.status, 'active')))
  return added
}
