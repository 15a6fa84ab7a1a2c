// Backfill and reconciliation against the simulator: complete, within the rate limit, resumable, self-healing.
import { count, eq } from 'drizzle-orm'
import t from 'tap'
import { customers, orders, shops } from '../../db/schema/index.ts'
import { backfillChunk, reconcileShop, type SyncState } from '../../server/haravan/sync.ts'
import { QUEUE_BACKFILL } from '../../server/jobs/sync.ts'
import { ORGID, simAndApp, syncDeps } from './sync-helpers.ts'

// 5,000 orders through the real convergence path take over a minute on single-threaded PGlite.
t.setTimeout(1_200_000)

async function rowCounts (db: Parameters<typeof backfillChunk>[0]['db']) {
  const [c] = await db.select({ n: count() }).from(customers).where(eq(customers.shopId, ORGID))
  const [o] = await db.select({ n: count() }).from(orders).where(eq(orders.shopId, ORGID))
  return { customers: c!.n, orders: o!.n }
}

async function syncState (db: Parameters<typeof backfillChunk>[0]['db']): Promise<SyncState> {
  const [row] = await db.select({ s: shops.syncState }).from(shops).where(eq(shops.shopId, ORGID))
  return row!.s as SyncState
}

t.test('a backfill of 5,000 orders completes without ever exceeding the rate limit', { timeout: 900_000 }, async (t) => {
  const built = await simAndApp(t, { customers: 600, orders: 5000 })
  const { sim, app } = built
  const deps = syncDeps(built)
  let rounds = 0
  while (await backfillChunk(deps, ORGID, { maxPages: 30 }) === 'more') rounds++
  t.ok(rounds >= 3, 'the work was split across several jobs')
  t.same(await rowCounts(app.db), { customers: sim.customers(ORGID).length, orders: sim.orders(ORGID).length })
  t.equal(sim.orders(ORGID).length, 5000)
  const throttled = sim.requestLog.filter((r) => r.status === 429)
  t.equal(throttled.length, 0, 'no call was answered 429')
  const state = await syncState(app.db)
  t.ok(state.backfill?.finishedAt, 'the backfill is marked finished')
  t.ok(state.reconcile?.orders, 'reconciliation watermark set')
  t.equal(await backfillChunk(deps, ORGID), 'done', 'running again does nothing')
})

t.test('a backfill that crashes mid-page resumes from its cursor with nothing missing and nothing twice', async (t) => {
  const built = await simAndApp(t, { customers: 120, orders: 400 })
  const { sim, app } = built
  const deps = syncDeps(built)
  // The process "dies" on the 6th REST call: 3 pages of customers and 2 of orders were stored, the next is lost.
  let calls = 0
  const dying = {
    ...deps,
    client: {
      ...deps.client,
      request: async (...args: Parameters<typeof deps.client.request>) => {
        if (++calls === 6) throw new Error('killed')
        return deps.client.request(...args)
      },
    } as typeof deps.client,
  }
  await t.rejects(backfillChunk(dying, ORGID, { maxPages: 100 }), /killed/)
  const partial = await syncState(app.db)
  t.equal(partial.backfill?.customers.synced, 120, 'every customer page and its cursor were committed')
  t.equal(partial.backfill?.orders.synced, 100, 'two pages of orders were committed')
  t.notOk(partial.backfill?.finishedAt)
  // A fresh start (new process) continues from the saved cursor.
  while (await backfillChunk(syncDeps(built), ORGID) === 'more');
  t.same(await rowCounts(app.db), { customers: 120, orders: 400 })
  const done = await syncState(app.db)
  t.equal(done.backfill?.customers.synced, 120, 'customers counted once each')
  t.equal(done.backfill?.orders.synced, 400, 'orders counted once each')
  t.equal(sim.requestLog.filter((r) => r.status === 429).length, 0)
})

t.test('reconciliation pulls changes whose webhooks never arrived', async (t) => {
  const built = await simAndApp(t, { customers: 30, orders: 60 })
  const { sim, app } = built
  const deps = syncDeps(built)
  while (await backfillChunk(deps, ORGID) === 'more');
  // No webhook subscription exists: these changes reach us only through reconciliation.
  const customer = sim.customers(ORGID)[3]!
  sim.updateCustomer(ORGID, customer.id, { first_name: 'Mai' })
  const order = sim.orders(ORGID).find((o) => o.financial_status === 'pending' && !o.cancelled_at) ??
    sim.createOrder(ORGID, { customer: { id: customer.id }, financial_status: 'pending' })
  sim.payOrder(ORGID, order.id)
  const added = sim.createOrder(ORGID, { customer: { id: customer.id } })
  const counts = await reconcileShop(deps, ORGID)
  t.not(counts, 'skipped')
  const [c] = await app.db.select().from(customers).where(eq(customers.id, customer.id))
  t.equal(c!.firstName, 'Mai')
  const [o] = await app.db.select().from(orders).where(eq(orders.id, order.id))
  t.equal(o!.financialStatus, 'paid')
  const [n] = await app.db.select().from(orders).where(eq(orders.id, added.id))
  t.ok(n, 'a new order created without a webhook is stored')
  t.same(await rowCounts(app.db), { customers: 30, orders: sim.orders(ORGID).length })
})

t.test('the backfill job runs through pg-boss after install and skips an uninstalled shop', async (t) => {
  const built = await simAndApp(t, { customers: 40, orders: 90 }, { jobs: true })
  const { app } = built
  await app.boss!.send(QUEUE_BACKFILL, { shopId: ORGID })
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline && !(await syncState(app.db)).backfill?.finishedAt) await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(await rowCounts(app.db), { customers: 40, orders: 90 })
  await app.db.update(shops).set({ status: 'uninstalled' }).where(eq(shops.shopId, ORGID))
  t.equal(await backfillChunk(syncDeps(built), ORGID), 'skipped')
  t.equal(await reconcileShop(syncDeps(built), ORGID), 'skipped')
})
