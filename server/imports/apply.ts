// Confirm → apply: matched rows in batches of APPLY_BATCH, one set-based transaction each, resumable (rows with applied_at null).
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { imports } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import type { NewEntry } from '../loyalty/ledger.ts'
import { addMonths, pointsForAmount, tierForRankPoints, type LoyaltySettings, type Tier } from '../loyalty/rules.ts'
import { getLoyaltySettings, shopTimeZone } from '../loyalty/settings.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { applyNextBatch } from './apply-bulk.ts'
import { countPreview } from './preview.ts'
import { recomputeTiersFor } from './tiers.ts'

// 5,000 lines per transaction: a batch is a handful of statements, so bigger batches mostly save round trips.
export const APPLY_BATCH = 5000

export interface RunOptions {
  now: () => Date
  /** Stop after this many batches (tests simulate a crash with it); the next run continues where this one stopped. */
  maxBatches?: number
  /** Rows per transaction (default APPLY_BATCH). */
  batchSize?: number
}

export type ImportRow = typeof imports.$inferSelect

export async function loadImport (db: Db, shopId: string, importId: string): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(imports).where(and(eq(imports.shopId, shopId), eq(imports.id, importId)))
  return row
}

const formatVnd = (n: number) => n.toLocaleString('vi-VN') + ' ₫'

function expiresAt (settings: LoyaltySettings, now: Date, timeZone: string): Date | null {
  return settings.expiry.mode === 'after_earning' ? addMonths(now, settings.expiry.months, timeZone) : null
}

/**
 * The ledger entry of one matched line; null when it moves no points (e.g. DTDauKy empty, only a baseline).
 * The apply computes the same in SQL (apply-bulk.ts, applyNextBatch); test/imports/bulk.test.ts holds the two equal.
 */
export function entryForRow (
  imp: ImportRow, row: { line: number, customerId: number, amount: number | null, points: number | null, raw: Record<string, string> | null },
  settings: LoyaltySettings, now: Date, timeZone: string,
): NewEntry | null {
  const base = {
    customerId: row.customerId,
    state: 'available' as const,
    availableAt: now,
    source: 'import' as const,
    sourceId: imp.id,
    idempotencyKey: `import:${imp.id}:${row.line}`,
    actor: imp.createdBy ?? 'system',
  }
  if (imp.kind === 'opening_balance') {
    const amount = row.amount ?? 0
    // DTDauKy is history, not a new order: the points are available at once, at the base rate (no tier multiplier).
    const points = pointsForAmount(amount, settings.earning, 100)
    const rankPoints = Math.floor(amount / settings.ranking.vndPerRankPoint)
    if (points === 0 && rankPoints === 0) return null
    return {
      ...base,
      kind: 'opening',
      points,
      rankPoints,
      expiresAt: points > 0 ? expiresAt(settings, now, timeZone) : null,
      reason: `Dữ liệu đầu kỳ: DTDauKy ${formatVnd(amount)}`,
      rule: { earning: settings.earning, multiplierPct: 100, ranking: settings.ranking, amount },
    }
  }
  const points = row.points ?? 0
  if (points === 0) return null
  return {
    ...base,
    kind: 'adjust',
    points,
    expiresAt: points > 0 ? expiresAt(settings, now, timeZone) : null,
    reason: row.raw?.NoiDungDieuChinh ?? 'Điều chỉnh điểm hàng loạt',
  }
}

interface BatchContext { settings: LoyaltySettings, timeZone: string, tiers: Tier[], lowestTier: string }

// One transaction and one statement per batch (apply-bulk.ts), then the tiers of the members that existed before.
async function applyBatch (db: Db, imp: ImportRow, ctx: BatchContext, now: Date, size: number, after: number): Promise<{ taken: number, last: number }> {
  const { shopId, id: importId } = imp
  const { settings, timeZone } = ctx
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db
    const { taken, last, existed } = await applyNextBatch(tx, {
      shopId,
      importId,
      kind: imp.kind,
      size,
      after,
      settings,
      expiresAt: expiresAt(settings, now, timeZone),
      actor: imp.createdBy ?? 'system',
      tiers: ctx.tiers,
      lowestTier: ctx.lowestTier,
      now,
    })
    // New members got their tier on insert; members that existed may move up (never down) with the new points.
    await recomputeTiersFor(tx, shopId, existed, { now, window: settings.ranking.window, allowDowngrade: false, timeZone })
    return { taken, last }
  })
}

export interface ImportResult extends Record<string, unknown> {
  applied: number
  skipped: number
  points: number
  rankPoints: number
}

async function ledgerTotals (db: Db, shopId: string, importId: string) {
  const [row] = await queryRows<{ points: string | number | null, rank: string | number | null }>(db, sql`
    select sum(points) as points, sum(rank_points) as rank from ledger_entries
    where shop_id = ${shopId} and source = 'import' and source_id = ${importId}`)
  return { points: Number(row?.points ?? 0), rankPoints: Number(row?.rank ?? 0) }
}

/**
 * Runs (or resumes) an import in status 'applying'. Returns the finished import when this call completed it,
 * null when there is nothing more for this call to do (other status, or maxBatches reached).
 */
export async function applyImport (db: Db, shopId: string, importId: string, opts: RunOptions): Promise<ImportRow | null> {
  const imp = await loadImport(db, shopId, importId)
  if (!imp || imp.status !== 'applying') return null
  const tiers = await getTiers(db, shopId)
  const ctx: BatchContext = {
    settings: await getLoyaltySettings(db, shopId),
    timeZone: await shopTimeZone(db, shopId),
    tiers,
    lowestTier: tierForRankPoints(tiers, Number.MIN_SAFE_INTEGER).id,
  }
  // A resumed run starts from line 0 (the first batch skips what an earlier run applied), then follows the cursor.
  let after = 0
  for (let batches = 0; ; batches++) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) return null
    const batch = await applyBatch(db, imp, ctx, opts.now(), opts.batchSize ?? APPLY_BATCH, after)
    if (batch.taken === 0) break
    after = batch.last
  }

  const now = opts.now()
  const preview = await countPreview(db, shopId, importId)
  const [applied] = await queryRows<{ n: string | number }>(db, sql`
    select count(*) as n from import_rows where shop_id = ${shopId} and import_id = ${importId}::uuid and applied_at is not null`)
  const result: ImportResult = { ...preview, applied: Number(applied?.n ?? 0), skipped: preview.rows - Number(applied?.n ?? 0), ...await ledgerTotals(db, shopId, importId) }
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db
    const [done] = await tx.update(imports).set({ status: 'done', result, finishedAt: now })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, importId), eq(imports.status, 'applying'))).returning()
    if (!done) return null
    const action = imp.kind === 'opening_balance' ? 'import.opening_balance.applied' : 'import.point_adjustment.applied'
    await logActivity(tx, shopId, { actor: imp.createdBy ?? 'system', action, subject: importId, details: { fileName: imp.fileName, ...result } }, now)
    return done
  })
}
