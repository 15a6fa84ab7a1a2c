// Money parsing: messy spreadsheet amounts and Haravan's decimal amounts, both to integer đồng.

export type AmountResult = { ok: true, value: number } | { ok: false, reason: string }

const fail = (reason: string): AmountResult => ({ ok: false, reason })

// Excel in vi-VN writes 1.500.000, in en-US 1,500,000, in fr-FR 1 500 000 (narrow NBSP); all are
// thousands separators because đồng have no subunit. A currency suffix may follow, with or without a space.
const CURRENCY_SUFFIX = /\s*(?:vnđ|vnd|đ|₫)$/i

// Fast path for the shapes nearly every cell has: plain digits, or 1–3 digits (no leading zero) then groups of three
// after one kind of separator. At most 15 digits, so always a safe integer. For these the full rules below give the
// same value; test/imports/amount.test.ts compares the two on every shape (~3 µs → ~0.1 µs a cell).
const PLAIN = /^\d{1,15}$/
const GROUPED = /^[1-9]\d{0,2}(?:(?:\.\d{3}){1,4}|(?:,\d{3}){1,4})$/
const SEPARATOR = /[.,]/g

export function parseVndAmount (input: string): AmountResult {
  if (PLAIN.test(input)) return { ok: true, value: Number(input) }
  if (GROUPED.test(input)) return { ok: true, value: Number(input.replace(SEPARATOR, '')) }
  return parseVndAmountFull(input)
}

/** The full rules (exported for the test that holds the fast path to them). */
export function parseVndAmountFull (input: string): AmountResult {
  const trimmed = input.trim()
  if (trimmed === '') return { ok: true, value: 0 }
  const body = trimmed.replace(CURRENCY_SUFFIX, '')
  if (/^[-−]/.test(body) || /^\(.*\)$/.test(body)) return fail('Số tiền âm')
  if (!/^[\d.,\s]+$/.test(body) || !/^\d/.test(body) || !/\d$/.test(body)) {
    return fail(`Số tiền không hợp lệ: "${trimmed}"`)
  }

  const separators = new Set(body.replace(/\d/g, '').replace(/\s+/g, ' '))
  if (separators.size > 1) {
    // 1.500,00 or 1,500.00: one of them is a decimal mark, and which one depends on the locale.
    return fail(`Số tiền dùng lẫn nhiều loại dấu phân cách, không rõ phần lẻ: "${trimmed}"`)
  }
  const groups = body.split(/[.,]|\s+/)
  const groupingProblem = checkGroups(groups, trimmed)
  if (groupingProblem !== null) return fail(groupingProblem)

  const value = BigInt(groups.join(''))
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return fail(`Số tiền quá lớn: "${trimmed}"`)
  return { ok: true, value: Number(value) }
}

// Groups after the first must be exactly three digits; one or two trailing digits read as a decimal part.
function checkGroups (groups: string[], original: string): string | null {
  if (groups.length === 1) return null
  const [first = '', ...rest] = groups
  const last = rest[rest.length - 1] ?? ''
  if (first.length <= 3 && !first.startsWith('0') && rest.every(group => group.length === 3)) return null
  if (last.length < 3) return `Số tiền không được có phần lẻ: "${original}"`
  return `Số tiền không hợp lệ: phân cách hàng nghìn sai chỗ: "${original}"`
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/

/**
 * Haravan sends money as decimals (`13200000.0000`, `1680000.5`); we keep integer đồng, rounded down.
 * The decimal text is cut at the point rather than multiplied, so float error (0.29 * 100) cannot creep in.
 * A negative amount is rounded towards zero so that neither a charge nor a refund is overstated.
 * Throws on text that is not a number: a silent 0 would quietly lose a member's points.
 */
export function parseHaravanMoney (v: number | string | null | undefined): number {
  if (v === null || v === undefined) return 0
  let text: string
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`Haravan money is not a safe amount: ${v}`)
    }
    // String() gives the shortest text that round-trips, i.e. the decimal Haravan wrote in its JSON;
    // its exponent form only appears below 1e-6, which is 0 đồng anyway.
    text = Math.abs(v) < 1e-6 ? '0' : String(v)
  } else {
    text = v.trim()
    if (text === '') return 0
  }
  const match = DECIMAL.exec(text)
  if (match === null) throw new TypeError(`Haravan money is not a decimal number: ${JSON.stringify(v)}`)
  const whole = BigInt(match[2] ?? '0')
  if (whole > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`Haravan money is too large: ${text}`)
  const value = Number(whole)
  return match[1] === '-' && value !== 0 ? -value : value
}
