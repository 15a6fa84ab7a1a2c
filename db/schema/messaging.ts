// Messaging: the shop's channels (SMTP, SMS provider), consent per customer and channel, and the log of every message.
import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const CHANNELS = ['email', 'sms'] as const
export const MESSAGE_KINDS = ['advertising', 'care'] as const
export const MESSAGE_STATUSES = ['queued', 'sent', 'failed', 'skipped', 'unknown'] as const
export const CONSENT_STATES = ['consented', 'refused', 'unknown'] as const
export const CONSENT_SOURCES = ['haravan', 'unsubscribe', 'admin', 'import'] as const
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const

export const emailSettings = pgTable('email_settings', {
  shopId: text('shop_id').primaryKey(),
  host: text('host').notNull(),
  port: integer('port').notNull(),
  security: text('security', { enum: SMTP_SECURITY }).notNull(),
  username: text('username').notNull().default(''),
  // AES-256-GCM ciphertext bound to shop_id (server/crypto.ts); never returned, never logged.
  passwordEnc: text('password_enc'),
  fromName: text('from_name').notNull().default(''),
  fromAddress: text('from_address').notNull(),
  dailyLimit: integer('daily_limit').notNull(),
  // A quota rejection (Gmail 550 5.4.5, 421) stops this shop's sending until then instead of retrying into it.
  pausedUntil: timestamp('paused_until', { withTimezone: true }),
  pauseReason: text('pause_reason'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

export const smsSettings = pgTable('sms_settings', {
  shopId: text('shop_id').primaryKey(),
  provider: text('provider', { enum: ['vietguys'] }).notNull().default('vietguys'),
  brandname: text('brandname').notNull(),
  username: text('username').notNull(),
  passwordEnc: text('password_enc'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** One row per customer and channel once anything is known; no row = unknown. */
export const messageConsents = pgTable('message_consents', {
  shopId: text('shop_id').notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  state: text('state', { enum: CONSENT_STATES }).notNull(),
  source: text('source', { enum: CONSENT_SOURCES }).notNull(),
  reason: text('reason'),
  // The admin user (Haravan user id) who recorded it, when the source is admin.
  actor: text('actor'),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.customerId, t.channel] }),
])

export const messages = pgTable('messages', {
  shopId: text('shop_id').notNull(),
  id: uuid('id').notNull().defaultRandom(),
  channel: text('channel', { enum: CHANNELS }).notNull(),
  kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
  customerId: bigint('customer_id', { mode: 'number' }),
  // The address or the phone (84…) the message went to.
  recipient: text('recipient').notNull(),
  // What sent it: 'campaign' + its id, 'test' + a fresh id, 'system' + what (e.g. 'import:<id>').
  sourceType: text('source_type').notNull(),
  sourceId: text('source_id').notNull(),
  // Repeats of one source to one recipient (a birthday each year): '' for a one-off.
  occurrence: text('occurrence').notNull().default(''),
  // The customer id when there is one, else the recipient: the exactly-once key never depends on an edited address.
  recipientKey: text('recipient_key').notNull(),
  subject: text('subject'),
  status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
  reason: text('reason'),
  providerId: text('provider_id'),
  parts: integer('parts'),
  attempts: integer('attempts').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  uniqueIndex('messages_claim_uq').on(t.shopId, t.sourceType, t.sourceId, t.recipientKey, t.channel, t.occurrence),
  index('messages_customer_idx').on(t.shopId, t.customerId, t.createdAt),
  // The per-recipient cap and the shop's daily limit count recent messages.
  index('messages_recipient_idx').on(t.shopId, t.channel, t.recipient, t.createdAt),
  index('messages_channel_time_idx').on(t.shopId, t.channel, t.createdAt),
])
