// A campaign's results: recipients, messages by status, codes created and used, and the orders and revenue attributed.
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'

export interface CampaignStats {
  recipients: number
  queued: number
  sent: number
  failed: number
  skipped: number
  unknown: number
  skippedByReason: Record<string, number>
  unsubscribed: number
  codesCreated: number
  codesUsed: number
  orders: number
  revenue: number
  /** code: orders that used one of the campaign's codes; window: orders by recipients within 7 days of their message. */
  attribution: 'code' | 'window'
}

export const ATTRIBUTION_DAYS = 7

export function emptyStats (attribution: 'code' | 'window' = 'window'): CampaignStats {
  return { recipients: 0, queued: 0, sent: 0, failed: 0, skipped: 0, unknown: 0, skippedByReason: {}, unsubscribed: 0, codesCreated: 0, codesUsed: 0, orders: 0, revenue: 0, attribution }
}

interface CampaignRef { id: string, promo: unknown }

const ids = (list: string[]) => sql`(${sql.join(list.map(id => sql`${id}::uuid`), sql`, `)})`

/** Stats of several campaigns of one shop in a handful of grouped queries (the list page shows them all). */
export async function campaignStats (db: Db, shopId: string, refs: CampaignRef[]): Promise<Map<string, CampaignStats>> {
  const out = new Map<string, CampaignStats>()
  if (refs.length === 0) return out
  for (const r of refs) out.set(r.id, emptyStats(r.promo ? 'code' : 'window'))
  const all = refs.map(r => r.id)
  const withCode = refs.filter(r => r.promo).map(r => r.id)
  const withoutCode = refs.filter(r => !r.promo).map(r => r.id)
  const [recipients, messages, byCode, byWindow] = await Promise.all([
    queryRows<{ campaign_id: string, n: unknown, codes: unknown }>(db, sql`
      select campaign_id, count(*)::int as n, count(*) filter (where code_status = 'created')::int as codes
      from campaign_recipients where shop_id = ${shopId} and campaign_id in ${ids(all)} group by campaign_id`),
    messageCounts(db, shopId, all),
    withCode.length === 0
      ? []
      : queryRows<{ campaign_id: string, used: unknown, orders: unknown, revenue: unknown }>(db, sql`
      select x.campaign_id, count(distinct x.code)::int as used, count(distinct x.order_id)::int as orders, coalesce(sum(x.amount), 0)::bigint as revenue
      from (select distinct on (r.campaign_id, o.id) r.campaign_id, r.code, o.id as order_id, o.total_price - o.refunded_amount as amount
            from campaign_recipients r
            join orders o on o.shop_id = r.shop_id and o.discount_codes @> array[r.code] and cardinality(o.discount_codes) > 0
            where r.shop_id = ${shopId} and r.campaign_id in ${ids(withCode)} and r.code is not null
              and o.cancelled_at is null and not o.deleted) x
      group by x.campaign_id`),
    withoutCode.length === 0
      ? []
      : queryRows<{ campaign_id: string, orders: unknown, revenue: unknown }>(db, sql`
      select x.campaign_id, count(*)::int as orders, coalesce(sum(x.amount), 0)::bigint as revenue
      from (select distinct on (r.campaign_id, o.id) r.campaign_id, o.total_price - o.refunded_amount as amount
            from campaign_recipients r
            join orders o on o.shop_id = r.shop_id and o.customer_id = r.customer_id
              and o.haravan_created_at >= r.sent_at and o.haravan_created_at < r.sent_at + make_interval(days => ${ATTRIBUTION_DAYS})
            where r.shop_id = ${shopId} and r.campaign_id in ${ids(withoutCode)} and r.sent_at is not null
              and o.cancelled_at is null and not o.deleted) x
      group by x.campaign_id`),
  ])
  for (const r of recipients) {
    const s = out.get(r.campaign_id)!
    s.recipients = Number(r.n)
    s.codesCreated = Number(r.codes)
  }
  for (const m of messages) {
    const s = out.get(m.campaignId)
    if (!s) continue
    s[m.status] += m.n
    if (m.status === 'skipped' && m.reason) s.skippedByReason[m.reason] = (s.skippedByReason[m.reason] ?? 0) + m.n
    s.unsubscribed = m.unsubscribed ?? s.unsubscribed
  }
  for (const r of byCode) {
    const s = out.get(r.campaign_id)!
    s.codesUsed = Number(r.used)
    s.orders = Number(r.orders)
    s.revenue = Number(r.revenue)
  }
  for (const r of byWindow) {
    const s = out.get(r.campaign_id)!
    s.orders = Number(r.orders)
    s.revenue = Number(r.revenue)
  }
  return out
}

interface MessageCount { campaignId: string, status: 'queued' | 'sent' | 'failed' | 'skipped' | 'unknown', reason: string | null, n: number, unsubscribed?: number }

/** Counts from the messaging log (one row per campaign, recipient, channel and occurrence). */
async function messageCounts (db: Db, shopId: string, campaignIds: string[]): Promise<MessageCount[]> {
  const rows = await queryRows<{ source_id: string, status: MessageCount['status'], reason: string | null, n: unknown }>(db, sql`
    select source_id, status, case when status = 'skipped' then reason end as reason, count(*)::int as n
    from messages where shop_id = ${shopId} and source_type = 'campaign' and source_id in (${sql.join(campaignIds.map(id => sql`${id}`), sql`, `)})
    group by 1, 2, 3`)
  const unsub = await queryRows<{ source_id: string, n: unknown }>(db, sql`
    select m.source_id, count(distinct (m.customer_id, m.channel))::int as n
    from messages m join message_consents c on c.shop_id = m.shop_id and c.customer_id = m.customer_id and c.channel = m.channel
    where m.shop_id = ${shopId} and m.source_type = 'campaign' and m.source_id in (${sql.join(campaignIds.map(id => sql`${id}`), sql`, `)})
      and m.status = 'sent' and c.state = 'refused' and c.source = 'unsubscribe' and c.changed_at >= m.sent_at
    group by 1`)
  const out: MessageCount[] = rows.map(r => ({ campaignId: r.source_id, status: r.status, reason: r.reason, n: Number(r.n) }))
  for (const u of unsub) out.push({ campaignId: u.source_id, status: 'sent', reason: null, n: 0, unsubscribed: Number(u.n) })
  return out
}
