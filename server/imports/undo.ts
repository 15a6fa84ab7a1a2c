// Undo an applied import: a compensating entry per applied line (never a delete), baselines reset, resumable, set-based.
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { importRows, imports } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { ConflictError } from '../errors.ts'
import { getLoyaltySettings, shopTimeZone } from '../loyalty/settings.ts'
import { APPLY_BATCH, loadImport, type ImportRow, type RunOptions } from './apply.ts'
import { undoBulk } from './apply-bulk.ts'
import { recomputeTiersFor } from './tiers.ts'

export const UNDO_REASON = {
  opening_balance: 'Hoàn tác nhập dữ liệu đầu kỳ',
  point_adjustment: 'Hoàn tác điều chỉnh điểm hàng loạt',
} as const

const undoActor = (imp: ImportRow): string => (typeof imp.options.undoneBy === 'string' ? imp.options.undoneBy : imp.createdBy) ?? 'system'

// Returns the last line it undid (-1: nothing left). The cursor (imports.undone_through) moves in the same transaction,
// only from `after`: every applied line up to it is undone, and no two runs can both commit the same lines.
async function undoBatch (db: Db, imp: ImportRow, window: 'lifetime' | 'rolling_12_months', timeZone: string, now: Date, size: number, after: number): Promise<number> {
  const { shopId, id: importId } = imp
  return db.transaction(async (tx) => {
    // The applied lines: an import is undone only once it is done, when every line still matched has been applied.
    const rows = await tx.select({ line: importRows.line, customerId: importRows.customerId }).from(importRows)
      .where(and(eq(importRows.shopId, shopId), eq(importRows.importId, importId), gt(importRows.line, after), eq(importRows.status, 'matched')))
      .orderBy(asc(importRows.line)).limit(size)
    if (rows.length === 0) return -1
    const customerIds = [...new Set(rows.map((r) => r.customerId as number))]
    await undoBulk(tx, {
      shopId,
      importId,
      opening: imp.kind === 'opening_balance',
      lines: rows.map((r) => ({ line: r.line, customerId: r.customerId as number })),
      reason: UNDO_REASON[imp.kind],
      actor: undoActor(imp),
      now,
    })
    await recomputeTiersFor(tx, shopId, customerIds, { now, window, allowDowngrade: true, timeZone })
    const last = rows[rows.length - 1]!.line
    const [moved] = await tx.update(imports).set({ undoneThrough: last, doneRows: sql`${imports.doneRows} + ${rows.length}` })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, importId), eq(imports.status, 'undoing'), eq(imports.undoneThrough, after)))
      .returning({ id: imports.id })
    if (!moved) throw new ConflictError('Lần nhập đang được hoàn tác ở nơi khác')
    return last
  })
}

/** Runs (or resumes) an import in status 'undoing'; returns the import when this call finished it. */
export async function undoImport (db: Db, shopId: string, importId: string, opts: RunOptions): Promise<ImportRow | null> {
  const imp = await loadImport(db, shopId, importId)
  if (!imp || imp.status !== 'undoing') return null
  const settings = await getLoyaltySettings(db, shopId)
  const timeZone = await shopTimeZone(db, shopId)
  // Keyset cursor over the lines (the last one a batch undid), so no batch walks past the rows undone before it.
  let after = imp.undoneThrough
  for (let batches = 0; ; batches++) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) return null
    after = await undoBatch(db, imp, settings.ranking.window, timeZone, opts.now(), opts.batchSize ?? APPLY_BATCH, after)
    if (after < 0) break
  }
  const now = opts.now()
  return db.transaction(async (tx) => {
    const [done] = await tx.update(imports).set({ status: 'undone', undoneAt: now })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, importId), eq(imports.status, 'undoing'))).returning()
    if (!done) return null
    const action = imp.kind === 'opening_balance' ? 'import.opening_balance.undone' : 'import.point_adjustment.undone'
    await logActivity(tx, shopId, { actor: undoActor(imp), action, subject: importId, details: { fileName: imp.fileName, rows: done.totalRows } }, now)
    return done
  })
}
