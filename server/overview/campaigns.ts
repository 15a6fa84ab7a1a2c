// Campaign results for the overview: messages campaigns sent in the period, and the period's orders attributed to them.
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { ATTRIBUTION_DAYS } from '../campaigns/results.ts'
import type { Period } from './period.ts'

export interface CampaignResults { sent: number, orders: number, revenue: number }

const dayStart = (iso: string, timeZone: string) => sql`((${iso}::date)::timestamp at time zone ${timeZone})`
const dayEnd = (iso: string, timeZone: string) => sql`((${iso}::date + 1)::timestamp at time zone ${timeZone})`

/**
 * sent: campaign messages sent in the period. orders / revenue: the period's orders (not cancelled, not deleted; total
 * less refunds) attributed as each campaign's own results attribute them (server/campaigns/results.ts): an order that
 * used a campaign's code, or, for a campaign without codes, an order by a recipient within 7 days of their message.
 * An order attributed to two campaigns counts once.
 */
export async function campaignResults (db: Db, shopId: string, period: Period, timeZone: string): Promise<CampaignResults> {
  const from = dayStart(period.from, timeZone)
  const to = dayEnd(period.to, timeZone)
  const [row] = await queryRows<{ sent: unknown, orders: unknown, revenue: unknown }>(db, sql`
    with r as (
      select r.customer_id, r.code, r.sent_at, c.promo is not null as coded
      from campaign_recipients r join campaigns c on c.shop_id = r.shop_id and c.id = r.campaign_id
      where r.shop_id = ${shopId} and r.sent_at is not null and r.sent_at < ${to}
    ), attributed as (
      select o.id, greatest(o.total_price - o.refunded_amount, 0) as net
      from r join orders o on o.shop_id = ${shopId} and cardinality(o.discount_codes) > 0 and o.discount_codes @> array[r.code]
      where r.coded and r.code is not null and o.cancelled_at is null and not o.deleted
        and o.haravan_created_at >= ${from} and o.haravan_created_at < ${to}
      union
      select o.id, greatest(o.total_price - o.refunded_amount, 0)
      from r join orders o on o.shop_id = ${shopId} and o.customer_id = r.customer_id
        and o.haravan_created_at >= r.sent_at and o.haravan_created_at < r.sent_at + make_interval(days => ${ATTRIBUTION_DAYS})
      where not r.coded and o.cancelled_at is null and not o.deleted
        and o.haravan_created_at >= ${from} and o.haravan_created_at < ${to}
    )
    select (select count(*) from messages m where m.shop_id = ${shopId} and m.source_type = 'campaign' and m.status = 'sent'
              and m.sent_at >= ${from} and m.sent_at < ${to}) as sent,
      (select count(*) from attributed) as orders, (select coalesce(sum(net), 0) from attributed) as revenue`)
  return { sent: Number(row?.sent ?? 0), orders: Number(row?.orders ?? 0), revenue: Number(row?.revenue ?? 0) }
}

/** Whether the shop has started a campaign (the "Bắt đầu" checklist). */
export async function firstCampaignSent (db: Db, shopId: string): Promise<boolean> {
  const [row] = await queryRows<{ done: unknown }>(db, sql`
    select exists (select 1 from campaigns where shop_id = ${shopId} and status not in ('draft', 'cancelled')) as done`)
  return row?.done === true || row?.done === 't'
}
