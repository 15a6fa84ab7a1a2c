// Shared Vietnamese formatting for money, numbers and dates (shop timezone, dd/mm/yyyy).
const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh'
const MISSING = '—'

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 })
const vndFormat = new Intl.NumberFormat('vi-VN', {
  style: 'currency',
  currency: 'VND',
  maximumFractionDigits: 0,
})

/**
 * `1500000` → `1.500.000 ₫`. Money is integer đồng, so any fraction is dropped (never rounded up).
 * Intl puts a no-break space before ₫, which keeps the amount and the sign on one line.
 */
export function formatVnd (amount: number): string {
  if (!Number.isFinite(amount)) return MISSING
  return vndFormat.format(Math.trunc(amount))
}

/** `1234567` → `1.234.567`; up to two decimals with a comma (`1,5`). */
export function formatNumber (value: number): string {
  if (!Number.isFinite(value)) return MISSING
  return numberFormat.format(value)
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

// Built once per time zone: constructing Intl.DateTimeFormat is slow and tables format many rows.
function dateTimeFormatFor (timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      numberingSystem: 'latn',
    })
    dateFormats.set(timeZone, format)
  }
  return format
}

interface DateParts { day: string, month: string, year: string, hour: string, minute: string }

// Assembled from parts because locales disagree on order (vi-VN puts the time before the date).
function dateParts (value: string | Date, timeZone: string): DateParts | null {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return null
  const parts: DateParts = { day: '', month: '', year: '', hour: '', minute: '' }
  for (const part of dateTimeFormatFor(timeZone).formatToParts(date)) {
    if (part.type in parts) parts[part.type as keyof DateParts] = part.value
  }
  return parts
}

/** An ISO 8601 instant → `dd/mm/yyyy` as a calendar day in the shop's time zone. */
export function formatDate (iso: string | Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const parts = dateParts(iso, timeZone)
  if (!parts) return MISSING
  return `${parts.day}/${parts.month}/${parts.year}`
}

/** An ISO 8601 instant → `dd/mm/yyyy HH:mm` (24-hour clock) in the shop's time zone. */
export function formatDateTime (iso: string | Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const parts = dateParts(iso, timeZone)
  if (!parts) return MISSING
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`
}

/**
 * A Vietnamese phone number as merchants write it: `+84888592642` → `0888 592 642` (4-3-3 for the usual ten digits).
 * Anything that is not a Vietnamese number is shown as stored.
 */
export function formatPhone (phone: string | null | undefined): string {
  if (!phone) return MISSING
  const digits = phone.replace(/[^\d+]/g, '')
  const national = digits.startsWith('+84') ? `0${digits.slice(3)}` : digits.startsWith('84') && digits.length === 11 ? `0${digits.slice(2)}` : digits
  if (/^0\d{9}$/.test(national)) return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`
  if (/^0\d{10}$/.test(national)) return `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`
  return phone
}

/** Signed points for ledgers: `+1.000`, `-998.811`. */
export function formatSignedPoints (points: number): string {
  return points > 0 ? `+${formatNumber(points)}` : formatNumber(points)
}
