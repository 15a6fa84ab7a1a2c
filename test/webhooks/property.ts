// What the batch property tests share: order and customer bodies, submitting to the batcher as the route does, a
// shop's outcome to compare, and fast-check's options. Not a test file itself.
import { sql } from 'drizzle-orm'
import type { Test } from 'tap'
import { queryRows, type Db } from '../../db/client.ts'
import type { App } from '../../server/app.ts'
import { haravanCustomerSchema, haravanOrderSchema } from '../../server/haravan/mappers.ts'
import { bodyHash } from '../../webhooks/inbox.ts'
import { DEMO_SHOP_ID } from '../helper.ts'
import { fixture, phoneOf } from './helpers.ts'

const paid = fixture('order-paid.json')

export interface OrderSpec { id: number, buyer: number, total: number, guest: boolean, status: 'paid' | 'refunded' | 'pending' }

export function orderBody (o: OrderSpec) {
  const phone = phoneOf(o.buyer)
  return {
    ...paid,
    id: o.id,
    name: `#P${o.id}`,
    customer: o.guest ? null : { id: o.buyer, phone, first_name: 'Lan', last_name: 'Nguyễn Thị' },
    billing_address: { phone },
    shipping_address: { phone },
    total_price: o.total,
    subtotal_price: o.total,
    financial_status: o.status,
    line_items: [],
    transactions: [],
  }
}

export const customerBody = (id: number) => ({ ...fixture('customer.json'), id, phone: phoneOf(id), email: `p${id}@example.vn` })

/** What the webhook route does after the signature and schema checks, for many deliveries at the same instant. */
export function submit (app: App, body: unknown) {
  const raw = JSON.stringify(body)
  return app.orderBatcher.submit({ shopId: DEMO_SHOP_ID, topic: 'orders/paid', body: raw, bodyHash: bodyHash(raw), now: app.clock() }, haravanOrderSchema.parse(body))
}

/** customers/create as the route hands it to the batcher. */
export function submitCustomer (app: App, body: unknown) {
  const raw = JSON.stringify(body)
  return app.orderBatcher.submitCustomer({ shopId: DEMO_SHOP_ID, topic: 'customers/create', body: raw, bodyHash: bodyHash(raw), now: app.clock() }, haravanCustomerSchema.parse(body))
}

export async function outcome (db: Db) {
  const members = await queryRows(db, sql`
    select customer_id::text as id, points_available::text as points, points_pending::text as pending, rank_points::text as rank,
      total_spent::text as spent, orders_count::text as n, tier_id as tier from members order by customer_id`)
  const ledger = await queryRows(db, sql`
    select source_id, customer_id::text as customer, sum(points)::text as points, sum(rank_points)::text as rank
    from ledger_entries where source = 'order' group by source_id, customer_id order by source_id, customer_id`)
  const rewards = (await queryRows<{ key: string }>(db, sql`select idempotency_key as key from rewards order by 1`)).map(r => r.key)
  return { members, ledger, rewards }
}

/**
 * The batched shop ends where the one-at-a-time one does, its ledger verifies and no batch fell back to one by one
 * (`extra`: more that must hold). When not, everything is reported, with `context` to replay it.
 */
export function sameOutcome (t: Test, run: number, a: unknown, b: unknown, problems: unknown[], failedBatches: number, context: unknown, extra: [boolean, string][] = []): boolean {
  const same = JSON.stringify(a) === JSON.stringify(b) && problems.length === 0 && failedBatches === 0 && extra.every(([ok]) => ok)
  if (!same) {
    t.comment(JSON.stringify(context))
    // Reported in full; fast-check then shrinks the scenario and prints the smallest one that fails.
    t.same(a, b, `scenario ${run}: batched = one at a time`)
    t.same(problems, [], 'the ledger verifies')
    for (const [ok, what] of extra) t.ok(ok, what)
    t.equal(failedBatches, 0, 'no batch fell back to one by one')
  }
  return same
}

/**
 * The suite runs a fixed sample (each scenario builds two shops); to explore, PROPERTY_RUNS=100 PROPERTY_SEED=random
 * (or a seed to replay), PROPERTY_SHRINK=1 to shrink a failure.
 */
export function propertyOptions (runs: number, seed: number) {
  return {
    numRuns: Number(process.env.PROPERTY_RUNS ?? runs),
    ...(process.env.PROPERTY_SEED === 'random' ? {} : { seed: Number(process.env.PROPERTY_SEED ?? seed) }),
    endOnFailure: process.env.PROPERTY_SHRINK !== '1',
  }
}
