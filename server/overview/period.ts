// The overview's periods: ISO calendar dates in the shop's time zone, validated, and the same-length period before.
import { BadRequestError } from '../errors.ts'

export interface Period { from: string, to: string }
export const DEFAULT_DAYS = 30
export const MAX_DAYS = 366

const DAY_MS = 86_400_000
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/** Days since 1970-01-01 of an ISO date, or NaN when it is not a real calendar date. */
export function dayNumber (iso: string): number {
  if (!ISO_DATE.test(iso)) return Number.NaN
  const ms = Date.parse(`${iso}T00:00:00Z`)
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso) return Number.NaN
  return ms / DAY_MS
}

export const isoDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10)

/** Number of days in a period, both ends included. */
export const periodDays = (p: Period): number => dayNumber(p.to) - dayNumber(p.from) + 1

/** Today's date in the zone (the shop's calendar day). */
export function localToday (now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/**
 * The requested period: both dates given, or none (the last DEFAULT_DAYS days, today included). A lone date, a date
 * that does not exist, from after to, or more than MAX_DAYS days is a 400 saying so in Vietnamese.
 */
export function resolvePeriod (input: { from?: string, to?: string }, today: string): Period {
  if (input.from === undefined && input.to === undefined) return { from: isoDay(dayNumber(today) - DEFAULT_DAYS + 1), to: today }
  if (input.from === undefined || input.to === undefined) throw new BadRequestError('Cần cả ngày bắt đầu (from) và ngày kết thúc (to)')
  for (const [name, value] of [['from', input.from], ['to', input.to]] as const) {
    if (Number.isNaN(dayNumber(value))) throw new BadRequestError(`Ngày ${name} không hợp lệ: cần dạng YYYY-MM-DD (ví dụ 2026-11-30)`)
  }
  const period = { from: input.from, to: input.to }
  if (periodDays(period) < 1) throw new BadRequestError('Ngày bắt đầu phải trước hoặc bằng ngày kết thúc')
  if (periodDays(period) > MAX_DAYS) throw new BadRequestError(`Khoảng thời gian tối đa là ${MAX_DAYS} ngày`)
  return period
}

/** The period of the same length that ends the day before `p` starts. */
export function previousPeriod (p: Period): Period {
  const start = dayNumber(p.from)
  return { from: isoDay(start - periodDays(p)), to: isoDay(start - 1) }
}

/** Every date of the period, in order (the series has one point per day, zeros included). */
export function periodDates (p: Period): string[] {
  const start = dayNumber(p.from)
  return Array.from({ length: periodDays(p) }, (_, i) => isoDay(start + i))
}
