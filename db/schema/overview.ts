// Tổng quan's daily rollup: per shop and local calendar day, the period sums of orders and points (server/overview/rollup.ts).
import { bigint, boolean, date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

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
 * Each revenue order's contribution to its day as the rollup last took it in (the refresh adds the difference when
 * an order, its customer's first revenue order or its customer's membership changes, instead of recomputing the day).
 */
export const overviewOrders = pgTable('overview_orders', {
  shopId: text('shop_id').notNull(),
  orderId: bigint('order_id', { mode: 'number' }).notNull(),
  customerId: bigint('customer_id', { mode: 'number' }),
  // The order's time (Haravan's creation time, else our sync time): its place among its customer's orders.
  at: timestamp('at', { withTimezone: true }).notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  net: bigint('net', { mode: 'number' }).notNull(),
  member: boolean('member').notNull(),
  repeat: boolean('repeat').notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.orderId] }),
])

/**
 * The ledger entries inside the refresh's look-back margin that a refresh already added to their day (entries are
 * never updated or deleted, so each is added once); rows older than the margin are dropped.
 */
export const overviewEntriesSeen = pgTable('overview_entries_seen', {
  shopId: text('shop_id').notNull(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.entryId] }),
])

/**
 * Members per tier and their points, per shop ('' = no tier): what the refresh has folded in from
 * overview_member_deltas. The figures are totals + the deltas not yet folded (read in one statement).
 */
export const overviewMemberTotals = pgTable('overview_member_totals', {
  shopId: text('shop_id').notNull(),
  tierKey: text('tier_key').notNull(),
  members: bigint('members', { mode: 'number' }).notNull().default(0),
  pointsAvailable: bigint('points_available', { mode: 'number' }).notNull().default(0),
  pointsPending: bigint('points_pending', { mode: 'number' }).notNull().default(0),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.tierKey] }),
])

/**
 * Written only by the statement-level triggers on members (migration 0015): per statement and tier, the change in
 * members and points that the statement made. Folded into overview_member_totals by the refresh.
 */
export const overviewMemberDeltas = pgTable('overview_member_deltas', {
  shopId: text('shop_id').notNull(),
  id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
  tierKey: text('tier_key').notNull(),
  members: bigint('members', { mode: 'number' }).notNull(),
  pointsAvailable: bigint('points_available', { mode: 'number' }).notNull(),
  pointsPending: bigint('points_pending', { mode: 'number' }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
])
