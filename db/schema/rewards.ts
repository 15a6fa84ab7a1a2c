// Rewards: the shop's redemption catalogue, its automatic rewards, and every issued (or held, or pending) discount code.
import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

import { AUTO_TRIGGERS, DISCOUNT_TYPES, REWARD_STATUSES, REWARD_TRIGGERS } from '../../api-types/rewards.ts'

// The API's vocabulary (api-types/rewards.ts) is the columns' enums.
export { AUTO_TRIGGERS, DISCOUNT_TYPES, REWARD_STATUSES, REWARD_TRIGGERS }

export const rewardOptions = pgTable('reward_options', {
  shopId: text('shop_id').notNull(),
  id: uuid('id').notNull().defaultRandom(),
  name: text('name').notNull(),
  pointsCost: integer('points_cost').notNull(),
  discountType: text('discount_type', { enum: DISCOUNT_TYPES }).notNull(),
  // Đồng for fixed_amount, percent for percentage, 0 (free shipping) for shipping.
  value: bigint('value', { mode: 'number' }).notNull().default(0),
  validDays: integer('valid_days').notNull().default(30),
  minimumOrderAmount: bigint('minimum_order_amount', { mode: 'number' }).notNull().default(0),
  active: boolean('active').notNull().default(true),
  position: integer('position').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
])

export const autoRewards = pgTable('auto_rewards', {
  shopId: text('shop_id').notNull(),
  id: uuid('id').notNull().defaultRandom(),
  trigger: text('trigger', { enum: AUTO_TRIGGERS }).notNull(),
  // Only for tier_upgrade: a reward for reaching this tier; null = any upgrade.
  tierId: text('tier_id'),
  enabled: boolean('enabled').notNull().default(false),
  discountType: text('discount_type', { enum: DISCOUNT_TYPES }).notNull(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
  validDays: integer('valid_days').notNull().default(30),
  minimumOrderAmount: bigint('minimum_order_amount', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  uniqueIndex('auto_rewards_trigger_uq').on(t.shopId, t.trigger, sql`coalesce(${t.tierId}, '')`),
])

export const rewards = pgTable('rewards', {
  shopId: text('shop_id').notNull(),
  id: uuid('id').notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  trigger: text('trigger', { enum: REWARD_TRIGGERS }).notNull(),
  optionId: uuid('option_id'),
  status: text('status', { enum: REWARD_STATUSES }).notNull(),
  // Points spent (0 for automatic rewards).
  points: integer('points').notNull().default(0),
  discountType: text('discount_type', { enum: DISCOUNT_TYPES }).notNull(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
  minimumOrderAmount: bigint('minimum_order_amount', { mode: 'number' }).notNull().default(0),
  code: text('code').notNull(),
  haravanDiscountId: bigint('haravan_discount_id', { mode: 'number' }),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  error: text('error'),
  // Each retry of a held reward spends under a new ledger key (reward:{id}:reserve:{attempt}).
  attempt: integer('attempt').notNull().default(1),
  idempotencyKey: text('idempotency_key').notNull(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  uniqueIndex('rewards_idempotency_uq').on(t.shopId, t.idempotencyKey),
  uniqueIndex('rewards_code_uq').on(t.shopId, t.code),
  index('rewards_member_idx').on(t.shopId, t.customerId, t.createdAt),
  index('rewards_open_idx').on(t.shopId, t.status, t.updatedAt).where(sql`status in ('reserved', 'pending', 'held')`),
])
