// What the admin API says when it refuses: Vietnamese throughout, numbers grouped vi-VN; server-side number fields read back exactly.
import t from 'tap'
import fc from 'fast-check'
import { InsufficientPointsError } from '../../server/loyalty/ledger.ts'
import { DEFAULT_SETTINGS, loyaltySettingsSchema } from '../../server/loyalty/rules.ts'
import { parseVi } from '../../server/loyalty/validation.ts'
import { adjustmentSchema } from '../../server/routes/member.ts'
import { authHeaders, build } from '../helper.ts'

// English a message must not carry (zod's defaults, the old bilingual suffixes).
const ENGLISH = /\b(expected|received|must|invalid|number|string|required|not found|insufficient|too (big|small)|undefined|retry)\b|\(cần [a-z]/i

t.test('the admin API\'s 400s are Vietnamese, in message and in every issue', async (t) => {
  const { app, shopId } = await build(t)
  await app.inject({ method: 'POST', url: '/api/members/1/activate', headers: await authHeaders(app, shopId) })
  const headers = await authHeaders(app, shopId)
  const refusals = [
    await app.inject({ method: 'POST', url: '/api/members/1/adjustments', headers, payload: { points: 'abc', reason: '' } }),
    await app.inject({ method: 'POST', url: '/api/members/1/adjustments', headers, payload: { points: 2_000_000_000 } }),
    await app.inject({ method: 'PUT', url: '/api/settings/loyalty', headers, payload: { ...DEFAULT_SETTINGS, pendingDays: -998_811, earning: { ...DEFAULT_SETTINGS.earning, vndPerPoint: 'x' } } }),
    await app.inject({ url: '/api/activity?limit=abc&actorKind=robot', headers }),
    await app.inject({ url: '/api/members?sort=shoeSize', headers }),
    await app.inject({ method: 'POST', url: '/api/segments/preview', headers, payload: { definition: { match: 'some', conditions: [{ field: 'shoeSize', op: 'eq', value: 1 }] } } }),
    await app.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: '', definition: { conditions: [] } } }),
  ]
  for (const res of refusals) {
    t.equal(res.statusCode, 400, res.body)
    const body = res.json() as { message: string, issues?: Array<{ message: string }> }
    t.notMatch(body.message, ENGLISH, body.message)
    for (const issue of body.issues ?? []) t.notMatch(issue.message, ENGLISH, issue.message)
  }
  t.match(refusals[0]!.json().message, /Số điểm phải là số/)
  t.match(refusals[1]!.json().message, /Số điểm phải ≤ 1\.000\.000\.000/)
  t.match(refusals[1]!.json().message, /Lý do bắt buộc, chưa có giá trị/)
  t.match(refusals[2]!.json().message, /Số ngày chờ phải ≥ 0/)
  t.match(refusals[3]!.json().message, /^Dữ liệu không hợp lệ: .*tham số › limit phải là số/)
})

t.test('numbers in messages are grouped the Vietnamese way', async (t) => {
  t.equal(new InsufficientPointsError(-998_811, 1_500).message, 'Không đủ điểm: có -998.811 điểm khả dụng, cần 1.500 điểm')
})

t.test('property: a points adjustment reads any non-zero integer in range as itself; others are refused in Vietnamese', async (t) => {
  fc.assert(fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }).filter((n) => n !== 0), (points) => {
    return parseVi(adjustmentSchema, { points, reason: 'Tặng' }).points === points
  }))
  fc.assert(fc.property(fc.oneof(
    fc.integer({ min: 1_000_000_001 }), fc.integer({ max: -1_000_000_001 }), fc.constant(0),
    fc.double({ noInteger: true }), fc.string(), fc.constant(null),
  ), (points) => {
    try {
      parseVi(adjustmentSchema, { points, reason: 'Tặng' })
      return false
    } catch (err) {
      const message = (err as Error).message
      return /^Dữ liệu không hợp lệ: .*Số điểm/.test(message) && !ENGLISH.test(message)
    }
  }))
})

t.test('property: loyalty settings read any allowed integer as itself; others are refused in Vietnamese', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.integer({ min: 0, max: 365 }), (vndPerPoint, pendingDays) => {
    const read = parseVi(loyaltySettingsSchema, { ...DEFAULT_SETTINGS, pendingDays, earning: { ...DEFAULT_SETTINGS.earning, vndPerPoint } })
    return read.earning.vndPerPoint === vndPerPoint && read.pendingDays === pendingDays
  }))
  fc.assert(fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 366 }), fc.double({ noInteger: true }), fc.string()), (pendingDays) => {
    try {
      parseVi(loyaltySettingsSchema, { ...DEFAULT_SETTINGS, pendingDays })
      return false
    } catch (err) {
      const message = (err as Error).message
      return message.includes('Số ngày chờ') && !ENGLISH.test(message)
    }
  }))
})
