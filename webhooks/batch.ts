// Order deliveries that arrive together are stored and applied together: one transaction, a fixed number of statements.
/*
 * Why: a delivery applied on its own is ~17 statements in its own transaction; on 2 cores the round trips, not the
 * work, were the limit (docs/BENCHMARKS.md, "Webhooks"). The batcher keeps at most `maxInFlight` transactions
 * running (one by default: a batch costs Postgres about the same whatever its size, so fewer, larger batches beat
 * more of them side by side); deliveries that arrive meanwhile wait and go together into the next one (up to
 * `maxBatch`). A lone delivery starts at once, so nothing waits for a timer. Each request is answered only after its
 * batch committed: a 200 still means stored and applied. Several app instances each run their own batches; the order
 * locks keep them apart (test/webhooks/batch.test.ts races two).
 *
 * Customer deliveries (customers/create, customers/update) ride in the same batches and are applied first
 * (batch-customers.ts), so a buyer's customers/create and first order never wait for each other's transaction.
 * A batch holds at most one delivery per (shop, order) and per (shop, customer): the same one twice goes to a later batch, so a multi-row
 * upsert never touches a row twice and the later version is compared with the earlier one as before. If a batch
 * fails (a deadlock, a bad row), each of its deliveries is taken again alone through receiveDelivery, which records a
 * failure for the retry job exactly as before: nothing is lost and nothing is applied twice (the inbox row and the
 * ledger entries of the failed batch were rolled back with it).
 */
import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import { pipelinedTransaction, queryPrepared, type Db } from '../db/client.ts'
import type { ParsedCustomer, ParsedOrder } from '../server/haravan/mappers.ts'
import { customerJson, insertOrderCustomersSql, orderCustomer, orderJson, upsertOrdersSql } from '../server/haravan/store.ts'
import { finishConvergence, startConvergenceRead } from '../server/loyalty/order-batch.ts'
import { applyCustomerItems, customerFields } from './batch-customers.ts'
import { batchInboxCtes, classifySkipped, errorText, receiveDelivery, type Delivery, type DeliveryOutcome } from './inbox.ts'

/** Topics whose apply is "upsert the order, converge its points": the ones the batcher may take. */
export const BATCHED_ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'orders/fulfilled'])
/** Topics whose apply is "upsert the customer, then its effects" (batch-customers.ts). */
export const BATCHED_CUSTOMER_TOPICS = new Set(['customers/create', 'customers/update'])

/** A delivery for a batch, with its row for the batch statement. */
type Queued = {
  delivery: Delivery
  /**
   * The delivery's fields after the inbox columns, made when it was submitted: in its own turn of the event loop,
   * while the database runs the batch before it, not when its batch is built.
   */
  fields: string
} & ({ order: ParsedOrder, customer?: undefined } | { customer: ParsedCustomer, order?: undefined })

type Waiting = Queued & { resolve: (outcome: DeliveryOutcome) => void, reject: (err: unknown) => void }

export interface BatcherOptions { maxBatch: number, maxInFlight: number }

/**
 * The (shop, customer) pairs whose customers row this process has seen committed. An order carries its buyer so
 * that a buyer never seen becomes a customer at once (insert when absent); for a buyer already stored that insert
 * does nothing, and mapping the buyer (a zod parse, phone normalisation, search text) was a fifth of a delivery's
 * CPU. The app never deletes a customers row, so a pair once seen stays true; the set is bounded (oldest go first)
 * and only ever skips work whose result is known: a pair not in it is sent as before.
 */
export class KnownCustomers {
  private readonly keys = new Set<string>()
  constructor (private readonly max = 100_000) {}

  has (shopId: string, customerId: number): boolean {
    return this.keys.has(`${shopId}:${customerId}`)
  }

  add (shopId: string, customerId: number): void {
    const key = `${shopId}:${customerId}`
    if (this.keys.has(key)) return
    if (this.keys.size >= this.max) this.keys.delete(this.keys.values().next().value as string)
    this.keys.add(key)
  }
}

export class OrderBatcher {
  private queue: Waiting[] = []
  private running = new Set<Promise<void>>()
  /** batches committed, deliveries in them, and batches that failed and were taken one by one */
  readonly stats = { batches: 0, deliveries: 0, failedBatches: 0 }
  private readonly knownCustomers = new KnownCustomers()
  /** What the next summary line reports (deliveries are not logged one by one: server/app.ts) */
  private summary = { since: performance.now(), batches: 0, deliveries: 0, failedBatches: 0 }

  constructor (private readonly db: Db, private readonly log: FastifyBaseLogger, private readonly opts: BatcherOptions = { maxBatch: 100, maxInFlight: 1 }) {}

  submit (delivery: Delivery, order: ParsedOrder): Promise<DeliveryOutcome> {
    const fields = this.rowOf(delivery, () => orderFields(delivery, order, this.knownCustomers))
    return fields === undefined ? receiveDelivery(this.db, delivery, order) : this.enqueue({ delivery, order, fields })
  }

  submitCustomer (delivery: Delivery, customer: ParsedCustomer): Promise<DeliveryOutcome> {
    const fields = this.rowOf(delivery, () => customerFields(delivery, customer))
    return fields === undefined ? receiveDelivery(this.db, delivery, customer) : this.enqueue({ delivery, customer, fields })
  }

  /**
   * A delivery's row for the batch, or undefined when it cannot be made: that delivery then takes the one-at-a-time
   * path (receiveDelivery), which applies it or records it as failed for the retry job, as a failed batch does.
   */
  private rowOf (delivery: Delivery, row: () => string): string | undefined {
    try {
      return row()
    } catch (err) {
      this.log.warn({ shopId: delivery.shopId, topic: delivery.topic, error: errorText(err) }, 'webhook delivery left out of its batch (its row could not be made); applying it alone')
      return undefined
    }
  }

  private enqueue (item: Queued): Promise<DeliveryOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject })
      this.pump()
    })
  }

  /** Resolves when every submitted delivery has been answered (for a graceful stop). */
  async drain (): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running])
  }

  private pump (): void {
    while (this.running.size < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.take()
      const run: Promise<void> = this.run(batch).finally(() => {
        this.running.delete(run)
        this.pump()
      })
      this.running.add(run)
    }
  }

  /** The next batch: queue order, at most one delivery per (shop, order); the rest keep their places. */
  private take (): Waiting[] {
    const batch: Waiting[] = []
    const rest: Waiting[] = []
    const seen = new Set<string>()
    for (const w of this.queue) {
      const key = w.order ? `${w.delivery.shopId}:o${w.order.id}` : `${w.delivery.shopId}:c${w.customer.id}`
      if (batch.length < this.opts.maxBatch && !seen.has(key)) {
        seen.add(key)
        batch.push(w)
      } else {
        rest.push(w)
      }
    }
    this.queue = rest
    return batch
  }

  private async run (batch: Waiting[]): Promise<void> {
    let outcomes: DeliveryOutcome[]
    try {
      outcomes = await applyBatch(this.db, batch)
    } catch (err) {
      this.stats.failedBatches++
      this.log.warn({ size: batch.length, error: errorText(err) }, 'webhook batch failed; applying its deliveries one by one')
      // Alone, each delivery either applies or is stored as failed for the retry job (receiveDelivery).
      for (const w of batch) await receiveDelivery(this.db, w.delivery, w.order ?? w.customer).then(w.resolve, w.reject)
      this.summarise(batch.length, true)
      return
    }
    this.stats.batches++
    this.stats.deliveries += batch.length
    this.summarise(batch.length, false)
    // Committed: the buyer or customer of every delivery applied here has its customers row (inserted now or before).
    batch.forEach((w, i) => {
      const customerId = w.order ? w.order.customer?.id : w.customer.id
      if (customerId !== undefined && outcomes[i]?.result === 'applied') this.knownCustomers.add(w.delivery.shopId, customerId)
    })
    batch.forEach((w, i) => { w.resolve(outcomes[i] as DeliveryOutcome) })
  }

  /** At most one info line a minute while deliveries arrive: how many, in how many transactions. */
  private summarise (deliveries: number, failed: boolean): void {
    const s = this.summary
    s.batches++
    s.deliveries += deliveries
    if (failed) s.failedBatches++
    const seconds = (performance.now() - s.since) / 1000
    if (seconds < SUMMARY_SECONDS) return
    this.log.info({ deliveries: s.deliveries, batches: s.batches, failedBatches: s.failedBatches, seconds: Math.round(seconds) }, 'webhook deliveries taken')
    this.summary = { since: performance.now(), batches: 0, deliveries: 0, failedBatches: 0 }
  }
}

const SUMMARY_SECONDS = 60

/**
 * An order delivery's row: the order (orderJson) and its buyer as a customers row (customerJson), or null: none, or
 * one whose row is known to exist. A buyer that becomes known before the batch runs is inserted when absent, i.e.
 * not at all: the same outcome.
 */
function orderFields (delivery: Delivery, order: ParsedOrder, known: KnownCustomers): string {
  const customer = !order.customer || known.has(delivery.shopId, order.customer.id) ? undefined : orderCustomer(order)
  const customerRow = customer ? customerJson(delivery.shopId, customer, delivery.now) : null
  return `"o":${JSON.stringify(orderJson(delivery.shopId, order, delivery.now))},"c":${JSON.stringify(customerRow)}`
}

/** One transaction: inbox rows (deduplicated, served shops only) and order upserts in one statement, then the points. */
async function applyBatch (db: Db, batch: Waiting[]): Promise<DeliveryOutcome[]> {
  const orderItems = batch.filter((w): w is Waiting & { order: ParsedOrder } => w.order !== undefined)
  const customerItems = batch.flatMap(w => (w.customer ? [{ delivery: w.delivery, customer: w.customer, fields: w.fields }] : []))
  const stored = await pipelinedTransaction(db, async (tx, defer) => {
    // Customers first: the orders' convergence then sees the members their deliveries activated. Their last
    // statements may still be running (customers.effects): the order statements follow them in the same write.
    const customers = await applyCustomerItems(tx, customerItems)
    if (orderItems.length === 0) {
      await customers.effects
      return customers.keys
    }
    const fields = (i: number) => (orderItems[i] as Waiting).fields
    // One statement: the inbox rows and the order upserts (which lock the orders, in id order).
    const writing = queryPrepared<{ kind: 'inbox' | 'order', shop_id: string, topic: string | null, body_hash: string | null, id: unknown }>(tx, sql`
      with ${batchInboxCtes(orderItems.map(w => w.delivery), fields, 'o json, c json')}, cust as (${insertOrderCustomersSql(sql`select v.c from v join inbox using (shop_id, topic, body_hash)`)}
      ), up as (${upsertOrdersSql(sql`select v.o from v join inbox using (shop_id, topic, body_hash)`)})
      select 'inbox' as kind, shop_id, topic, body_hash, null::bigint as id from inbox
      union all
      select 'order', shop_id, null, null, id from up`)
    // The convergence reads go out right behind it, in the same write. Each runs after the upsert as a statement of
    // its own, so it sees whatever a batch whose locks the upsert waited for has committed. They read every order of
    // the batch; only the ones the upsert wrote (and so locked) are converged: a stale or duplicate delivery changes
    // nothing, as before.
    const byShop = new Map<string, { orderId: number, now: Date }[]>()
    for (const w of orderItems) byShop.set(w.delivery.shopId, [...byShop.get(w.delivery.shopId) ?? [], { orderId: w.order.id, now: w.delivery.now }])
    const reads = [...byShop].map(([shopId, items]) => startConvergenceRead(tx, shopId, items))
    const [written] = await Promise.all([writing, customers.effects, ...reads.map(r => r.rows)])
    const keys = new Set([...customers.keys, ...written.filter(r => r.kind === 'inbox').map(r => `${r.shop_id}|${r.topic}|${r.body_hash}`)])
    const locked = new Map<string, Set<number>>()
    for (const r of written) if (r.kind === 'order') locked.set(r.shop_id, (locked.get(r.shop_id) ?? new Set()).add(Number(r.id)))
    // The last shop's last statement is deferred: COMMIT follows it without a round trip.
    for (const [i, read] of reads.entries()) await finishConvergence(tx, read, locked.get(read.shopId) ?? new Set(), i === reads.length - 1 ? defer : undefined)
    return keys
  }, { genericPlans: true })
  const outcomes: DeliveryOutcome[] = []
  // Off the happy path only: a duplicate, or a shop we do not serve (one lookup per shop, as receiveDelivery does).
  const skipped = new Map<string, ReturnType<typeof classifySkipped>>()
  for (const w of batch) {
    const { shopId, topic, bodyHash } = w.delivery
    if (stored.has(`${shopId}|${topic}|${bodyHash}`)) {
      outcomes.push({ result: 'applied' })
      continue
    }
    if (!skipped.has(shopId)) skipped.set(shopId, classifySkipped(db, shopId))
    outcomes.push({ result: await skipped.get(shopId)! })
  }
  return outcomes
}
