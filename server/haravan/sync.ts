// Backfill (since_id loops) and reconciliation (updated_at_min) of a shop's customers and orders from the REST API.
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { shops } from '../../db/schema/index.ts'
import { applyCustomerEffects } from '../loyalty/effects.ts'
import { convergeOrders } from '../loyalty/order-batch.ts'
import type { HaravanClient } from './client.ts'
import { haravanCustomerSchema, haravanOrderSchema } from './mappers.ts'
import { upsertCustomer, upsertOrder } from './store.ts'

export type Resource = 'customers' | 'orders'
// Customers first, so orders find their customer (and member) when they arrive.
export const RESOURCES: Resource[] = ['customers', 'orders']
const PAGE_LIMIT = 50
// Re-read a little before the watermark: clocks and commit order are not exact.
const RECONCILE_OVERLAP_MS = 5 * 60_000

export interface ResourceCursor { sinceId: number, done: boolean, synced: number, invalid: number }
export interface BackfillState { startedAt: string, finishedAt?: string, customers: ResourceCursor, orders: ResourceCursor }
export interface ReconcileState { customers: string, orders: string, lastRunAt?: string }
export interface SyncState { backfill?: BackfillState, reconcile?: ReconcileState }

export interface SyncDeps {
  db: Db
  client: HaravanClient
  clock: () => Date
  log?: { info (obj: object, msg: string): void, warn (obj: object, msg: string): void }
}

async function readShop (db: Db, shopId: string) {
  const [row] = await db.select({ status: shops.status, syncState: shops.syncState }).from(shops).where(eq(shops.shopId, shopId)).limit(1)
  return row ? { status: row.status, syncState: row.syncState as SyncState } : undefined
}

// jsonb_set on one key: backfill and reconciliation never overwrite each other's cursor.
function saveState (db: Db, shopId: string, key: keyof SyncState, value: unknown) {
  return db.update(shops)
    .set({ syncState: sql`jsonb_set(${shops.syncState}, ${`{${key}}`}::text[], ${JSON.stringify(value)}::jsonb, true)` })
    .where(eq(shops.shopId, shopId))
}

/** Stores one page of records and the cursor after it in one transaction: a crash repeats or skips nothing. */
async function storePage (deps: SyncDeps, shopId: string, resource: Resource, items: unknown[], after: (tx: Db) => Promise<unknown>) {
  const now = deps.clock()
  let invalid = 0
  await deps.db.transaction(async (tx) => {
    const written: number[] = []
    for (const item of items) {
      if (resource === 'customers') {
        const parsed = haravanCustomerSchema.safeParse(item)
        if (!parsed.success) { invalid++; continue }
        if (await upsertCustomer(tx, shopId, parsed.data, now) !== 'stale') await applyCustomerEffects(tx, shopId, parsed.data.id, now)
      } else {
        const parsed = haravanOrderSchema.safeParse(item)
        if (!parsed.success) { invalid++; continue }
        if (await upsertOrder(tx, shopId, parsed.data, now) !== 'stale') written.push(parsed.data.id)
      }
    }
    // The page's orders converge together (a few statements for the page, not a dozen per order).
    await convergeOrders(tx, shopId, written.map(orderId => ({ orderId, now })))
    await after(tx)
  })
  if (invalid > 0) deps.log?.warn({ shopId, resource, invalid }, 'Haravan records that failed validation were skipped')
  return invalid
}

function freshBackfill (now: Date): BackfillState {
  const cursor = (): ResourceCursor => ({ sinceId: 0, done: false, synced: 0, invalid: 0 })
  return { startedAt: now.toISOString(), customers: cursor(), orders: cursor() }
}

/** Starts a new backfill (install, reinstall): the cursor goes back to the beginning. */
export async function resetBackfill (db: Db, shopId: string, now: Date) {
  await saveState(db, shopId, 'backfill', freshBackfill(now))
}

/**
 * Runs up to maxPages pages of the shop's backfill from its saved cursor.
 * 'more' = call again (the job re-enqueues itself), 'done' = finished, 'skipped' = shop not installed.
 */
export async function backfillChunk (deps: SyncDeps, shopId: string, opts: { maxPages?: number } = {}): Promise<'done' | 'more' | 'skipped'> {
  const shop = await readShop(deps.db, shopId)
  if (!shop || shop.status !== 'installed') return 'skipped'
  const state: BackfillState = shop.syncState.backfill ?? freshBackfill(deps.clock())
  if (state.finishedAt) return 'done'
  let pages = opts.maxPages ?? 40
  for (const resource of RESOURCES) {
    const cursor = state[resource]
    while (!cursor.done) {
      if (pages-- <= 0) return 'more'
      const query: Record<string, string | number> = { limit: PAGE_LIMIT, since_id: cursor.sinceId }
      if (resource === 'orders') query.status = 'any'
      const page = await deps.client.request<Record<string, Array<{ id: number }> | undefined>>(shopId, 'GET', `/com/${resource}.json`, { query })
      const items = page?.[resource] ?? []
      cursor.sinceId = items.reduce((max, item) => Math.max(max, Number(item.id) || 0), cursor.sinceId)
      cursor.synced += items.length
      cursor.done = items.length < PAGE_LIMIT
      if (resource === 'orders' && cursor.done) {
        state.finishedAt = deps.clock().toISOString()
      }
      cursor.invalid += await storePage(deps, shopId, resource, items, async (tx) => {
        await saveState(tx, shopId, 'backfill', state)
        // Reconciliation starts from the moment the backfill began: whatever changed since is read again.
        if (state.finishedAt) await saveState(tx, shopId, 'reconcile', { customers: state.startedAt, orders: state.startedAt })
      })
    }
  }
  deps.log?.info({ shopId, customers: state.customers.synced, orders: state.orders.synced }, 'Haravan backfill finished')
  return 'done'
}

/** Pulls everything updated since the watermarks (updated_at_min, ascending) and moves them forward. */
export async function reconcileShop (deps: SyncDeps, shopId: string): Promise<{ customers: number, orders: number } | 'skipped'> {
  const shop = await readShop(deps.db, shopId)
  if (!shop || shop.status !== 'installed' || !shop.syncState.backfill?.finishedAt || !shop.syncState.reconcile) return 'skipped'
  const state: ReconcileState = { ...shop.syncState.reconcile }
  const counts = { customers: 0, orders: 0 }
  for (const resource of RESOURCES) {
    const since = new Date(new Date(state[resource]).getTime() - RECONCILE_OVERLAP_MS)
    let newest = state[resource]
    for (let page = 1; ; page++) {
      const query: Record<string, string | number> = { limit: PAGE_LIMIT, page, updated_at_min: since.toISOString(), order: 'updated_at asc' }
      if (resource === 'orders') query.status = 'any'
      const res = await deps.client.request<Record<string, Array<{ id: number, updated_at?: string }> | undefined>>(shopId, 'GET', `/com/${resource}.json`, { query })
      const items = res?.[resource] ?? []
      for (const item of items) {
        const at = Date.parse(item.updated_at ?? '')
        if (at > Date.parse(newest)) newest = new Date(at).toISOString()
      }
      counts[resource] += items.length
      const next = { ...state, [resource]: newest }
      await storePage(deps, shopId, resource, items, (tx) => saveState(tx, shopId, 'reconcile', next))
      state[resource] = newest
      if (items.length < PAGE_LIMIT) break
    }
  }
  await saveState(deps.db, shopId, 'reconcile', { ...state, lastRunAt: deps.clock().toISOString() })
  return counts
}

/** Haravan deletes a subscription after 19 failed deliveries: check it and subscribe again when it is gone. */
export async function ensureWebhookSubscription (deps: SyncDeps, shopId: string): Promise<'ok' | 'resubscribed'> {
  const subs = await deps.client.listWebhookSubscriptions(shopId)
  if (Array.isArray(subs) && subs.length > 0) return 'ok'
  await deps.client.subscribeWebhooks(shopId)
  deps.log?.warn({ shopId }, 'webhook subscription was missing: subscribed again')
  return 'resubscribed'
}

/** Installed shops whose backfill has not finished (a restart resumes them at once). */
export async function shopsWithUnfinishedBackfill (db: Db): Promise<string[]> {
  const rows = await db.select({ shopId: shops.shopId }).from(shops)
    .where(sql`${shops.status} = 'installed' and (${shops.syncState} -> 'backfill' ->> 'finishedAt') is null`)
  return rows.map((r) => r.shopId)
}

export async function installedShopIds (db: Db): Promise<string[]> {
  const rows = await db.select({ shopId: shops.shopId }).from(shops).where(eq(shops.status, 'installed'))
  return rows.map((r) => r.shopId)
}
