// Parsing admin input with Vietnamese messages that name the field (the merchant reads them as they are).
import type { z } from 'zod'
import { BadRequestError } from '../errors.ts'
import { formatVi, viIssueMessage } from '../zod-vi.ts'

const LABELS: Record<string, string> = {
  earning: 'Quy tắc tích điểm',
  vndPerPoint: 'Số tiền cho mỗi bước',
  pointsPerStep: 'Số điểm mỗi bước',
  rounding: 'Cách làm tròn',
  earnOn: 'Thời điểm tích điểm',
  excludeShipping: 'Trừ phí vận chuyển',
  pendingDays: 'Số ngày chờ',
  expiry: 'Hạn sử dụng điểm',
  mode: 'Kiểu hết hạn',
  months: 'Số tháng',
  ranking: 'Điểm xếp hạng',
  vndPerRankPoint: 'Số tiền cho mỗi điểm xếp hạng',
  window: 'Khoảng thời gian xếp hạng',
  autoActivate: 'Tự động kích hoạt',
  id: 'Mã hạng',
  name: 'Tên hạng',
  threshold: 'Ngưỡng',
  earnMultiplier: 'Hệ số tích điểm',
  points: 'Số điểm',
  reason: 'Lý do',
}

function label (path: PropertyKey[]): string {
  const parts = path.map(p => typeof p === 'number' ? `dòng ${p + 1}` : (LABELS[String(p)] ?? String(p)))
  return parts.length > 0 ? parts.join(' › ') : 'Dữ liệu'
}

type Issue = z.core.$ZodIssue

// Tier lists are edited as table rows: their sizes are counted in rows; the rest reads as zod-vi says.
function reason (issue: Issue): string {
  if (issue.code === 'too_small' && issue.origin === 'array') return `cần ít nhất ${formatVi(issue.minimum)} dòng`
  if (issue.code === 'too_big' && issue.origin === 'array') return `tối đa ${formatVi(issue.maximum)} dòng`
  return issue.message
}

/** schema.parse with Vietnamese messages; a failure is a 400 whose issues carry { path, message, code }. */
export function parseVi<S extends z.ZodType> (schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { error: (issue) => viIssueMessage(issue) })
  if (result.success) return result.data
  const issues = result.error.issues.map(i => ({
    path: i.path.map(String),
    message: i.code === 'custom' ? i.message : `${label(i.path)} ${reason(i)}`,
    code: i.code,
  }))
  throw new BadRequestError(`Dữ liệu không hợp lệ: ${issues.map(i => i.code === 'custom' ? `${label(i.path.map(p => /^\d+$/.test(p) ? Number(p) : p))}: ${i.message}` : i.message).join('; ')}`, issues)
}
