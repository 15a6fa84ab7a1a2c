// DiemDieuChinh (bulk point adjustment): any whole number a merchant can type reads back as itself; the rest is refused in Vietnamese.
import t from 'tap'
import fc from 'fast-check'
import { checkRow, parsePoints } from '../../server/imports/kinds.ts'
import { applyImport } from '../../server/imports/apply.ts'
import { authHeaders, build } from '../helper.ts'
import { member, seedCustomers, upload } from './helpers.ts'

const group = (digits: string, sep: string): string => {
  const groups: string[] = []
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end))
  return groups.join(sep)
}

// A refusal names the column and says why in Vietnamese, with no English word in it.
const VIETNAMESE_REASON = /^DiemDieuChinh (trống|phải khác 0|phải là số nguyên \(có thể âm\): ".*"|quá lớn: ".*")$/s

t.test('the lines of the report that found the bug', async t => {
  t.same(parsePoints('100'), { ok: true, value: 100 })
  t.same(parsePoints('250'), { ok: true, value: 250 })
  t.same(parsePoints('12345'), { ok: true, value: 12345 })
  t.same(parsePoints('-20'), { ok: true, value: -20 })
  t.same(parsePoints('−1.000'), { ok: true, value: -1000 })
  t.match(checkRow('point_adjustment', { SoDienThoai: '0888592642', NoiDungDieuChinh: 'Tặng điểm sinh nhật', DiemDieuChinh: '100' }), { points: 100, reason: null })
})

t.test('property: any non-zero safe integer, signed or not, grouped any allowed way, reads back as itself', async t => {
  const typed = fc.record({
    n: fc.oneof(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.maxSafeInteger()).filter(n => n !== 0),
    plus: fc.boolean(),
    minus: fc.constantFrom('-', '\u2212'),
    sep: fc.constantFrom('', '.', ',', ' ', '\u00a0', '\u202f'),
    pad: fc.constantFrom('', ' ', '\u00a0'),
  })
  fc.assert(fc.property(typed, ({ n, plus, minus, sep, pad }) => {
    const sign = n < 0 ? minus : plus ? '+' : ''
    const input = pad + sign + group(String(Math.abs(n)), sep) + pad
    const result = parsePoints(input)
    return result.ok && result.value === n
  }))
  t.pass()
})

t.test('property: anything else is refused with a Vietnamese reason, never read as another number', async t => {
  // Cells made of the characters that matter, so near misses (decimals, mixed separators, doubled signs, letters) come up.
  const piece = fc.constantFrom('0', '1', '25', '100', '000', '1234', '.', ',', ' ', '-', '+', '\u2212', 'đ', 'a', '1e3', '9007199254740993')
  fc.assert(fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
    const input = pieces.join('')
    const result = parsePoints(input)
    if (!result.ok) return VIETNAMESE_REASON.test(result.reason)
    // Accepted: the digits typed are the number read, and the sign typed is the sign read.
    const digits = input.replace(/\D/g, '')
    return Number.isSafeInteger(result.value) && result.value !== 0 && Math.abs(result.value) === Number(digits) &&
      (result.value < 0) === /^\s*[-\u2212]/.test(input) && !/[a-zđ]/i.test(input)
  }), { numRuns: 20_000 })
  for (const [input, reason] of [
    ['', /trống/], ['0', /khác 0/], ['-0', /khác 0/], ['1,5', /số nguyên/], ['1.000,5', /số nguyên/], ['1.000 000', /số nguyên/],
    ['--5', /số nguyên/], ['+-5', /số nguyên/], ['5-', /số nguyên/], ['100đ', /số nguyên/], ['1e3', /số nguyên/], ['abc', /số nguyên/],
    ['9007199254740992', /quá lớn/],
  ] as Array<[string, RegExp]>) {
    const result = parsePoints(input)
    t.equal(result.ok, false, JSON.stringify(input))
    if (!result.ok) t.match(result.reason, reason, JSON.stringify(input))
  }
})

t.test('through the API: a bulk adjustment of plain numbers posts those numbers', async t => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const file = Buffer.from('SoDienThoai;NoiDungDieuChinh;DiemDieuChinh\r\n0912345678;Tặng điểm sinh nhật;100\r\n0987654321;Tri ân;250\r\n0383456789;Tri ân;12345\r\n0934567890;Trừ;−1.000\r\n')
  const res = await upload(app, shopId, file, 'point-adjustment')
  t.equal(res.statusCode, 200)
  const { id, preview } = res.json()
  t.match(preview, { rows: 4, valid: 4, invalid: 0 })
  await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app, shopId) })
  t.match(await applyImport(app.db, shopId, id, { now: app.clock }), { status: 'done', result: { applied: 4 } })
  t.match(await member(app, shopId, 101), { pointsAvailable: 100 })
  t.match(await member(app, shopId, 102), { pointsAvailable: 250 })
  t.match(await member(app, shopId, 103), { pointsAvailable: 12345 })
  t.match(await member(app, shopId, 105), { pointsAvailable: -1000 })
})
