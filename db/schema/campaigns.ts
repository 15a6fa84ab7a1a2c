// Campaigns (Chiến dịch): their definitions, and each (campaign, recipient, occurrence) with its unique discount code.
import { sql } from 'drizzle-orm'
import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const CAMPAIGN_TYPES = ['announcement', 'promo', 'birthday', 'thank_you', 'reminder'] as const
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'active', 'paused', 'cancelled'] as const
export const CAMPAIGN_CHANNELS = ['email', 'sms'] as const
// none: the campaign gives no code; pending: not yet created on Haravan; created; refused: Haravan said 403; failed: another error.
export const CODE_STATUSES = ['none', 'pending', 'created', 'refused', 'failed'] as const
// queued: waiting to be sent (due_at); done: handed to messaging; cancelled: the campaign or the order was cancelled first.
export const RECIPIENT_STATUSES = ['queued', 'done', 'cancelled'] as const

export const campaigns = pgTable('campaigns', {
  shopId: text('shop_id').notNull(),
  id: uuid('id').notNull(),
  name: text('name').notNull(),
  type: text('type', { enum: CAMPAIGN_TYPES }).notNull(),
  status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
  channels: text('channels').array().notNull().default([]),
  audience: jsonb('audience').$type<Record<string, unknown>>().notNull(),
  email: jsonb('email').$type<{ subject: string, html: string } | null>(),
  sms: jsonb('sms').$type<{ text: string } | null>(),
  promo: jsonb('promo').$type<Record<string, unknown> | null>(),
  trigger: jsonb('trigger').$type<Record<string, unknown> | null>(),
  sendAt: timestamp('send_at', { withTimezone: true }),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  // Automatic kinds: where the last scan stopped (orders updated since, or the last local day scanned).
  cursor: jsonb('cursor').$type<Record<string, unknown>>().notNull().default({}),
  // Automatic kinds: when the minute tick next has something to do (the next local day's scan, a delayed thank-you
  // coming due). Only active campaigns whose time has come are read; thank-you scans also follow new orders.
  nextRunAt: timestamp('next_run_at', { withTimezone: true }),
  // Why the campaign cannot go on (Haravan refused the discount scope, channel not configured…), Vietnamese.
  hold: text('hold'),
  lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  index('campaigns_created_idx').on(t.shopId, t.createdAt),
  index('campaigns_status_idx').on(t.status, t.shopId),
  index('campaigns_next_run_idx').on(t.nextRunAt).where(sql`status = 'active'`),
])

/**
 * One row per (campaign, recipient, occurrence): the one-off snapshot ('once'), a birthday year ('2026'), an order
 * ('order:123') or a lapse ('lapse:2026-11-03'). The primary key is what makes "at most once" hold for automatic kinds.
 */
export const campaignRecipients = pgTable('campaign_recipients', {
  shopId: text('shop_id').notNull(),
  campaignId: uuid('campaign_id').notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  occurrence: text('occurrence').notNull(),
  status: text('status', { enum: RECIPIENT_STATUSES }).notNull().default('queued'),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  // thank_you: the order it thanks for (checked again at due time: a cancelled order sends nothing).
  orderId: bigint('order_id', { mode: 'number' }),
  code: text('code'),
  codeStatus: text('code_status', { enum: CODE_STATUSES }).notNull().default('none'),
  haravanDiscountId: bigint('haravan_discount_id', { mode: 'number' }),
  codeEndsAt: timestamp('code_ends_at', { withTimezone: true }),
  reason: text('reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  doneAt: timestamp('done_at', { withTimezone: true }),
  // When at least one channel delivered it: starts the 7-day attribution window of campaigns without a code.
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.campaignId, t.customerId, t.occurrence] }),
  uniqueIndex('campaign_recipients_code_uq').on(t.shopId, t.code).where(sql`code is not null`),
  index('campaign_recipients_due_idx').on(t.shopId, t.campaignId, t.status, t.dueAt, t.customerId, t.occurrence),
  index('campaign_recipients_customer_idx').on(t.shopId, t.customerId),
])

/** Per-shop campaign settings: the SMS price per part the estimate multiplies by (đồng, the shop's VietGuys contract). */
export const campaignSettings = pgTable('campaign_settings', {
  shopId: text('shop_id').primaryKey(),
  smsPricePerPart: bigint('sms_price_per_part', { mode: 'number' }).notNull().default(800),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
