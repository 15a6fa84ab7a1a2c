// Writes Haravan customers and orders into our mirror in one statement each, never letting an older version win.
// Shared by webhooks, backfill and reconciliation: callers validate payloads with the schemas in mappers.ts.
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.ts'
import { customers, members, orders } from '../../db/schema/index.ts'
import { syncHaravanConsent } from '../messaging/consent.ts'
import { haravanCustomerSchema, mapCustomer, mapOrder, type ParsedCustomer, type ParsedOrder } from './mappers.ts'

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

export async function upsertCustomer (db: Db, shopId: string, payload: ParsedCustomer, now: Date): Promise<UpsertResult> {
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
    // Haravan's accepts_marketing becomes consent, unless the app recorded the customer's own decision.
    await syncHaravanConsent(db, shopId, [row.id], now)
  }
  return result
}

export async function upsertOrder (db: Db, shopId: string, payload: ParsedOrder, now: Date): Promise<UpsertResult> {
  const rows = await db.insert(orders).values(mapOrder(shopId, payload, now))
    .onConflictDoUpdate({ target: [orders.shopId, orders.id], set: orderSet, setWhere: orderFresher })
    .returning({ inserted: insertedFlag })
  return outcome(rows)
}

const orderColumns = Object.entries(getTableColumns(orders)).map(([key, column]) => ({ key, name: column.name }))

/** A mapOrder row as JSON keyed by column name, for upsertOrdersSql (a new row is not deleted). */
export function orderJson (shopId: string, payload: ParsedOrder, now: Date): Record<string, unknown> {
  const row = { deleted: false, ...mapOrder(shopId, payload, now) } as Record<string, unknown>
  const json: Record<string, unknown> = {}
  for (const { key, name } of orderColumns) {
    const value = row[key]
    json[name] = value instanceof Date ? value.toISOString() : value ?? null
  }
  return json
}

/**
 * upsertOrder over many rows in one statement: `source` is a query yielding a json column `o` (orderJson rows,
 * unique by shop and id). Rows are written in (shop, id) order so concurrent batches lock them in one order.
 * Yields (shop_id, id) of the orders written (inserted or updated); a stale version writes nothing.
 */
export function upsertOrdersSql (source: SQL): SQL {
  const names = sql.raw(orderColumns.map(c => `"${c.name}"`).join(', '))
  const fromRecord = sql.raw(orderColumns.map(c => `r."${c.name}"`).join(', '))
  const set = sql.join(Object.entries(orderSet).map(([key, value]) => sql`${sql.raw(`"${orderColumns.find(c => c.key === key)?.name}"`)} = ${value}`), sql`, `)
  return sql`
    insert into orders (${names})
    select ${fromRecord} from (${source}) s, json_populate_record(null::orders, s.o) r
    order by r.shop_id, r.id
    on conflict (shop_id, id) do update set ${set} where ${orderFresher}
    returning shop_id, id`
}

/**
 * orders/delete: flags the order (rows are never removed: the ledger points at them). An order we never saw
 * gets a tombstone, so a late orders/create for it stays deleted.
 */
export async function markOrderDeleted (db: Db, shopId: string, orderId: number, now: Date): Promise<void> {
  await db.insert(orders).values({ shopId, id: orderId, deleted: true, syncedAt: now })
    .onConflictDoUpdate({ target: [orders.shopId, orders.id], set: { deleted: true, syncedAt: now } })
}

/**
 * The buyer as a customer, from the order's own customer object (the shape of customers/create), or undefined for
 * an order without one. A field in that object we cannot read is left out rather than losing the customer.
 */
export function orderCustomer (order: ParsedOrder): ParsedCustomer | undefined {
  if (!order.customer) return undefined
  const full = haravanCustomerSchema.safeParse(order.customer)
  if (full.success) return full.data
  const { id, email, phone } = order.customer
  return haravanCustomerSchema.parse({ id, email, phone })
}

const customerColumns = Object.entries(getTableColumns(customers)).map(([key, column]) => ({ key, name: column.name }))

/** A mapCustomer row as JSON keyed by column name, for insertOrderCustomersSql. */
export function customerJson (shopId: string, customer: ParsedCustomer, now: Date): Record<string, unknown> {
  const row = mapCustomer(shopId, customer, now) as Record<string, unknown>
  const json: Record<string, unknown> = {}
  for (const { key, name } of customerColumns) {
    const value = row[key]
    json[name] = value instanceof Date ? value.toISOString() : value ?? null
  }
  return json
}

/**
 * Customers known so far only from their orders: inserted when absent, never overwriting a synced one (a later
 * customers/* delivery replaces this row when it is at least as new, see customerFresher). `source` yields a json
 * column `c` (customerJson rows or null).
 */
export function insertOrderCustomersSql (source: SQL): SQL {
  const names = sql.raw(customerColumns.map(c => `"${c.name}"`).join(', '))
  const fromRecord = sql.raw(customerColumns.map(c => `r."${c.name}"`).join(', '))
  return sql`
    insert into customers (${names})
    select distinct on (r.shop_id, r.id) ${fromRecord} from (${source}) s, json_populate_record(null::customers, s.c) r
    where s.c is not null
    order by r.shop_id, r.id
    on conflict (shop_id, id) do nothing`
}

/** The single-delivery form of insertOrderCustomersSql. */
export async function insertOrderCustomer (db: Db, shopId: string, order: ParsedOrder, now: Date): Promise<void> {
  const customer = orderCustomer(order)
  if (!customer) return
  await db.insert(customers).values(mapCustomer(shopId, customer, now)).onConflictDoNothing({ target: [customers.shopId, customers.id] })
}

/**
 * upsertCustomer over many rows in one statement (its members.birthday_month step is the caller's): `source` yields
 * a json column `c` (customerJson rows, unique by shop and id). Yields (shop_id, id) of the customers written.
 */
export function upsertCustomersSql (source: SQL): SQL {
  const names = sql.raw(customerColumns.map(c => `"${c.name}"`).join(', '))
  const fromRecord = sql.raw(customerColumns.map(c => `r."${c.name}"`).join(', '))
  const set = sql.join(Object.entries(customerSet).map(([key, value]) => sql`${sql.raw(`"${customerColumns.find(c => c.key === key)?.name}"`)} = ${value}`), sql`, `)
  return sql`
    insert into customers (${names})
    select ${fromRecord} from (${source}) s, json_populate_record(null::customers, s.c) r
    order by r.shop_id, r.id
    on conflict (shop_id, id) do update set ${set} where ${customerFresher}
    returning shop_id, id`
}
