// Vietnamese for every zod issue the admin API can answer with: a 400's `message` and `issues[].message` are read by merchants.
import { z } from 'zod'

type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue

const viNumber = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 })
/** vi-VN grouping (`-998.811`, `1.000.000`); bigint and Date limits too. */
export function formatVi (value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return viNumber.format(value)
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

// What a value should have been, named the way the merchant reads it.
const TYPES: Record<string, string> = {
  string: 'chữ',
  number: 'số',
  int: 'số nguyên',
  bigint: 'số nguyên',
  boolean: 'giá trị có/không',
  object: 'một nhóm thông tin',
  array: 'một danh sách',
  date: 'ngày',
  null: 'để trống',
  undefined: 'để trống',
}
const FORMATS: Record<string, string> = {
  email: 'địa chỉ email',
  uuid: 'mã định danh',
  datetime: 'ngày giờ (ví dụ 2026-05-01T00:00:00+07:00)',
  date: 'ngày (ví dụ 2026-05-01)',
  url: 'địa chỉ web',
}
const UNITS: Record<string, string> = { string: 'ký tự', array: 'mục', set: 'mục', map: 'mục', file: 'byte' }

/** The predicate of a sentence whose subject is the field: "phải là số nguyên", "không được để trống". */
export function viIssueMessage (issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if ('input' in issue && issue.input === undefined) return 'bắt buộc, chưa có giá trị'
      return `phải là ${TYPES[issue.expected] ?? 'giá trị hợp lệ'}`
    case 'too_small': {
      const unit = UNITS[issue.origin]
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'không được để trống'
      if (unit) return `cần ít nhất ${formatVi(issue.minimum)} ${unit}`
      return `phải ${issue.inclusive ? '≥' : '>'} ${formatVi(issue.minimum)}`
    }
    case 'too_big': {
      const unit = UNITS[issue.origin]
      if (unit) return `tối đa ${formatVi(issue.maximum)} ${unit}`
      return `phải ${issue.inclusive ? '≤' : '<'} ${formatVi(issue.maximum)}`
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `phải là ${formatVi(issue.values[0])}` : `phải là một trong: ${issue.values.map(formatVi).join(', ')}`
    case 'invalid_format':
      return `không đúng định dạng${FORMATS[issue.format] ? ` ${FORMATS[issue.format]}` : ''}`
    case 'not_multiple_of':
      return `phải là bội số của ${formatVi(issue.divisor)}`
    case 'unrecognized_keys':
      return `có trường không hỗ trợ: ${issue.keys.join(', ')}`
    case 'custom':
      return issue.message ?? 'giá trị không hợp lệ'
    default:
      return 'giá trị không hợp lệ'
  }
}

/** Makes viIssueMessage zod's default for every schema without its own message (buildApp calls it; idempotent). */
export function useVietnameseZodMessages (): void {
  z.config({ customError: (issue) => viIssueMessage(issue) })
}

/** Where a request's value was: body, query string, path. */
export const REQUEST_PARTS: Record<string, string> = { body: 'nội dung', querystring: 'tham số', params: 'đường dẫn', headers: 'tiêu đề' }
