// An import's life as the admin API sees it: found within its shop, listed, its lines paged, and the two state changes
// a merchant makes (confirm: previewed → applying, undo: done → undoing); the background jobs do the rest.
import { and, asc, count, desc, eq, isNotNull, ne, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { importRows, imports } from '../../db/schema/index.ts'
import { NotFoundError } from '../errors.ts'
import { loadImport, type ImportRow } from './apply.ts'
import type { ImportKind } from './kinds.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface Page { page: number, limit: number }

/** Another shop's id, or not an id at all, is simply not found. */
export async function findImport (db: Db, shopId: string, id: string): Promise<ImportRow> {
  const imp = UUID.test(id) ? await loadImport(db, shopId, id) : undefined
  if (!imp) throw new NotFoundError('Không tìm thấy lần nhập dữ liệu này')
  return imp
}

/** The shop's imports, newest first, with their total. */
export async function listImports (db: Db, shopId: string, q: Page & { kind?: ImportKind }): Promise<{ items: ImportRow[], total: number }> {
  const where = and(eq(imports.shopId, shopId), q.kind ? eq(imports.kind, q.kind) : undefined)
  const [items, [total]] = await Promise.all([
    db.select().from(imports).where(where).orderBy(desc(imports.createdAt), desc(imports.id)).limit(q.limit).offset((q.page - 1) * q.limit),
    db.select({ n: count() }).from(imports).where(where),
  ])
  return { items, total: Number(total?.n ?? 0) }
}

/** An import's lines in file order; problemsOnly: the lines not matched or with a warning. */
export async function listImportLines (db: Db, imp: ImportRow, q: Page & { problemsOnly: boolean }) {
  const where = and(eq(importRows.shopId, imp.shopId), eq(importRows.importId, imp.id),
    q.problemsOnly ? or(ne(importRows.status, 'matched'), isNotNull(importRows.warning)) : undefined)
  const [items, [total]] = await Promise.all([
    db.select().from(importRows).where(where).orderBy(asc(importRows.line)).limit(q.limit).offset((q.page - 1) * q.limit),
    db.select({ n: count() }).from(importRows).where(where),
  ])
  return { items, total: Number(total?.n ?? 0) }
}

// The lines the apply (or the undo) goes through: progress counts up to it.
const matchedLines = (imp: ImportRow) =>
  sql`(select count(*) from import_rows where shop_id = ${imp.shopId} and import_id = ${imp.id}::uuid and status = 'matched')`

/** previewed → applying, its running totals reset; undefined when the import is not (or no longer) previewed. */
export async function confirmImport (db: Db, imp: ImportRow, confirmedBy: string, now: Date): Promise<ImportRow | undefined> {
  const [updated] = await db.update(imports).set({
    status: 'applying',
    doneRows: 0,
    appliedPoints: 0,
    appliedRankPoints: 0,
    skippedRows: 0,
    skippedWarnings: 0,
    totalRows: matchedLines(imp),
    confirmedAt: now,
    options: { ...imp.options, confirmedBy },
  }).where(and(eq(imports.shopId, imp.shopId), eq(imports.id, imp.id), eq(imports.status, 'previewed'))).returning()
  return updated
}

/** done → undoing; undefined when the import is not (or no longer) done. */
export async function startUndo (db: Db, imp: ImportRow, undoneBy: string): Promise<ImportRow | undefined> {
  const [updated] = await db.update(imports).set({
    status: 'undoing',
    doneRows: 0,
    totalRows: matchedLines(imp),
    options: { ...imp.options, undoneBy },
  }).where(and(eq(imports.shopId, imp.shopId), eq(imports.id, imp.id), eq(imports.status, 'done'))).returning()
  return updated
}
