// Tổng quan's daily rollup: per shop and local calendar day, the period sums of orders and points (server/overview/rollup.ts).
import { bigint, date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

export const overviewDays = pgTable('overview_days', {
  shopId: text('shop_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  memberRevenue: bigint('member_revenue', { mode: 'number' }).notNull().default(0),
  nonMemberRevenue: bigint('non_member_revenue', { mode: 'number' }).notNull().default(0),
  memberOrders: integer('member_orders').notNull().default(0),
  nonMemberOrders: integer('non_member_orders').notNull().default(0),
  // Orders with a customer (guests cannot repeat), and those of them that were not the customer's first revenue order.
  memberBuyerOrders: integer('member_buyer_orders').notNull().default(0),
  memberRepeatOrders: integer('member_repeat_orders').notNull().default(0),
  nonMemberBuyerOrders: integer('non_member_buyer_orders').notNull().default(0),
  nonMemberRepeatOrders: integer('non_member_repeat_orders').notNull().default(0),
  pointsEarned: bigint('points_earned', { mode: 'number' }).notNull().default(0),
  pointsRedeemed: bigint('points_redeemed', { mode: 'number' }).notNull().default(0),
  pointsExpired: bigint('points_expired', { mode: 'number' }).notNull().default(0),
  pointsOpening: bigint('points_opening', { mode: 'number' }).notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.day] }),
])

/** How far a shop's rollup is built: every change stamped before `refreshedAt − margin` is in overview_days. */
export const overviewRollups = pgTable('overview_rollups', {
  shopId: text('shop_id').primaryKey(),
  // The days are the shop's calendar days in this zone; another zone means a rebuild.
  timezone: text('timezone').notNull(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull(),
})

/**
 * The rows inside the refresh's look-back margin that a refresh already took in (a key naming the row and its state,
 * and the row's stamp), so the next refresh skips them instead of recomputing their days again for a whole margin.
 */
export const overviewSeen = pgTable('overview_seen', {
  shopId: text('shop_id').notNull(),
  key: text('key').notNull(),
  stamp: timestamp('stamp', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.key] }),
])
