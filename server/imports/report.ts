// The downloadable error report: every line that was rejected, skipped or warned, streamed page by page (flat memory).
import { and, asc, eq, gt, isNotNull, ne, or } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { importRows, imports } from '../../db/schema/index.ts'
import { COLUMNS } from './kinds.ts'

export const STATUS_TEXT: Record<string, string> = {
  invalid: 'Không hợp lệ',
  not_found: 'Không tìm thấy khách hàng',
  already_imported: 'Đã nhập trước đó',
  duplicate: 'Trùng lặp',
  matched: 'Cảnh báo',
}

// A cell starting with = + - @ (or a tab/CR) would run as a formula in Excel: prefix it with ' so it stays text.
export function csvCell (value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

const csvLine = (cells: string[]) => cells.map(csvCell).join(',') + '\r\n'
const PAGE = 1000

export async function * errorReport (db: Db, imp: typeof imports.$inferSelect): AsyncGenerator<string> {
  const columns = COLUMNS[imp.kind]
  yield '\uFEFF' + csvLine(['Dòng', 'Trạng thái', 'Lý do', ...columns])
  let after = 0
  for (;;) {
    const rows = await db.select({ line: importRows.line, status: importRows.status, reason: importRows.reason, warning: importRows.warning, raw: importRows.raw })
      .from(importRows)
      .where(and(eq(importRows.shopId, imp.shopId), eq(importRows.importId, imp.id), gt(importRows.line, after),
        or(ne(importRows.status, 'matched'), isNotNull(importRows.warning))))
      .orderBy(asc(importRows.line)).limit(PAGE)
    if (rows.length === 0) return
    yield rows.map((r) => csvLine([
      String(r.line), STATUS_TEXT[r.status] ?? r.status, (r.status === 'matched' ? r.warning : r.reason) ?? '',
      ...columns.map((c) => r.raw?.[c] ?? ''),
    ])).join('')
    after = rows[rows.length - 1]!.line
  }
}
