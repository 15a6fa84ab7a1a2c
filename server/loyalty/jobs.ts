// Loyalty background work: maturing pending points, expiry, and the daily tier recompute — idempotent, in batches.
/*
 * Every function takes (db, { now, shopId? }), works member by member, each member in its own transaction
 * under its row lock, and derives its idempotency keys from ledger state, so a crash or a second run resumes
 * without double posting. Uninstalled shops are skipped.
 *
 * Expiry after earning (per lot, FIFO): walking the member's 'available' entries in the order they were
 * posted, each positive one is a lot (with its expires_at), each negative one (redeem, reverse, negative
 * adjust) consumes the oldest unexpired lots first; a debit with no lot left is debt, paid first by the next
 * lot. A lot's remainder expires at its expires_at. The job posts (simulated total expired − already
 * expired) as one 'expire' entry keyed by that total. Inactivity: after N months without activity
 * (members.last_activity_at, else activated_at) the whole positive available balance expires, keyed by the
 * last activity, so it happens once per inactive stretch.
 *
 * Tiers: upgrades happen immediately on earning; this daily run is the "period end" of the downgrade policy:
 * it sets every member's tier from lifetime rank points or the rolling 12 months, down as well as up.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { queryRows, type Db } from '../../db/client.ts'
import { ledgerEntries, shops } from '../../db/schema/index.ts'
import { lockMember, writeLedgerEntries, type NewEntry } from './ledger.ts'
import { addMonths, DEFAULT_TIME_ZONE } from './rules.ts'
import { getLoyaltySettings } from './settings.ts'
import { recomputeTiers } from './tiers.ts'

export interface JobScope { now: Date, shopId?: string, batchSize?: number }

async function installedShops (db: Db, shopId?: string): Promise<{ shopId: string, timezone: string }[]> {
  const rows = await db.select({ shopId: shops.shopId, timezone: shops.timezone }).from(shops)
    .where(shopId === undefined ? eq(shops.status, 'installed') : and(eq(shops.status, 'installed'), eq(shops.shopId, shopId)))
    .orderBy(asc(shops.shopId))
  return rows.map(r => ({ shopId: r.shopId, timezone: r.timezone ?? DEFAULT_TIME_ZONE }))
}

const tx$ = <T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> => db.transaction(async (tx) => fn(tx))

/** Keyset-paginated member ids of a shop matching `where` (an SQL condition on members m). */
async function * memberBatches (db: Db, shopId: string, where: ReturnType<typeof sql>, batchSize: number) {
  let after = -1
  for (;;) {
    const rows = await queryRows<{ customer_id: unknown }>(db, sql`
      select m.customer_id from members m where m.shop_id = ${shopId} and m.customer_id > ${after} and (${where})
      order by m.customer_id limit ${batchSize}`)
    if (rows.length === 0) return
    const ids = rows.map(r => Number(r.customer_id))
    yield ids
    after = ids[ids.length - 1]!
  }
}

/** Appends 'release' entries for pending lots whose available_at has passed. Returns how many were posted. */
export async function maturePendingPoints (db: Db, scope: JobScope): Promise<number> {
  const now = scope.now.toISOString()
  let posted = 0
  for (const shop of await installedShops(db, scope.shopId)) {
    const due = sql`m.points_pending <> 0 and exists (select 1 from ledger_entries e where e.shop_id = m.shop_id and e.customer_id = m.customer_id
      and e.state = 'pending' and e.available_at <= ${now}::timestamptz)`
    for await (const ids of memberBatches(db, shop.shopId, due, scope.batchSize ?? 200)) {
      for (const customerId of ids) {
        posted += await tx$(db, async (tx) => {
          await lockMember(tx, shop.shopId, customerId)
          const lots = await queryRows<Record<string, unknown>>(tx, sql`
            select source, source_id, available_at, max(expires_at) as expires_at,
              sum(case when state = 'pending' then points else 0 end) as pending,
              sum(case when kind = 'release' then points else 0 end) as released
            from ledger_entries where shop_id = ${shop.shopId} and customer_id = ${customerId} and available_at <= ${now}::timestamptz
              and (state = 'pending' or kind = 'release')
            group by source, source_id, available_at order by available_at`)
          const releases: NewEntry[] = []
          for (const lot of lots) {
            const remainder = Number(lot.pending) - Number(lot.released)
            if (remainder <= 0) continue
            const availableAt = new Date(lot.available_at as string)
            releases.push({
              customerId,
              kind: 'release',
              points: remainder,
              state: 'available',
              availableAt,
              expiresAt: lot.expires_at ? new Date(lot.expires_at as string) : null,
              source: lot.source as 'order',
              sourceId: (lot.source_id as string | null) ?? undefined,
              idempotencyKey: `release:${customerId}:${String(lot.source)}:${String(lot.source_id ?? '')}:${availableAt.getTime()}:${Number(lot.released) + remainder}`,
              reason: 'Điểm chờ đã khả dụng',
              actor: 'system',
            })
          }
          return writeLedgerEntries(tx, shop.shopId, releases, scope.now)
        })
      }
    }
  }
  return posted
}

interface Movement { points: number, expiresAt: Date | null, createdAt: Date, kind: string }

/** Total that should have expired by `now` under FIFO lots (see the header). Pure, exported for tests. */
export function simulateExpiry (movements: Movement[], now: Date): number {
  const lots: { left: number, expiresAt: Date | null }[] = []
  let debt = 0
  let expired = 0
  const expireUpTo = (t: Date) => {
    for (const lot of lots) {
      if (lot.left > 0 && lot.expiresAt !== null && lot.expiresAt <= t) { expired += lot.left; lot.left = 0 }
    }
  }
  for (const m of movements) {
    if (m.kind === 'expire') continue
    expireUpTo(m.createdAt)
    if (m.points > 0) {
      const pay = Math.min(debt, m.points)
      debt -= pay
      lots.push({ left: m.points - pay, expiresAt: m.expiresAt })
    } else if (m.points < 0) {
      let take = -m.points
      for (const lot of lots) {
        if (take === 0) break
        const used = Math.min(lot.left, take)
        lot.left -= used
        take -= used
      }
      debt += take
    }
  }
  expireUpTo(now)
  return expired
}

/** Expires points by the shop's expiry rule. Returns how many expire entries were posted. */
export async function expirePoints (db: Db, scope: JobScope): Promise<number> {
  let posted = 0
  for (const shop of await installedShops(db, scope.shopId)) {
    const settings = await getLoyaltySettings(db, shop.shopId)
    const expiry = settings.expiry
    if (expiry.mode === 'never') continue
    const cutoff = addMonths(scope.now, -expiry.months, shop.timezone).toISOString()
    const now = scope.now.toISOString()
    const where = expiry.mode === 'inactivity'
      ? sql`m.points_available > 0 and coalesce(m.last_activity_at, m.activated_at) <= ${cutoff}::timestamptz`
      : sql`m.points_available > 0 and exists (select 1 from ledger_entries e where e.shop_id = m.shop_id and e.customer_id = m.customer_id
          and e.state = 'available' and e.expires_at <= ${now}::timestamptz)`
    for await (const ids of memberBatches(db, shop.shopId, where, scope.batchSize ?? 200)) {
      for (const customerId of ids) {
        posted += await tx$(db, async (tx) => {
          const member = await lockMember(tx, shop.shopId, customerId)
          if (!member || member.pointsAvailable <= 0) return 0
          let amount: number
          let key: string
          if (expiry.mode === 'inactivity') {
            const last = member.lastActivityAt ?? member.activatedAt
            if (last.toISOString() > cutoff) return 0
            amount = member.pointsAvailable
            key = `expire:inactive:${customerId}:${last.getTime()}`
          } else {
            const rows = await tx.select({ points: ledgerEntries.points, expiresAt: ledgerEntries.expiresAt, createdAt: ledgerEntries.createdAt, kind: ledgerEntries.kind })
              .from(ledgerEntries).where(and(eq(ledgerEntries.shopId, shop.shopId), eq(ledgerEntries.customerId, customerId), eq(ledgerEntries.state, 'available')))
              .orderBy(asc(ledgerEntries.id))
            const total = simulateExpiry(rows, scope.now)
            amount = Math.min(total - member.pointsExpired, member.pointsAvailable)
            key = `expire:lots:${customerId}:${total}`
          }
          if (amount <= 0) return 0
          return writeLedgerEntries(tx, shop.shopId, [{
            customerId,
            kind: 'expire',
            points: -amount,
            state: 'available',
            availableAt: scope.now,
            source: 'system',
            idempotencyKey: key,
            reason: expiry.mode === 'inactivity' ? `Hết hạn do không hoạt động ${expiry.months} tháng` : 'Điểm hết hạn',
            actor: 'system',
          }], scope.now)
        })
      }
    }
  }
  return posted
}

/** The period-end tier run: every member's tier from its rank metric, downgrades included. Returns members changed. */
export async function recomputeRankTiers (db: Db, scope: JobScope): Promise<number> {
  let changed = 0
  for (const shop of await installedShops(db, scope.shopId)) {
    const settings = await getLoyaltySettings(db, shop.shopId)
    changed += await tx$(db, tx => recomputeTiers(tx, shop.shopId, { now: scope.now, window: settings.ranking.window, allowDowngrade: true, timeZone: shop.timezone }))
  }
  return changed
}

export const LOYALTY_QUEUES = { mature: 'loyalty.mature', expire: 'loyalty.expire', tiers: 'loyalty.tiers' } as const

/** Creates the queues, their schedules (Vietnam time) and workers. Call once with a started pg-boss. */
export async function registerLoyaltyJobs (boss: PgBoss, db: Db, clock: () => Date, opts: { pollingIntervalSeconds?: number } = {}): Promise<void> {
  const polling = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 10 }
  const jobs: [string, string, (scope: JobScope) => Promise<number>][] = [
    // Pending lots become available at 00:00 shop time; a few runs an hour keep the lag small.
    [LOYALTY_QUEUES.mature, '*/15 * * * *', scope => maturePendingPoints(db, scope)],
    [LOYALTY_QUEUES.expire, '30 0 * * *', scope => expirePoints(db, scope)],
    [LOYALTY_QUEUES.tiers, '45 0 * * *', scope => recomputeRankTiers(db, scope)],
  ]
  for (const [name, cron, run] of jobs) {
    await boss.createQueue(name, { name, retryLimit: 3, retryBackoff: true, expireInSeconds: 60 * 60 })
    await boss.schedule(name, cron, {}, { tz: DEFAULT_TIME_ZONE })
    await boss.work<{ shopId?: string }>(name, polling, async ([job]) => {
      const count = await run({ now: clock(), shopId: job?.data?.shopId })
      return { count }
    })
  }
}
