// Members, the append-only points ledger, tiers and loyalty settings.
import { sql } from 'drizzle-orm'
import { bigint, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export const members = pgTable('members', {
  shopId: text('shop_id').notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  // Identifiers are frozen at activation: customer sync never overwrites them.
  phoneE164: text('phone_e164'),
  email: text('email'),
  activatedAt: timestamp('activated_at', { withTimezone: true }).notNull().defaultNow(),
  activationSource: text('activation_source', { enum: ['auto', 'manual', 'import'] }).notNull(),
  tierId: text('tier_id'),
  // Cached balances: always equal to the sums over ledger_entries (npm run ledger:verify).
  pointsAvailable: bigint('points_available', { mode: 'number' }).notNull().default(0),
  pointsPending: bigint('points_pending', { mode: 'number' }).notNull().default(0),
  pointsUsed: bigint('points_used', { mode: 'number' }).notNull().default(0),
  pointsExpired: bigint('points_expired', { mode: 'number' }).notNull().default(0),
  rankPoints: bigint('rank_points', { mode: 'number' }).notNull().default(0),
  // Opening balance (Dữ liệu đầu kỳ): DTTichLuy baseline, and which import set it (imported once).
  spendBaseline: bigint('spend_baseline', { mode: 'number' }).notNull().default(0),
  openingImportId: uuid('opening_import_id'),
  totalSpent: bigint('total_spent', { mode: 'number' }).notNull().default(0),
  ordersCount: integer('orders_count').notNull().default(0),
  lastOrderAt: timestamp('last_order_at', { withTimezone: true }),
  lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
  // Copy of extract(month from customers.birthday), kept by activation, imports and customer sync: lets the
  // member list's birthdayMonth condition use members_birthday_spent_idx without joining customers.
  birthdayMonth: smallint('birthday_month'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.customerId] }),
  index('members_phone_idx').on(t.shopId, t.phoneE164),
  // Member list sorts and segment conditions (Hồ sơ thành viên over 1,000,000 members).
  // customer_id last: the list's tie-breaker, so the first page reads straight off the index.
  index('members_last_order_idx').on(t.shopId, t.lastOrderAt.desc().nullsLast(), t.customerId.desc()),
  index('members_total_spent_idx').on(t.shopId, t.totalSpent, t.customerId),
  index('members_activated_idx').on(t.shopId, t.activatedAt, t.customerId),
  index('members_birthday_spent_idx').on(t.shopId, t.birthdayMonth, t.totalSpent),
])

export const ledgerEntries = pgTable('ledger_entries', {
  shopId: text('shop_id').notNull(),
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  kind: text('kind', { enum: ['earn', 'opening', 'redeem', 'reverse', 'expire', 'adjust', 'release'] }).notNull(),
  points: bigint('points', { mode: 'number' }).notNull().default(0),
  rankPoints: bigint('rank_points', { mode: 'number' }).notNull().default(0),
  state: text('state', { enum: ['pending', 'available'] }).notNull(),
  availableAt: timestamp('available_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  source: text('source', { enum: ['order', 'import', 'adjustment', 'reward', 'system'] }).notNull(),
  sourceId: text('source_id'),
  idempotencyKey: text('idempotency_key').notNull(),
  reason: text('reason'),
  // The rule the entry was computed with: changing settings never rewrites history. Opening-balance entries hold
  // {"amount": …} only; the rule they were computed with is their import's (imports.rule, source_id = its id).
  rule: jsonb('rule').$type<Record<string, unknown>>(),
  actor: text('actor'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  uniqueIndex('ledger_idempotency_uq').on(t.shopId, t.idempotencyKey),
  index('ledger_member_idx').on(t.shopId, t.customerId, t.id),
  index('ledger_source_idx').on(t.shopId, t.source, t.sourceId),
  index('ledger_pending_idx').on(t.shopId, t.availableAt).where(sql`state = 'pending'`),
  // Tổng quan: a period's earned / redeemed / expired points, read from the index alone (server/overview/queries.ts).
  index('ledger_created_idx').on(t.shopId, t.createdAt, t.kind, t.points),
])

export const tiers = pgTable('tiers', {
  shopId: text('shop_id').notNull(),
  id: text('id').notNull(),
  name: text('name').notNull(),
  threshold: bigint('threshold', { mode: 'number' }).notNull(),
  // Hundredths, so ×1.25 is 125 and point arithmetic stays integral.
  earnMultiplierPct: integer('earn_multiplier_pct').notNull().default(100),
  position: integer('position').notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
])

export const loyaltySettings = pgTable('loyalty_settings', {
  shopId: text('shop_id').primaryKey(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  version: integer('version').notNull().default(1),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
