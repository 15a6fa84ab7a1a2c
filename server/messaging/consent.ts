// Consent per customer and channel: consented / refused / unknown, with when and from where (Haravan, link, admin, import).
import { and, eq, inArray, sql } from 'drizzle-orm'
import { intArray, queryPrepared, type Db } from '../../db/client.ts'
import { customers, messageConsents } from '../../db/schema/index.ts'
import type { Channel, ConsentState } from './rules.ts'

export type ConsentSource = 'haravan' | 'unsubscribe' | 'admin' | 'import'
export interface Consent { state: ConsentState, source: ConsentSource | null, reason: string | null, changedAt: Date | null }

const UNKNOWN: Consent = { state: 'unknown', source: null, reason: null, changedAt: null }

/** A customer's consent on both channels (a customer never seen → unknown on both). */
export async function getConsents (db: Db, shopId: string, customerId: number): Promise<Record<Channel, Consent>> {
  const rows = await db.select().from(messageConsents)
    .where(and(eq(messageConsents.shopId, shopId), eq(messageConsents.customerId, customerId)))
  const out: Record<Channel, Consent> = { email: UNKNOWN, sms: UNKNOWN }
  for (const r of rows) out[r.channel] = { state: r.state, source: r.source, reason: r.reason, changedAt: r.changedAt }
  // Synced before consents were recorded: Haravan's flag is still the answer.
  if (rows.length < 2) {
    const [c] = await db.select({ accepts: customers.acceptsMarketing, at: customers.haravanUpdatedAt }).from(customers)
      .where(and(eq(customers.shopId, shopId), eq(customers.id, customerId)))
    for (const ch of ['email', 'sms'] as const) {
      if (c?.accepts && !rows.some(r => r.channel === ch)) out[ch] = { state: 'consented', source: 'haravan', reason: null, changedAt: c.at }
    }
  }
  return out
}

/** States of many customers on one channel (a campaign's batch), with the same fallback to Haravan's flag. */
export async function consentStates (db: Db, shopId: string, customerIds: number[], channel: Channel): Promise<Map<number, ConsentState>> {
  const out = new Map<number, ConsentState>()
  if (customerIds.length === 0) return out
  const rows = await db.select({ id: customers.id, accepts: customers.acceptsMarketing, state: messageConsents.state })
    .from(customers)
    .leftJoin(messageConsents, and(eq(messageConsents.shopId, customers.shopId), eq(messageConsents.customerId, customers.id), eq(messageConsents.channel, channel)))
    .where(and(eq(customers.shopId, shopId), inArray(customers.id, customerIds)))
  for (const r of rows) out.set(r.id, r.state ?? (r.accepts ? 'consented' : 'unknown'))
  return out
}

export interface RecordConsent {
  state: 'consented' | 'refused'
  source: Exclude<ConsentSource, 'haravan'>
  reason?: string | null
  actor?: string | null
}

/** Records a decision made in the app (link, admin, import); it outranks Haravan's flag from then on. */
export async function recordConsent (db: Db, shopId: string, customerId: number, channel: Channel, input: RecordConsent, now: Date): Promise<void> {
  const values = { state: input.state, source: input.source, reason: input.reason ?? null, actor: input.actor ?? null, changedAt: now }
  await db.insert(messageConsents).values({ shopId, customerId, channel, ...values })
    .onConflictDoUpdate({ target: [messageConsents.shopId, messageConsents.customerId, messageConsents.channel], set: values })
}

/**
 * The customer-sync hook: Haravan's accepts_marketing (one flag for both channels, read from the customers just
 * written) sets consent only where Haravan is still the source. A refusal (or consent) recorded in the app is never
 * overwritten, so a sync never re-subscribes someone who refused here. One statement for any number of customers
 * (the webhook batch passes many), writing only where the state changes; a prepared statement (its text never varies).
 */
export async function syncHaravanConsent (db: Db, shopId: string, customerIds: readonly number[], at: Date): Promise<void> {
  if (customerIds.length === 0) return
  const now = sql`${at.toISOString()}::timestamptz`
  await queryPrepared(db, sql`
    with c as (
      select id, accepts_marketing as yes from customers where shop_id = ${shopId} and id = any(${intArray(customerIds)}::bigint[])
    ), agreed as (
      insert into message_consents (shop_id, customer_id, channel, state, source, changed_at)
      select ${shopId}, c.id, ch.channel, 'consented', 'haravan', ${now} from c cross join (values ('email'), ('sms')) ch(channel) where c.yes
      on conflict (shop_id, customer_id, channel) do update set state = 'consented', changed_at = excluded.changed_at
      where message_consents.source = 'haravan' and message_consents.state <> 'consented'
      returning 1
    )
    -- = any(array(…)): the customers' rows by key, not a join the planner may turn into a scan of the shop's consents.
    update message_consents m set state = 'unknown', changed_at = ${now}
    where m.shop_id = ${shopId} and m.customer_id = any(array(select c.id from c where not c.yes)) and m.source = 'haravan' and m.state = 'consented'`)
}
