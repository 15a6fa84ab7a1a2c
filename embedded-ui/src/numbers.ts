// Reading numbers a merchant types (points, đồng, days, multipliers): the thousands separators and signs people write.
import type { vi } from './messages/numbers.ts'

export type NumberReason = keyof typeof vi
export type NumberResult = { ok: true, value: number } | { ok: false, reason: NumberReason }

const fail = (reason: NumberReason): NumberResult => ({ ok: false, reason })

// 1.500.000 (vi-VN), 1,500,000 (en-US), 1 500 000 with a space, NBSP or narrow NBSP (fr-FR): one kind per number.
// The first group has no leading zero, so "0.500" is not read as five hundred.
const GROUPED = /^[1-9]\d{0,2}(?:([., \u00a0\u202f])\d{3}(?:\1\d{3})*)$/
const PLAIN = /^\d+$/
const FRACTION = /^\d+[.,]\d{1,2}$/
const CURRENCY = /[\s\u00a0\u202f]*(?:vnđ|vnd|đ|₫)$/i
// The sign characters listed one by one: a range from '+' to '−' would take in the digits.
const SIGN = /^[-+\u2212]/

/**
 * A whole number as typed: `1.000`, `1,000`, `1 000`, `-250` (when `signed`), `1.500.000 ₫` (when `currency`).
 * An empty field is refused (the caller decides what empty means); the value is always a safe integer.
 */
export function parseWholeNumber (text: string, { signed = false, currency = false }: { signed?: boolean, currency?: boolean } = {}): NumberResult {
  let body = text.trim()
  if (body === '') return fail('numbers.empty')
  if (currency) body = body.replace(CURRENCY, '')
  let negative = false
  const sign = SIGN.exec(body)?.[0]
  if (sign !== undefined) {
    if (!signed && sign !== '+') return fail('numbers.negative')
    negative = sign !== '+'
    body = body.slice(1)
  }
  let digits: string
  if (PLAIN.test(body)) digits = body
  else if (GROUPED.test(body)) digits = body.replace(/\D/g, '')
  else return fail(FRACTION.test(body) ? 'numbers.fraction' : 'numbers.notWhole')
  const magnitude = Number(digits)
  if (!Number.isSafeInteger(magnitude)) return fail('numbers.tooLarge')
  return { ok: true, value: negative && magnitude !== 0 ? -magnitude : magnitude }
}

const DECIMAL = /^(\d+)(?:[.,](\d{1,2}))?$/

/** A tier's earning multiplier: `1`, `1.5` or `1,5` (the Vietnamese decimal comma), at most two decimals. */
export function parseMultiplier (text: string): NumberResult {
  const body = text.trim()
  if (body === '') return fail('numbers.empty')
  const match = DECIMAL.exec(body)
  if (match === null) return fail(SIGN.test(body) ? 'numbers.negative' : 'numbers.notDecimal')
  const value = Number(`${match[1] ?? '0'}.${match[2] ?? '0'}`)
  return Number.isFinite(value) && value <= Number.MAX_SAFE_INTEGER ? { ok: true, value } : fail('numbers.tooLarge')
}

/** For form state that the server validates: the number read, or NaN (shown as a field error on save). */
export const wholeOrNaN = (text: string, options?: { signed?: boolean, currency?: boolean }): number => {
  const result = parseWholeNumber(text, options)
  return result.ok ? result.value : Number.NaN
}
export const multiplierOrNaN = (text: string): number => {
  const result = parseMultiplier(text)
  return result.ok ? result.value : Number.NaN
}
