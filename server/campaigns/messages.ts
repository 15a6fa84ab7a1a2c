// The messages of one campaign (from the messaging log), with the recipient's name and code, filterable by status and channel.
import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'

export interface MessageQuery { status?: string, channel?: string, page: number, limit: number }

const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

export async function listCampaignMessages (db: Db, shopId: string, campaignId: string, q: MessageQuery) {
  const where = sql`g.shop_id = ${shopId} and g.source_type = 'campaign' and g.source_id = ${campaignId}
    ${q.status ? sql`and g.status = ${q.status}` : sql``} ${q.channel ? sql`and g.channel = ${q.channel}` : sql``}`
  const [rows, [total]] = await Promise.all([
    queryRows<Record<string, unknown>>(db, sql`
      select g.customer_id, c.full_name, g.channel, g.recipient, g.status, g.reason, r.code, g.occurrence, ${iso('g.sent_at')} as sent_at, ${iso('g.created_at')} as created_at
      from messages g
      left join customers c on c.shop_id = g.shop_id and c.id = g.customer_id
      left join campaign_recipients r on r.shop_id = g.shop_id and r.campaign_id = ${campaignId}::uuid and r.customer_id = g.customer_id and r.occurrence = g.occurrence
      where ${where} order by g.created_at desc, g.id desc limit ${q.limit} offset ${(q.page - 1) * q.limit}`),
    queryRows<{ n: unknown }>(db, sql`select count(*)::int as n from messages g where ${where}`),
  ])
  return {
    items: rows.map(r => ({
      customerId: r.customer_id == null ? null : Number(r.customer_id),
      name: (r.full_name as string | null) ?? null,
      channel: r.channel as 'email' | 'sms',
      recipient: String(r.recipient),
      status: r.status as 'queued' | 'sent' | 'failed' | 'skipped' | 'unknown',
      reason: (r.reason as string | null) ?? null,
      code: (r.code as string | null) ?? null,
      occurrence: String(r.occurrence ?? ''),
      sentAt: (r.sent_at as string | null) ?? null,
      createdAt: String(r.created_at),
    })),
    total: Number(total?.n ?? 0),
  }
}
