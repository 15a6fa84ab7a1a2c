// Writes Haravan customers and orders into our mirror in one statement each, never letting an older version win.
// Shared by webhooks, backfill and reconciliation: callers validate payloads with the schemas in mappers.ts.
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.ts'
import { customers, members, orders } from '../../db/schema/index.ts'
import { mapCustomer, mapOrder, type HaravanCustomer, type HaravanOrder } from './mappers.ts'

export type UpsertResult = 'inserted' | 'updated' | 'stale'

/** `set col = excluded.col` for every column but the key (and any listed as kept). */
function excludedSet (table: PgTable, keep: string[]): Record<string, SQL> {
  const set: Record<string, SQL> = {}
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (key === 'shopId' || key === 'id' || keep.includes(key)) continue
    set[key] = sql.raw(`excluded."${column.name}"`)
  }
  return set
}

const customerSet = excludedSet(customers, [])
// `deleted` is sticky: an orders/updated that arrives after orders/delete must not bring the order back.
const orderSet = excludedSet(orders, ['deleted'])

// Out-of-order deliveries: a version only replaces one that is not newer (equal passes: topics of one change share it).
const customerFresher = sql`excluded.haravan_updated_at >= ${customers.haravanUpdatedAt} or ${customers.haravanUpdatedAt} is null`
const orderFresher = sql`excluded.haravan_updated_at >= ${orders.haravanUpdatedAt} or ${orders.haravanUpdatedAt} is null`

// xmax = 0 only on a freshly inserted tuple: tells insert from update without a second query.
const insertedFlag = sql<boolean>`(xmax = 0)`

function outcome (rows: { inserted: boolean | string }[]): UpsertResult {
  const row = rows[0]
  if (!row) return 'stale'
  return row.inserted === true || row.inserted === 't' ? 'inserted' : 'updated'
}

export async function upsertCustomer (db: Db, shopId: string, payload: HaravanCustomer, now: Date): Promise<UpsertResult> {
  const row = mapCustomer(shopId, payload, now)
  const rows = await db.insert(customers).values(row)
    .onConflictDoUpdate({ target: [customers.shopId, customers.id], set: customerSet, setWhere: customerFresher })
    .returning({ inserted: insertedFlag })
  const result = outcome(rows)
  // members.birthday_month mirrors the customer's birthday (member list filter); writes only when it changed.
  if (result !== 'stale') {
    const month = sql`extract(month from ${row.birthday ?? null}::date)::smallint`
    await db.update(members).set({ birthdayMonth: month })
      .where(and(eq(members.shopId, shopId), eq(members.customerId, row.id), sql`${members.birthdayMonth} is distinct from ${month}`))
  }
  return result
}

export async function upsertOrder (db: Db, shopId: string, payload: HaravanOrder, now: Date): Promise<UpsertResult> {
  const rows = await db.insert(orders).values(mapOrder(shopId, payload, now))
    .onConflictDoUpdate({ target: [orders.shopId, orders.id], set: orderSet, setWhere: orderFresher })
    .returning({ inserted: insertedFlag })
  return outcome(rows)
}

/**
 * Several orders (of any shops) in one statement, in (shop, id) order so concurrent batches lock rows in one order.
 * Returns the orders that were written (inserted or updated); a stale version writes nothing. Ids must be unique.
 */
export async function upsertOrders (db: Db, items: { shopId: string, payload: HaravanOrder, now: Date }[]): Promise<{ shopId: string, id: number }[]> {
  if (items.length === 0) return []
  const values = items.map(i => mapOrder(i.shopId, i.payload, i.now))
    .sort((a, b) => (a.shopId === b.shopId ? a.id - b.id : a.shopId < b.shopId ? -1 : 1))
  return db.insert(orders).values(values)
    .onConflictDoUpdate({ target: [orders.shopId, orders.id], set: orderSet, setWhere: orderFresher })
    .returning({ shopId: orders.shopId, id: orders.id })
}

/**
 * orders/delete: flags the order (rows are never removed: the ledger points at them). An order we never saw
 * gets a tombstone, so a late orders/create for it stays deleted.
 */
export async function markOrderDeleted (db: Db, shopId: string, orderId: number, now: Date): Promise<void> {
  await db.insert(orders).values({ shopId, id: orderId, deleted: true, syncedAt: now })
    .onConflictDoUpdate({ target: [orders.shopId, orders.id], set: { deleted: true, syncedAt: now } })
}
