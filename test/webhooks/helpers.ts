// Signed webhook deliveries for tests, the way Haravan sends them.
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { signWebhook } from '../../scripts/haravan-sim/index.ts'
import { queryRows, type Db } from '../../db/client.ts'
import type { App } from '../../server/app.ts'

export const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/haravan/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>

/** A buyer's own mobile number (09 and eight digits), derived from their customer id. */
export const phoneOf = (customerId: number) => `09${String(10_000_000 + customerId % 10_000_000).padStart(8, '0')}`

export interface DeliverOptions {
  topic: string
  body: unknown
  orgId?: string | null
  headers?: Record<string, string>
  /** override the signature (default: the right one) */
  hmac?: string | null
  hmacHeader?: string
}

export async function deliver (app: App, opts: DeliverOptions) {
  const raw = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-haravan-topic': opts.topic,
    ...opts.headers,
  }
  if (opts.orgId !== null) headers['x-haravan-org-id'] = opts.orgId ?? '1000000001'
  const hmac = opts.hmac === undefined ? signWebhook(raw, app.config.haravan.clientSecret) : opts.hmac
  if (hmac !== null) headers[opts.hmacHeader ?? 'x-haravan-hmacsha256'] = hmac
  return app.inject({ method: 'POST', url: '/webhooks/haravan', headers, payload: raw })
}

export async function count (db: Db, table: 'webhook_inbox' | 'customers' | 'orders', shopId = '1000000001'): Promise<number> {
  const [row] = await queryRows<{ n: number | string }>(db, sql`select count(*)::int as n from ${sql.identifier(table)} where shop_id = ${shopId}`)
  return Number(row?.n ?? 0)
}

export interface InboxRow { topic: string, status: string, attempts: number, last_error: string | null, payload: unknown }

export async function inboxRows (db: Db, shopId = '1000000001'): Promise<InboxRow[]> {
  return queryRows<InboxRow>(db, sql`select topic, status, attempts, last_error, payload from webhook_inbox where shop_id = ${shopId} order by id`)
}
