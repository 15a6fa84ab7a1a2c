// Vietnamese phone normalisation: prefix conversion, messy spreadsheet input, reasons for rejection.
import t from 'tap'
import fc from 'fast-check'
import { fastMobile, formatVietnamPhone, normalizeSlow, normalizeVietnamPhone, phoneSearchKey } from '../../server/loyalty/phone.ts'

const PREFIX_CONVERSIONS: Array<[string, string]> = [
  ['0162', '032'], ['0163', '033'], ['0164', '034'], ['0165', '035'],
  ['0166', '036'], ['0167', '037'], ['0168', '038'], ['0169', '039'],
  ['0120', '070'], ['0121', '079'], ['0122', '077'], ['0126', '076'], ['0128', '078'],
  ['0123', '083'], ['0124', '084'], ['0125', '085'], ['0127', '081'], ['0129', '082'],
  ['0186', '056'], ['0188', '058'],
  ['0199', '059'],
]

t.test('old 11-digit mobile prefixes convert to the 2018 10-digit ones', async t => {
  for (const [oldPrefix, newPrefix] of PREFIX_CONVERSIONS) {
    const result = normalizeVietnamPhone(`${oldPrefix}2345678`)
    t.same(result, { ok: true, e164: `+84${newPrefix.slice(1)}2345678`, national: `${newPrefix}2345678`, kind: 'mobile' }, oldPrefix)
  }
})

t.test('old prefixes also convert when written with +84 or without the leading zero', async t => {
  t.match(normalizeVietnamPhone('+84 162 234 5678'), { ok: true, e164: '+84322345678' })
  t.match(normalizeVietnamPhone('841202345678'), { ok: true, e164: '+84702345678' })
  t.match(normalizeVietnamPhone('1292345678'), { ok: true, e164: '+84822345678' })
})

t.test('an old 11-digit number with an unknown prefix is rejected, not guessed', async t => {
  t.same(normalizeVietnamPhone('01302345678'), { ok: false, reason: 'Số điện thoại không hợp lệ: đầu số 11 số cũ không còn tồn tại' })
})

t.test('accepted spellings of the same mobile', async t => {
  const spellings = [
    '0912345678', '912345678', '+84912345678', '84912345678', '0084912345678',
    '0912 345 678', '0912.345.678', '0912-345-678', '(091) 234-5678', '+84 (0) 912 345 678',
    ' 0912\u00a0345\u00a0678 ', '\ufeff0912345678', '+840912345678',
  ]
  for (const input of spellings) {
    t.same(normalizeVietnamPhone(input), { ok: true, e164: '+84912345678', national: '0912345678', kind: 'mobile' }, JSON.stringify(input))
  }
})

t.test('every current mobile range passes', async t => {
  for (const prefix of ['032', '039', '052', '056', '058', '059', '070', '076', '077', '078', '079', '081', '085', '086', '087', '088', '089', '090', '091', '094', '096', '097', '098', '099']) {
    const result = normalizeVietnamPhone(`${prefix}8123456`)
    t.match(result, { ok: true, kind: 'mobile', national: `${prefix}8123456` }, prefix)
  }
})

t.test('a mobile that lost its leading zero in Excel gets it back', async t => {
  t.match(normalizeVietnamPhone('912345678'), { ok: true, national: '0912345678' })
  t.match(normalizeVietnamPhone('362345678'), { ok: true, national: '0362345678' })
  t.match(normalizeVietnamPhone('849123456'), { ok: true, national: '0849123456', e164: '+84849123456' })
})

t.test('landlines are valid and never converted', async t => {
  t.same(normalizeVietnamPhone('028 3822 1234'), { ok: true, e164: '+842838221234', national: '02838221234', kind: 'landline' })
  t.match(normalizeVietnamPhone('(024) 3825.1234'), { ok: true, e164: '+842438251234', kind: 'landline' })
  t.match(normalizeVietnamPhone('+84 236 3123 456'), { ok: true, e164: '+842363123456', kind: 'landline' })
  t.match(normalizeVietnamPhone('2838221234'), { ok: true, e164: '+842838221234', kind: 'landline' })
})

t.test('invalid numbers are errors with a reason', async t => {
  const cases: Array<[string, string]> = [
    ['', 'Số điện thoại trống'],
    ['  - . ', 'Số điện thoại trống'],
    ['0912abc678', 'Số điện thoại chứa ký tự không hợp lệ'],
    ['0912345678 / 0987654321', 'Số điện thoại chứa ký tự không hợp lệ'],
    ['09123+45678', 'Số điện thoại chứa ký tự không hợp lệ'],
    ['0912', 'Số điện thoại không hợp lệ: quá ngắn'],
    ['091234567', 'Số điện thoại không hợp lệ: quá ngắn'],
    ['028 3822 123', 'Số điện thoại không hợp lệ: quá ngắn'],
    ['09123456789', 'Số điện thoại không hợp lệ: quá dài'],
    ['0912345678901', 'Số điện thoại không hợp lệ: quá dài'],
    ['+1 650 253 0000', 'Số điện thoại không phải số Việt Nam'],
    ['+65 9123 4567', 'Số điện thoại không phải số Việt Nam'],
    ['0065 9123 4567', 'Số điện thoại không phải số Việt Nam'],
    ['0123456789', 'Số điện thoại không hợp lệ: đầu số không tồn tại ở Việt Nam'],
    ['0111234567', 'Số điện thoại không hợp lệ: đầu số không tồn tại ở Việt Nam'],
    ['1900 1234', 'Số điện thoại không phải số di động hoặc cố định (tổng đài, dịch vụ)'],
    ['1800 123 456', 'Số điện thoại không phải số di động hoặc cố định (tổng đài, dịch vụ)'],
  ]
  for (const [input, reason] of cases) {
    t.same(normalizeVietnamPhone(input), { ok: false, reason }, JSON.stringify(input))
  }
})

t.test('formatting for display', async t => {
  t.equal(formatVietnamPhone('+84912345678'), '0912 345 678')
  t.equal(formatVietnamPhone('+842838221234'), '028 3822 1234')
  t.equal(formatVietnamPhone('+6591234567'), '+6591234567')
})

t.test('search key: every spelling of a number finds the same member', async t => {
  for (const input of ['+84 912 345 678', '0912.345.678', '912345678', '0084912345678']) {
    t.equal(phoneSearchKey(input), '+84912345678', input)
  }
  t.equal(phoneSearchKey('0912 34'), '091234', 'partial input keeps its digits')
})

// Arbitrary valid numbers: current mobiles (10 digits), old mobiles (11) and landlines (11).
const MOBILE_PREFIXES = ['032', '033', '034', '035', '036', '037', '038', '039', '056', '058', '059', '070', '076', '077', '078', '079', '081', '082', '083', '084', '085', '086', '088', '090', '091', '093', '094', '096', '097', '098']
const validNational = fc.oneof(
  fc.tuple(fc.constantFrom(...MOBILE_PREFIXES), fc.stringMatching(/^[0-9]{7}$/)).map(([p, rest]) => p + rest),
  fc.tuple(fc.constantFrom(...PREFIX_CONVERSIONS.map(([old]) => old)), fc.stringMatching(/^[0-9]{7}$/)).map(([p, rest]) => p + rest),
  fc.tuple(fc.constantFrom('024', '028', '0236', '0225'), fc.stringMatching(/^[2-7][0-9]{7}$/)).map(([p, rest]) => (p + rest).slice(0, 11)),
)

t.test('property: normalisation is idempotent', async t => {
  fc.assert(fc.property(validNational, national => {
    const first = normalizeVietnamPhone(national)
    if (!first.ok) return true // the generator may hit an unassigned landline range
    const again = normalizeVietnamPhone(first.national)
    const fromE164 = normalizeVietnamPhone(first.e164)
    return again.ok && again.e164 === first.e164 && fromE164.ok && fromE164.e164 === first.e164
  }))
  t.pass()
})

const withSeparators = (digits: string, seps: string[]): string =>
  digits.split('').map((d, i) => d + (seps[i] ?? '')).join('')

t.test('property: formatting variations of a valid number give the same e164', async t => {
  const variation = fc.record({
    national: validNational,
    prefix: fc.constantFrom('0', '+84', '84', '0084', '+84 ', '(+84) ', ''),
    seps: fc.array(fc.constantFrom('', '', '', ' ', '.', '-', '\u00a0'), { maxLength: 12 }),
  })
  fc.assert(fc.property(variation, ({ national, prefix, seps }) => {
    const reference = normalizeVietnamPhone(national)
    if (!reference.ok) return true
    const variant = withSeparators(prefix + national.slice(1), seps)
    const result = normalizeVietnamPhone(variant)
    return result.ok && result.e164 === reference.e164
  }))
  t.pass()
})

// The fast path (already-clean current mobiles) must answer exactly what the full libphonenumber path answers.
const agree = (input: string): boolean => {
  const fast = fastMobile(input)
  return fast === null || JSON.stringify(fast) === JSON.stringify(normalizeSlow(input))
}

t.test('fast path: every 3-digit prefix of a 9-digit significant number, in every accepted shape, agrees with the full path', async t => {
  let taken = 0
  for (let p = 0; p < 1000; p++) {
    const prefix = String(p).padStart(3, '0')
    for (const tail of ['000000', '999999', '123456', '500000']) {
      const significant = prefix + tail
      for (const input of ['0' + significant, '+84' + significant, '84' + significant, significant]) {
        if (!agree(input)) t.fail(`fast path differs for ${input}`)
        if (fastMobile(input) !== null) taken++
      }
    }
  }
  t.ok(taken > 0, `fast path taken for ${taken} inputs`)
  // Shapes it must leave to the full path.
  for (const input of ['0912 345 678', ' 0912345678', '01683456789', '02838221234', '0123456789', '1900123456', '+6591234567']) {
    t.equal(fastMobile(input), null, input)
  }
})

t.test('property: the fast path equals the full path for random inputs', async t => {
  const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`))
  const input = fc.oneof(
    validNational,
    digits(9), digits(10), digits(11), digits(12),
    fc.tuple(fc.constantFrom('0', '+84', '84', ''), fc.constantFrom(...MOBILE_PREFIXES).map((p) => p.slice(1)), digits(7)).map(([a, b, c]) => a + b + c),
  )
  fc.assert(fc.property(input, (s) => agree(s) && JSON.stringify(normalizeVietnamPhone(s)) === JSON.stringify(normalizeSlow(s))), { numRuns: 20_000 })
  t.pass()
})
