// Confirm → apply: matched rows in batches of APPLY_BATCH, one set-based transaction each, resumable (rows with applied_at null).
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { imports } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import type { NewEntry } from '../loyalty/ledger.ts'
import { addMonths, pointsForAmount, tierForRankPoints, type LoyaltySettings, type Tier } from '../loyalty/rules.ts'
import { getLoyaltySettings, shopTimeZone } from '../loyalty/settings.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { applyBulk, type BulkLine } from './apply-bulk.ts'
import { countPreview, REASONS } from './preview.ts'
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

/** The ledger entry of one matched line; null when it moves no points (e.g. DTDauKy empty, only a baseline). */
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

// One transaction per batch, set-based (apply-bulk.ts): lock the batch's rows and members, decide skips, then one statement.
async function applyBatch (db: Db, imp: ImportRow, ctx: BatchContext, now: Date, size: number): Promise<number> {
  const { shopId, id: importId } = imp
  const { settings, timeZone } = ctx
  return db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db
    const rows = await queryRows<{ line: number, customer_id: number | string, amount: number | string | null, second_amount: number | string | null, points: number | string | null, note: string | null }>(tx, sql`
      select line, customer_id, amount, second_amount, points, raw->>'NoiDungDieuChinh' as note from import_rows
      where shop_id = ${shopId} and import_id = ${importId}::uuid and status = 'matched' and applied_at is null
      order by line limit ${size} for update`)
    if (rows.length === 0) return 0
    const T = [performance.now()]
    const customerIds = [...new Set(rows.map((r) => Number(r.customer_id)))]
    // Locked, so a concurrent import of the same member cannot slip between this check and the update.
    const existing = new Map((await queryRows<{ customer_id: number | string, opening_import_id: string | null }>(tx, sql`
      select customer_id, opening_import_id from members
      where shop_id = ${shopId} and customer_id = any(${`{${customerIds.join(',')}}`}::bigint[]) for update`))
      .map((m) => [Number(m.customer_id), m.opening_import_id]))

    T.push(performance.now())
    const lines: BulkLine[] = []
    const skipped: number[] = []
    const seen = new Set<number>()
    const num = (v: number | string | null) => v === null ? null : Number(v)
    for (const row of rows) {
      const customerId = Number(row.customer_id)
      if (imp.kind === 'opening_balance' && (existing.get(customerId) || seen.has(customerId))) {
        // Imported by another file since the preview (or twice in this one): once per member, never twice.
        skipped.push(row.line)
        continue
      }
      seen.add(customerId)
      const raw = row.note === null ? null : { NoiDungDieuChinh: row.note }
      const entry = entryForRow(imp, { line: row.line, customerId, amount: num(row.amount), points: num(row.points), raw }, settings, now, timeZone)
      lines.push({ line: row.line, customerId, baseline: num(row.second_amount) ?? 0, entry })
    }

    T.push(performance.now())
    await applyBulk(tx, {
      shopId,
      importId,
      opening: imp.kind === 'opening_balance',
      lines,
      existing: [...existing.keys()],
      tiers: ctx.tiers,
      lowestTier: ctx.lowestTier,
      skipped,
      skippedReason: REASONS.alreadyImported,
      taken: rows.length,
      now,
    })
    // New members got their tier on insert; members that existed may move up (never down) with the new points.
    T.push(performance.now())
    const before = lines.map((l) => l.customerId).filter((id) => existing.has(id))
    await recomputeTiersFor(tx, shopId, before, { now, window: settings.ranking.window, allowDowngrade: false, timeZone })
    T.push(performance.now())
    if (process.env.TRACE) console.log('batch', T.slice(1).map((t, i) => (t - T[i]!).toFixed(0)).join(' '))
    return rows.length
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
  for (let batches = 0; ; batches++) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) return null
    if (await applyBatch(db, imp, ctx, opts.now(), opts.batchSize ?? APPLY_BATCH) === 0) break
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
