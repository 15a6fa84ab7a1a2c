// The mirror writes: one statement per upsert, inserted/updated/stale, older versions never win, deletes are sticky.
import { and, eq, getTableColumns, sql } from 'drizzle-orm'
import t from 'tap'
import { activityLog, customers, orders, shops } from '../../db/schema/index.ts'
import { haravanCustomerSchema, haravanOrderSchema } from '../../server/haravan/mappers.ts'
import { markOrderDeleted, orderJson, upsertCustomer, upsertOrder, upsertOrdersSql } from '../../server/haravan/store.ts'
import { isShopInstalled, markShopUninstalled } from '../../server/haravan/uninstall.ts'
import { queryRows } from '../../db/client.ts'
import { freshDatabase } from '../helper.ts'

const SHOP = '1000000001'
const NOW = new Date('2026-11-20T03:00:00.000Z')
const customer = (o: Record<string, unknown>) => haravanCustomerSchema.parse({ id: 501, first_name: 'Lan', last_name: 'Nguyễn', phone: '0912345678', ...o })
const order = (o: Record<string, unknown>) => haravanOrderSchema.parse({ id: 9001, total_price: '100000.0000', financial_status: 'pending', ...o })

t.test('customers: inserted, updated, stale for an older version, updated again for an equal one', async (t) => {
  const { db } = await freshDatabase(t)
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: '2026-11-01T10:00:00Z', first_name: 'Lan' }), NOW), 'inserted')
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: '2026-11-01T11:00:00Z', first_name: 'Mai' }), NOW), 'updated')
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: '2026-11-01T10:30:00Z', first_name: 'Old' }), NOW), 'stale')
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: '2026-11-01T11:00:00Z', first_name: 'Mai', gender: 0 }), NOW), 'updated')
  const [row] = await db.select().from(customers).where(and(eq(customers.shopId, SHOP), eq(customers.id, 501)))
  t.equal(row?.fullName, 'Nguyễn Mai')
  t.equal(row?.gender, 'female')
  t.equal(row?.haravanUpdatedAt?.toISOString(), '2026-11-01T11:00:00.000Z')
  // The same Haravan id in another shop is another customer.
  t.equal(await upsertCustomer(db, '1000000002', customer({ updated_at: '2026-11-01T09:00:00Z' }), NOW), 'inserted')
})

t.test('a row without updated_at is replaced by any version; a version without one does not replace a dated row', async (t) => {
  const { db } = await freshDatabase(t)
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: null }), NOW), 'inserted')
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: '2026-11-01T10:00:00Z' }), NOW), 'updated')
  t.equal(await upsertCustomer(db, SHOP, customer({ updated_at: null, first_name: 'X' }), NOW), 'stale')
})

t.test('orders: out-of-order delivery keeps the newer state', async (t) => {
  const { db } = await freshDatabase(t)
  t.equal(await upsertOrder(db, SHOP, order({ updated_at: '2026-11-01T10:00:00Z' }), NOW), 'inserted')
  t.equal(await upsertOrder(db, SHOP, order({ updated_at: '2026-11-01T12:00:00Z', financial_status: 'paid' }), NOW), 'updated')
  t.equal(await upsertOrder(db, SHOP, order({ updated_at: '2026-11-01T11:00:00Z', financial_status: 'pending' }), NOW), 'stale')
  const [row] = await db.select().from(orders).where(and(eq(orders.shopId, SHOP), eq(orders.id, 9001)))
  t.equal(row?.financialStatus, 'paid')
  t.equal(row?.totalPrice, 100000)
})

t.test('markOrderDeleted flags the order, leaves a tombstone for an unseen one, and deletion is sticky', async (t) => {
  const { db } = await freshDatabase(t)
  await upsertOrder(db, SHOP, order({ updated_at: '2026-11-01T10:00:00Z' }), NOW)
  await markOrderDeleted(db, SHOP, 9001, NOW)
  await markOrderDeleted(db, SHOP, 9001, NOW)
  t.equal(await upsertOrder(db, SHOP, order({ updated_at: '2026-11-01T13:00:00Z', financial_status: 'paid' }), NOW), 'updated')
  const [row] = await db.select().from(orders).where(and(eq(orders.shopId, SHOP), eq(orders.id, 9001)))
  t.equal(row?.deleted, true, 'a later update does not bring it back')

  await markOrderDeleted(db, SHOP, 9002, NOW)
  t.equal(await upsertOrder(db, SHOP, order({ id: 9002, updated_at: '2026-11-01T09:00:00Z' }), NOW), 'updated', 'a late create fills in the tombstone')
  const [late] = await db.select().from(orders).where(and(eq(orders.shopId, SHOP), eq(orders.id, 9002)))
  t.equal(late?.deleted, true)
  t.equal(late?.totalPrice, 100000)
})

t.test('markShopUninstalled: status, tokens gone, one activity row; twice is harmless', async (t) => {
  const { db } = await freshDatabase(t)
  await db.insert(shops).values({ shopId: SHOP, name: 'Shop', status: 'installed', accessTokenEnc: 'enc-a', refreshTokenEnc: 'enc-r', tokenExpiresAt: NOW })
  t.equal(await isShopInstalled(db, SHOP), true)
  t.equal(await markShopUninstalled(db, SHOP, NOW), true)
  t.equal(await markShopUninstalled(db, SHOP, NOW), false)
  const [shop] = await db.select().from(shops).where(eq(shops.shopId, SHOP))
  t.match(shop, { status: 'uninstalled', accessTokenEnc: null, refreshTokenEnc: null, tokenExpiresAt: null })
  t.equal(shop?.uninstalledAt?.toISOString(), NOW.toISOString())
  const log = await db.select().from(activityLog).where(eq(activityLog.shopId, SHOP))
  t.same(log.map((r) => r.action), ['app.uninstalled'])
  t.equal(await isShopInstalled(db, SHOP), false)
  t.equal(await markShopUninstalled(db, 'nope', NOW), false)
})

t.test('orders in bulk (the webhook batch): the same rows as one at a time, every column carried, older versions never win', async (t) => {
  const { db } = await freshDatabase(t)
  // Every column is mapped: json_populate_record would write NULL, not the column default, for one left out.
  const mapped = orderJson(SHOP, order({ updated_at: '2026-11-01T10:00:00Z' }), NOW)
  t.same(Object.keys(mapped).sort(), Object.values(getTableColumns(orders)).map(c => c.name).sort())
  t.notOk(Object.entries(mapped).some(([, v]) => v === undefined))

  const bulk = async (items: { payload: ReturnType<typeof order> }[]) => {
    const json = JSON.stringify(items.map(i => ({ o: orderJson(SHOP, i.payload, NOW) })))
    return queryRows<{ id: unknown }>(db, upsertOrdersSql(sql`select x.o from json_to_recordset(${json}::json) as x(o json)`))
  }
  t.same((await bulk([{ payload: order({ id: 1, updated_at: '2026-11-01T10:00:00Z' }) }, { payload: order({ id: 2, updated_at: '2026-11-01T10:00:00Z', total_price: '250000' }) }])).map(r => Number(r.id)).sort(), [1, 2])
  t.same((await bulk([{ payload: order({ id: 1, updated_at: '2026-11-01T09:00:00Z', total_price: '1' }) }, { payload: order({ id: 2, updated_at: '2026-11-01T11:00:00Z', total_price: '250000', financial_status: 'paid' }) }])).map(r => Number(r.id)), [2], 'the older version of order 1 writes nothing')
  await upsertOrder(db, SHOP, order({ id: 3, updated_at: '2026-11-01T10:00:00Z', total_price: '250000' }), NOW)
  const rows = await db.select().from(orders).where(eq(orders.shopId, SHOP)).orderBy(orders.id)
  t.match(rows.map(r => [r.id, r.totalPrice, r.financialStatus, r.deleted]), [[1, 100000, 'pending', false], [2, 250000, 'paid', false], [3, 250000, 'pending', false]])
  const [two, three] = [rows[1], rows[2]]
  t.same({ ...two, id: 0, financialStatus: null, haravanUpdatedAt: null }, { ...three, id: 0, financialStatus: null, haravanUpdatedAt: null }, 'bulk and single writes store the same columns')
})
