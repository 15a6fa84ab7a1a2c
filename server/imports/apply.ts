// Confirm → apply: matched rows in batches of APPLY_BATCH, one set-based transaction each, resumable (imports.applied_through).
import { and, eq, isNull, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { imports } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { ConflictError } from '../errors.ts'
import type { NewEntry } from '../loyalty/ledger.ts'
import { addMonths, pointsForAmount, tierForRankPoints, type EarningRule, type LoyaltySettings, type RankingRule, type Tier } from '../loyalty/rules.ts'
import { getLoyaltySettings, shopTimeZone } from '../loyalty/settings.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { applyNextBatch } from './apply-bulk.ts'
import { isPostgres } from './driver.ts'
import { countPreview, type Preview } from './preview.ts'
import { recomputeTiersFor } from './tiers.ts'

// 50,000 lines per transaction (~20 progress steps for 1,000,000): a batch is a handful of statements whatever its size.
export const APPLY_BATCH = 50_000

export interface RunOptions {
  now: () => Date
  /** Stop after this many batches (tests simulate a crash with it); the next run continues where this one stopped. */
  maxBatches?: number
  /** Rows per transaction (default APPLY_BATCH). */
  batchSize?: number
  /** Batches in flight on their own connections (default 2 on Postgres, 1 on PGlite, which has one connection). */
  concurrency?: number
  /** Every batch takes the `on conflict do nothing` statement from the start (tests compare the two paths). */
  onConflict?: boolean
}

export type ImportRow = typeof imports.$inferSelect

export async function loadImport (db: Db, shopId: string, importId: string): Promise<ImportRow | undefined> {
  const [row] = await db.select().from(imports).where(and(eq(imports.shopId, shopId), eq(imports.id, importId)))
  return row
}

/**
 * When a line was applied, for the rows API: a matched line up to the apply cursor (and past the undo cursor) is applied.
 * Lines carry no time of their own (the cursor replaced a per-line applied_at write); the import's finish time stands in
 * for them, or its confirm time while it is still applying.
 */
export function lineAppliedAt (imp: ImportRow, row: { line: number, status: string }): Date | null {
  if (row.status !== 'matched' || imp.status === 'undone' || row.line > imp.appliedThrough || row.line <= imp.undoneThrough) return null
  return imp.finishedAt ?? imp.confirmedAt
}

const formatVnd = (n: number) => n.toLocaleString('vi-VN') + ' ₫'

function expiresAt (settings: LoyaltySettings, now: Date, timeZone: string): Date | null {
  return settings.expiry.mode === 'after_earning' ? addMonths(now, settings.expiry.months, timeZone) : null
}

/**
 * The rule an opening-balance import is applied with (imports.rule): DTDauKy is history, not a new order, so points are
 * at the base rate (no tier multiplier). Stored once on the import; each entry records only its amount.
 */
export interface ImportRule { earning: EarningRule, multiplierPct: 100, ranking: RankingRule }

export const importRuleOf = (settings: LoyaltySettings): ImportRule => ({ earning: settings.earning, multiplierPct: 100, ranking: settings.ranking })

/**
 * The ledger entry of one matched line; null when it moves no points (e.g. DTDauKy empty, only a baseline).
 * `settings` are the shop's settings with the import's frozen rule in them (applyImport).
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
      rule: { amount },
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

const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string, cause?: { code?: string } } | null
  return e?.code === '23505' || e?.cause?.code === '23505'
}

/** The last line of the next batch: the `size`-th matched line after `from` (or the last one); null when none is left. */
async function nextBatchEnd (db: Db, shopId: string, importId: string, from: number, size: number): Promise<number | null> {
  const [row] = await queryRows<{ last: number | null }>(db, sql`
    select max(line) as last from (
      select line from import_rows
      where shop_id = ${shopId} and import_id = ${importId}::uuid and line > ${from} and status = 'matched'
      order by line limit ${size}
    ) s`)
  return row?.last ?? null
}

/**
 * One transaction per batch of lines (from, to] (apply-bulk.ts), then the tiers of the members that existed before, then
 * the cursor: imports.applied_through moves from `from` to `to` in the same transaction, only after the batch before
 * this one committed (`previous`), so the cursor always means "every matched line up to here is applied". A batch that
 * meets an entry or member that already exists is rolled back and run again with `on conflict do nothing`.
 */
async function applyBatch (
  db: Db, imp: ImportRow, ctx: BatchContext, now: Date, from: number, to: number, previous: Promise<unknown>, concurrent: boolean, onConflict: boolean,
): Promise<void> {
  const { shopId, id: importId } = imp
  const { settings, timeZone } = ctx
  const attempt = (onConflict: boolean) => db.transaction(async (tx) => {
    // Batches in flight never touch the same member (one matched line per customer); should they ever, a lock
    // wait on each other would be a deadlock Postgres cannot see (one of them waits in JS), so it times out instead.
    if (concurrent) await tx.execute(sql`set local lock_timeout = '60s'`)
    // A batch's sorts and hashes (50,000 rows) then stay in memory instead of spilling to temp files at the default 4 MB.
    if (isPostgres(db)) await tx.execute(sql`set local work_mem = '64MB'`)
    const { taken, existed, points, rankPoints, skipped, skippedWarnings } = await applyNextBatch(tx, {
      shopId,
      importId,
      kind: imp.kind,
      from,
      to,
      onConflict,
      settings,
      expiresAt: expiresAt(settings, now, timeZone),
      actor: imp.createdBy ?? 'system',
      tiers: ctx.tiers,
      lowestTier: ctx.lowestTier,
      now,
    })
    // New members got their tier on insert; members that existed may move up (never down) with the new points.
    await recomputeTiersFor(tx, shopId, existed, { now, window: settings.ranking.window, allowDowngrade: false, timeZone })
    await previous
    const moved = await queryRows(tx, sql`
      update imports set applied_through = ${to}, done_rows = done_rows + ${taken},
        applied_points = applied_points + ${points}, applied_rank_points = applied_rank_points + ${rankPoints},
        skipped_rows = skipped_rows + ${skipped}, skipped_warnings = skipped_warnings + ${skippedWarnings}
      where shop_id = ${shopId} and id = ${importId}::uuid and status = 'applying' and applied_through = ${from}
      returning 1`)
    if (moved.length === 0) throw new ConflictError('Lần nhập đang được cập nhật ở nơi khác')
  })
  try {
    await attempt(onConflict)
  } catch (err) {
    if (onConflict || !isUniqueViolation(err)) throw err
    await attempt(true)
  }
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
 * The preview's counts as they stand after the apply, and what its entries posted: from the preview and the running
 * totals the batches kept; counted over the import's lines and entries only for an import confirmed before those
 * totals existed (two reads of up to every line, side by side).
 */
async function finalCounts (db: Db, shopId: string, importId: string): Promise<{ preview: Preview, totals: { points: number, rankPoints: number } }> {
  const imp = await loadImport(db, shopId, importId)
  const before = imp?.preview as Preview | null | undefined
  if (!imp || !before || imp.appliedPoints === null || imp.appliedRankPoints === null || imp.skippedRows === null || imp.skippedWarnings === null) {
    const [preview, totals] = await Promise.all([countPreview(db, shopId, importId), ledgerTotals(db, shopId, importId)])
    return { preview, totals }
  }
  return {
    preview: {
      ...before,
      matched: before.matched - imp.skippedRows,
      alreadyImported: before.alreadyImported + imp.skippedRows,
      warnings: before.warnings - imp.skippedWarnings,
    },
    totals: { points: imp.appliedPoints, rankPoints: imp.appliedRankPoints },
  }
}

/**
 * The import's rule: the one a previous run froze, or `rule` (the current settings) stored now. Compare-and-set, so two
 * runs that start together agree on one rule.
 */
async function freezeRule (db: Db, imp: ImportRow, rule: ImportRule): Promise<ImportRule> {
  if (imp.rule) return imp.rule as unknown as ImportRule
  const [set] = await db.update(imports).set({ rule: { ...rule } })
    .where(and(eq(imports.shopId, imp.shopId), eq(imports.id, imp.id), isNull(imports.rule))).returning({ rule: imports.rule })
  const frozen = set?.rule ?? (await loadImport(db, imp.shopId, imp.id))?.rule
  if (!frozen) throw new ConflictError('Lần nhập không còn')
  return frozen as unknown as ImportRule
}

/**
 * Runs (or resumes) an import in status 'applying'. Returns the finished import when this call completed it,
 * null when there is nothing more for this call to do (other status, or maxBatches reached).
 */
export async function applyImport (db: Db, shopId: string, importId: string, opts: RunOptions): Promise<ImportRow | null> {
  const imp = await loadImport(db, shopId, importId)
  if (!imp || imp.status !== 'applying') return null
  const tiers = await getTiers(db, shopId)
  const current = await getLoyaltySettings(db, shopId)
  const rule = imp.kind === 'opening_balance' ? await freezeRule(db, imp, importRuleOf(current)) : null
  const ctx: BatchContext = {
    settings: rule ? { ...current, earning: rule.earning, ranking: rule.ranking } : current,
    timeZone: await shopTimeZone(db, shopId),
    tiers,
    lowestTier: tierForRankPoints(tiers, Number.MIN_SAFE_INTEGER).id,
  }
  // Batch ranges are cut one after the other from the cursor; up to `concurrency` of them run side by side.
  const size = opts.batchSize ?? APPLY_BATCH
  const concurrency = Math.max(1, opts.concurrency ?? (isPostgres(db) ? 2 : 1))
  const running = new Set<Promise<void>>()
  let previous: Promise<unknown> = Promise.resolve()
  let from = imp.appliedThrough
  let stopped = false
  for (let batches = 0; ; batches++) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) { stopped = true; break }
    const to = await nextBatchEnd(db, shopId, importId, from, size)
    if (to === null) break
    if (running.size >= concurrency) await Promise.race(running) // rethrows a failed batch: nothing more starts
    const batch = applyBatch(db, imp, ctx, opts.now(), from, to, previous, concurrency > 1, opts.onConflict === true)
    running.add(batch)
    batch.then(() => running.delete(batch), () => {})
    previous = batch
    from = to
  }
  await Promise.all(running)
  if (stopped) return null

  const now = opts.now()
  const { preview, totals } = await finalCounts(db, shopId, importId)
  // Every line still matched is applied now (a line skipped by the apply became already_imported).
  const result: ImportResult = { ...preview, applied: preview.matched, skipped: preview.rows - preview.matched, ...totals }
  return db.transaction(async (tx) => {
    const [done] = await tx.update(imports).set({ status: 'done', result, finishedAt: now })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, importId), eq(imports.status, 'applying'))).returning()
    if (!done) return null
    const action = imp.kind === 'opening_balance' ? 'import.opening_balance.applied' : 'import.point_adjustment.applied'
    await logActivity(tx, shopId, { actor: imp.createdBy ?? 'system', action, subject: importId, details: { fileName: imp.fileName, ...result } }, now)
    return done
  })
}
