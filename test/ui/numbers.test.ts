// The admin's number fields (embedded-ui/src/numbers.ts): any whole number a merchant can type reads back as itself.
import t from 'tap'
import fc from 'fast-check'
import { parseMultiplier, parseWholeNumber } from '../../embedded-ui/src/numbers.ts'
import { en, vi } from '../../embedded-ui/src/messages/numbers.ts'

const group = (digits: string, sep: string): string => {
  const groups: string[] = []
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end))
  return groups.join(sep)
}

const typed = fc.record({
  n: fc.oneof(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.maxSafeInteger()),
  plus: fc.boolean(),
  minus: fc.constantFrom('-', '\u2212'),
  sep: fc.constantFrom('', '.', ',', ' ', '\u00a0', '\u202f'),
  suffix: fc.constantFrom('', 'đ', ' đ', '₫', '\u00a0₫', ' VND', 'vnđ'),
})

const written = (n: number, plus: boolean, minus: string, sep: string, suffix = '') =>
  (n < 0 ? minus : plus ? '+' : '') + group(String(Math.abs(n)), sep) + suffix

t.test('property: signed fields read any safe integer, grouped any allowed way, as itself', async t => {
  fc.assert(fc.property(typed, ({ n, plus, minus, sep }) => {
    const result = parseWholeNumber(` ${written(n, plus, minus, sep)} `, { signed: true })
    return result.ok && Object.is(result.value, n)
  }))
  t.pass()
})

t.test('property: amount fields read any safe non-negative integer with a currency suffix as itself', async t => {
  fc.assert(fc.property(typed, ({ n, plus, sep, suffix }) => {
    const result = parseWholeNumber(written(Math.abs(n), plus, '-', sep, suffix), { currency: true })
    return result.ok && result.value === Math.abs(n)
  }))
  t.pass()
})

t.test('property: anything else is refused with a reason that has Vietnamese and English words', async t => {
  const piece = fc.constantFrom('0', '1', '25', '100', '000', '1234', '.', ',', ' ', '-', '+', '\u2212', 'đ', '₫', 'a', 'e', '9007199254740993')
  const options = fc.record({ signed: fc.boolean(), currency: fc.boolean() })
  fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), options, (pieces, opts) => {
    const input = pieces.join('')
    const result = parseWholeNumber(input, opts)
    if (!result.ok) return vi[result.reason] !== undefined && en[result.reason] !== undefined
    const digits = input.replace(/\D/g, '')
    const negative = /^\s*[-\u2212]/.test(input)
    return Number.isSafeInteger(result.value) && Math.abs(result.value) === Number(digits) &&
      (result.value < 0) === (negative && result.value !== 0) && (opts.signed || !negative) &&
      (opts.currency || !/[đ₫]/.test(input)) && !/[ae]/.test(input)
  }), { numRuns: 20_000 })
  const refusals: Array<[string, Parameters<typeof parseWholeNumber>[1], string]> = [
    ['', {}, 'numbers.empty'], ['-5', {}, 'numbers.negative'], ['1,5', {}, 'numbers.fraction'], ['1.000,5', {}, 'numbers.notWhole'],
    ['0.500', {}, 'numbers.notWhole'], ['100đ', {}, 'numbers.notWhole'], ['--5', { signed: true }, 'numbers.notWhole'],
    ['9007199254740992', {}, 'numbers.tooLarge'], ['1.000 000', {}, 'numbers.notWhole'],
  ]
  for (const [input, opts, reason] of refusals) t.same(parseWholeNumber(input, opts), { ok: false, reason }, JSON.stringify(input))
  for (const text of Object.values(vi)) t.match(text, /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]/i, 'Vietnamese')
})

t.test('property: multipliers with at most two decimals, with a point or a comma, read back', async t => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom('.', ','), (hundredths, mark) => {
    const text = `${Math.floor(hundredths / 100)}${mark}${String(hundredths % 100).padStart(2, '0')}`
    const result = parseMultiplier(text)
    return result.ok && Math.round(result.value * 100) === hundredths
  }))
  t.same(parseMultiplier('1'), { ok: true, value: 1 })
  t.same(parseMultiplier('1,255'), { ok: false, reason: 'numbers.notDecimal' })
  t.same(parseMultiplier('-1'), { ok: false, reason: 'numbers.negative' })
  t.same(parseMultiplier(''), { ok: false, reason: 'numbers.empty' })
})
