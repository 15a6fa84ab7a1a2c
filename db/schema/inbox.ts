// Webhook inbox: every verified delivery, deduplicated by (shop, topic, body hash), applied and retried from here.
import { sql } from 'drizzle-orm'
import { bigint, index, integer, json, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

export const webhookInbox = pgTable('webhook_inbox', {
  shopId: text('shop_id').notNull(),
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
  topic: text('topic').notNull(),
  bodyHash: text('body_hash').notNull(),
  // json, not jsonb: stored as received (the cleaned text), so Postgres only checks it instead of re-building it for
  // every delivery (half the cost of the insert, docs/BENCHMARKS.md "Webhooks"); nothing queries inside it.
  payload: json('payload').$type<unknown>().notNull(),
  status: text('status', { enum: ['received', 'applied', 'failed', 'ignored'] }).notNull().default('received'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp('processed_at', { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  uniqueIndex('webhook_inbox_dedupe_uq').on(t.shopId, t.topic, t.bodyHash),
  index('webhook_inbox_retry_idx').on(t.status, t.receivedAt).where(sql`status in ('received', 'failed')`),
])
