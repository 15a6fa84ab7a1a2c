// Mirrors of Haravan customers and orders, money in integer đồng, keyed by (shop_id, Haravan id).
import { sql } from 'drizzle-orm'
import { bigint, boolean, date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

export const customers = pgTable('customers', {
  shopId: text('shop_id').notNull(),
  id: bigint('id', { mode: 'number' }).notNull(),
  email: text('email'),
  phone: text('phone'),
  phoneE164: text('phone_e164'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  fullName: text('full_name').notNull().default(''),
  // Lower-cased, diacritics removed, phone digits appended: what the search box matches.
  searchText: text('search_text').notNull().default(''),
  birthday: date('birthday', { mode: 'string' }),
  gender: text('gender', { enum: ['male', 'female', 'unknown'] }).notNull().default('unknown'),
  province: text('province'),
  provinceCode: text('province_code'),
  district: text('district'),
  ward: text('ward'),
  address: text('address'),
  tags: text('tags').array().notNull().default([]),
  acceptsMarketing: boolean('accepts_marketing').notNull().default(false),
  state: text('state'),
  haravanOrdersCount: integer('haravan_orders_count').notNull().default(0),
  haravanTotalSpent: bigint('haravan_total_spent', { mode: 'number' }).notNull().default(0),
  lastOrderAt: timestamp('last_order_at', { withTimezone: true }),
  haravanCreatedAt: timestamp('haravan_created_at', { withTimezone: true }),
  haravanUpdatedAt: timestamp('haravan_updated_at', { withTimezone: true }),
  syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  index('customers_phone_idx').on(t.shopId, t.phoneE164),
  index('customers_updated_idx').on(t.shopId, t.haravanUpdatedAt),
  // Segment condition birthdayMonth (the expression must match server/segments/compile.ts exactly).
  index('customers_birthday_month_idx').on(t.shopId, sql`extract(month from ${t.birthday})`),
])

export const orders = pgTable('orders', {
  shopId: text('shop_id').notNull(),
  id: bigint('id', { mode: 'number' }).notNull(),
  name: text('name'),
  customerId: bigint('customer_id', { mode: 'number' }),
  email: text('email'),
  phoneE164: text('phone_e164'),
  totalPrice: bigint('total_price', { mode: 'number' }).notNull().default(0),
  subtotalPrice: bigint('subtotal_price', { mode: 'number' }).notNull().default(0),
  shippingPrice: bigint('shipping_price', { mode: 'number' }).notNull().default(0),
  totalDiscounts: bigint('total_discounts', { mode: 'number' }).notNull().default(0),
  // The codes the order used, upper-cased: a campaign's orders are those using its codes.
  discountCodes: text('discount_codes').array().notNull().default([]),
  refundedAmount: bigint('refunded_amount', { mode: 'number' }).notNull().default(0),
  financialStatus: text('financial_status'),
  fulfillmentStatus: text('fulfillment_status'),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  cancelReason: text('cancel_reason'),
  sourceName: text('source_name'),
  gateway: text('gateway'),
  deleted: boolean('deleted').notNull().default(false),
  haravanCreatedAt: timestamp('haravan_created_at', { withTimezone: true }),
  haravanUpdatedAt: timestamp('haravan_updated_at', { withTimezone: true }),
  syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  index('orders_customer_idx').on(t.shopId, t.customerId),
  index('orders_phone_idx').on(t.shopId, t.phoneE164),
  index('orders_updated_idx').on(t.shopId, t.haravanUpdatedAt),
  // Campaign attribution by code; partial, so orders without a code cost the webhook path nothing.
  index('orders_discount_codes_idx').using('gin', t.discountCodes).where(sql`cardinality(discount_codes) > 0`),
  // Tổng quan (server/overview/queries.ts): a period's revenue orders read from the index alone (plain columns: Postgres
  // cannot answer an index-only scan from an expression). The predicate must match revenueOrders() there exactly.
  index('orders_revenue_idx').on(t.shopId, t.haravanCreatedAt, t.customerId, t.totalPrice, t.refundedAmount)
    .where(sql`${t.cancelledAt} is null and not ${t.deleted} and lower(coalesce(${t.financialStatus}, '')) in ('paid', 'partially_refunded')`),
  // Tổng quan's rollup refresh: the orders written since it last looked (synced_at is set by every write).
  index('orders_synced_idx').on(t.shopId, t.syncedAt),
])
