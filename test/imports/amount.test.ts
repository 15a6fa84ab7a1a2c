// Amount parsing: spreadsheet amounts in đồng and Haravan's decimal money.
import t from 'tap'
import fc from 'fast-check'
import { parseHaravanMoney, parseVndAmount, parseVndAmountFull } from '../../server/imports/amount.ts'

t.test('the same amount written the ways Excel writes it', async t => {
  const spellings = [
    '1500000', '1.500.000', '1,500,000', '1 500 000', '1\u00a0500\u00a0000', '1\u202f500\u202f000',
    '1500000đ', '1.500.000 ₫', '1500000 VND', '1.500.000đ', '1,500,000 vnđ', '1500000VNĐ', '1 500 000 Đ', '  1.500.000  ',
  ]
  for (const input of spellings) t.same(parseVndAmount(input), { ok: true, value: 1_500_000 }, JSON.stringify(input))
})

t.test('empty means zero', async t => {
  t.same(parseVndAmount(''), { ok: true, value: 0 })
  t.same(parseVndAmount('   '), { ok: true, value: 0 })
  t.same(parseVndAmount('0'), { ok: true, value: 0 })
})

t.test('a single dot or comma followed by three digits is a thousands separator', async t => {
  t.same(parseVndAmount('1.500'), { ok: true, value: 1500 })
  t.same(parseVndAmount('1,500'), { ok: true, value: 1500 })
  t.same(parseVndAmount('999.999.999.999'), { ok: true, value: 999_999_999_999 })
})

t.test('rejections say why', async t => {
  const cases: Array<[string, RegExp]> = [
    ['-1500000', /^Số tiền âm$/],
    ['-1.500.000đ', /^Số tiền âm$/],
    ['(1.500)', /^Số tiền âm$/],
    ['1,5', /^Số tiền không được có phần lẻ/],
    ['1.50', /^Số tiền không được có phần lẻ/],
    ['1.5', /^Số tiền không được có phần lẻ/],
    ['1500000.00', /^Số tiền không được có phần lẻ/],
    ['0,5', /^Số tiền không được có phần lẻ/],
    ['1.500,00', /dùng lẫn nhiều loại dấu phân cách/],
    ['1,500.00', /dùng lẫn nhiều loại dấu phân cách/],
    ['1 500.000', /dùng lẫn nhiều loại dấu phân cách/],
    ['1.5000', /phân cách hàng nghìn sai chỗ/],
    ['15000.000', /phân cách hàng nghìn sai chỗ/],
    ['1..500', /phân cách hàng nghìn sai chỗ/],
    ['abc', /^Số tiền không hợp lệ/],
    ['1.500.000 USD', /^Số tiền không hợp lệ/],
    ['đ', /^Số tiền không hợp lệ/],
    ['1.500.', /^Số tiền không hợp lệ/],
    ['+1500', /^Số tiền không hợp lệ/],
    ['9007199254740992', /^Số tiền quá lớn/],
    ['99.999.999.999.999.999', /^Số tiền quá lớn/],
  ]
  for (const [input, reason] of cases) {
    const result = parseVndAmount(input)
    t.equal(result.ok, false, JSON.stringify(input))
    if (!result.ok) t.match(result.reason, reason, JSON.stringify(input))
  }
  t.same(parseVndAmount('9007199254740991'), { ok: true, value: Number.MAX_SAFE_INTEGER })
})

const group = (digits: string, sep: string): string => {
  const groups: string[] = []
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end))
  return groups.join(sep)
}

t.test('property: any safe non-negative integer, formatted any allowed way, parses back', async t => {
  const formatted = fc.record({
    n: fc.oneof(fc.integer({ min: 0, max: 10_000_000_000 }), fc.maxSafeNat()),
    sep: fc.constantFrom('', '.', ',', ' ', '\u00a0', '\u202f'),
    space: fc.constantFrom('', ' '),
    suffix: fc.constantFrom('', 'đ', '₫', 'VND', 'vnd', 'vnđ', 'VNĐ', 'Đ'),
  })
  fc.assert(fc.property(formatted, ({ n, sep, space, suffix }) => {
    const input = group(String(n), sep) + (suffix === '' ? '' : space + suffix)
    const result = parseVndAmount(input)
    return result.ok && result.value === n
  }))
  t.pass()
})

t.test('Haravan money is rounded down to the đồng', async t => {
  t.equal(parseHaravanMoney(13200000.0000), 13_200_000)
  t.equal(parseHaravanMoney('13200000.0000'), 13_200_000)
  t.equal(parseHaravanMoney(1680000.5), 1_680_000)
  t.equal(parseHaravanMoney('1680000.9999'), 1_680_000)
  t.equal(parseHaravanMoney(0.29), 0)
  t.equal(parseHaravanMoney(29.99), 29)
  t.equal(parseHaravanMoney(1e-7), 0)
  t.equal(parseHaravanMoney(null), 0)
  t.equal(parseHaravanMoney(undefined), 0)
  t.equal(parseHaravanMoney(''), 0)
  t.equal(parseHaravanMoney(-1500.5), -1500, 'negatives round towards zero')
  t.throws(() => parseHaravanMoney('abc'), TypeError)
  t.throws(() => parseHaravanMoney(Number.NaN), RangeError)
  t.throws(() => parseHaravanMoney(1e21), RangeError)
  t.throws(() => parseHaravanMoney('99999999999999999999'), RangeError)
})

t.test('property: Haravan money equals the integer part of the decimal text, with no float error', async t => {
  const decimal = fc.record({
    whole: fc.oneof(fc.integer({ min: 0, max: 9_999_999_999 }), fc.maxSafeNat()),
    fraction: fc.integer({ min: 0, max: 9999 }),
  })
  fc.assert(fc.property(decimal, ({ whole, fraction }) => {
    const text = `${whole}.${String(fraction).padStart(4, '0')}`
    // As a JSON number the 4 decimals only survive while a double can hold them (up to ~1e11 đồng).
    const asNumberSurvives = whole < 10_000_000_000
    return parseHaravanMoney(text) === whole && (!asNumberSurvives || parseHaravanMoney(Number(text)) === whole)
  }))
  t.pass()
})

t.test('the fast path answers exactly what the full rules answer', async t => {
  // Cells built from the characters that matter (digits, both separators, spaces, signs, suffixes), so every shape the
  // fast path accepts and its near misses (leading zero, short group, mixed separators, 16 digits) come up.
  const piece = fc.constantFrom('0', '1', '5', '9', '00', '000', '500', '1234', '.', ',', ' ', '-', 'đ', '999999999999999', '9007199254740993')
  const differ: string[] = []
  const check = (cell: string) => {
    if (JSON.stringify(parseVndAmount(cell)) !== JSON.stringify(parseVndAmountFull(cell))) differ.push(cell)
  }
  fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => { check(pieces.join('')) }), { numRuns: 20_000 })
  for (const cell of ['1', '000000000000000', '999999999999999', '1.000', '999,999,999,999,999', '0.500', '1.50', '1.500,000', '01.500']) check(cell)
  t.same(differ, [])
})

t.test('property: anything else is refused with a Vietnamese reason, never read as another amount', async t => {
  const piece = fc.constantFrom('0', '1', '25', '500', '000', '1234', '.', ',', ' ', '\u00a0', '-', '+', 'đ', '₫', 'VND', 'a', '1e3', '$', '9007199254740993')
  const REASON = /^Số tiền (âm|không hợp lệ: |không được có phần lẻ: |dùng lẫn nhiều loại dấu phân cách, không rõ phần lẻ: |quá lớn: )/
  fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
    const input = pieces.join('')
    const result = parseVndAmount(input)
    if (!result.ok) return REASON.test(result.reason)
    // Accepted: the digits typed are the amount read (a currency suffix adds none).
    const digits = input.replace(/\D/g, '')
    return Number.isSafeInteger(result.value) && result.value >= 0 && result.value === Number(digits) && !/[-+a$]/.test(input)
  }), { numRuns: 20_000 })
  t.pass()
})
