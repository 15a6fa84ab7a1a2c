// The two CSV imports (Dữ liệu đầu kỳ, Điều chỉnh điểm hàng loạt): their columns, templates and per-row checks (pure).
import { normalizeVietnamPhone } from '../loyalty/phone.ts'
import { parseVndAmount } from './amount.ts'

export type ImportKind = 'opening_balance' | 'point_adjustment'

export const OPENING_COLUMNS = ['HoTen', 'DienThoai', 'Email', 'DTDauKy', 'DTTichLuy'] as const
export const ADJUSTMENT_COLUMNS = ['SoDienThoai', 'NoiDungDieuChinh', 'DiemDieuChinh'] as const

export const COLUMNS: Record<ImportKind, readonly string[]> = {
  opening_balance: OPENING_COLUMNS,
  point_adjustment: ADJUSTMENT_COLUMNS,
}

const BOM = '\uFEFF'
export const TEMPLATES: Record<ImportKind, string> = {
  opening_balance: BOM + OPENING_COLUMNS.join(',') + '\r\n' + 'Nguyễn Văn An,0912345678,an.nguyen@example.com,1500000,3200000\r\n',
  point_adjustment: BOM + ADJUSTMENT_COLUMNS.join(',') + '\r\n' + '0912345678,Tặng điểm tri ân khách hàng,100\r\n',
}

/** What a line says once its cells are checked, before it is matched to a customer. */
export interface CheckedRow {
  phoneE164: string | null
  name: string | null
  email: string | null
  /** DTDauKy (opening) */
  amount: number | null
  /** DTTichLuy (opening) */
  secondAmount: number | null
  /** DiemDieuChinh (adjustment) */
  points: number | null
  /** NoiDungDieuChinh (adjustment) */
  note: string | null
  /** Every problem of the line, joined for the report; null when the line is valid. */
  reason: string | null
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function checkPhone (raw: string, problems: string[]): string | null {
  const phone = normalizeVietnamPhone(raw)
  if (!phone.ok) { problems.push(`${phone.reason}${raw.trim() ? `: "${raw.trim()}"` : ''}`); return null }
  return phone.e164
}

function checkAmount (column: string, raw: string, problems: string[]): number | null {
  const amount = parseVndAmount(raw)
  if (!amount.ok) { problems.push(`${column}: ${amount.reason}`); return null }
  return amount.value
}

// Points are whole numbers; a sign is allowed (negative = deduct; ASCII '-' or the typographic '−'), thousands
// separators too (1.000, 1,000, 1 000 with a space, NBSP or narrow NBSP), one kind per number.
// The sign class lists its characters: written as a range ('+' to '−') it would take in the digits.
const POINTS = /^([-+\u2212]?)(\d{1,3}(?:([., \u00a0\u202f])\d{3}(?:\3\d{3})*)?|\d+)$/
export function parsePoints (raw: string): { ok: true, value: number } | { ok: false, reason: string } {
  const text = raw.trim()
  if (text === '') return { ok: false, reason: 'DiemDieuChinh trống' }
  const match = POINTS.exec(text)
  if (match === null) return { ok: false, reason: `DiemDieuChinh phải là số nguyên (có thể âm): "${text}"` }
  const digits = (match[2] ?? '').replace(/\D/g, '')
  const magnitude = Number(digits)
  if (!Number.isSafeInteger(magnitude)) return { ok: false, reason: `DiemDieuChinh quá lớn: "${text}"` }
  if (magnitude === 0) return { ok: false, reason: 'DiemDieuChinh phải khác 0' }
  return { ok: true, value: match[1] === '' || match[1] === '+' ? magnitude : -magnitude }
}

export function checkRow (kind: ImportKind, fields: Record<string, string>): CheckedRow {
  const problems: string[] = []
  const row: CheckedRow = { phoneE164: null, name: null, email: null, amount: null, secondAmount: null, points: null, note: null, reason: null }
  if (kind === 'opening_balance') {
    row.phoneE164 = checkPhone(fields.DienThoai ?? '', problems)
    row.name = (fields.HoTen ?? '').trim() || null
    const email = (fields.Email ?? '').trim()
    if (email !== '') {
      if (EMAIL.test(email)) row.email = email
      else problems.push(`Email không hợp lệ: "${email}"`)
    }
    row.amount = checkAmount('DTDauKy', fields.DTDauKy ?? '', problems)
    row.secondAmount = checkAmount('DTTichLuy', fields.DTTichLuy ?? '', problems)
  } else {
    row.phoneE164 = checkPhone(fields.SoDienThoai ?? '', problems)
    row.note = (fields.NoiDungDieuChinh ?? '').trim() || null
    if (row.note === null) problems.push('NoiDungDieuChinh trống: cần ghi lý do điều chỉnh')
    const points = parsePoints(fields.DiemDieuChinh ?? '')
    if (points.ok) row.points = points.value
    else problems.push(points.reason)
  }
  row.reason = problems.length > 0 ? problems.join('; ') : null
  return row
}

/** Names compared the way a person reads them: case, diacritics, đ/Đ and spacing do not matter. */
export function nameKey (name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim()
}
