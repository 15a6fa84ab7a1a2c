// Admin API of the loyalty engine: settings, tiers, member profile, history, activation and adjustments.
import t from 'tap'
import { authHeaders, build, installShop } from '../helper.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { addCustomer, putOrder } from './fixtures.ts'
import { convergeOrder } from '../../server/loyalty/order-points.ts'

t.test('settings: defaults, validation in Vietnamese, update with activity log', async t => {
  const { app } = await build(t)
  const headers = await authHeaders(app)
  const got = await app.inject({ method: 'GET', url: '/api/settings/loyalty', headers })
  t.equal(got.statusCode, 200)
  const settings = got.json()
  t.match(settings, { earning: { vndPerPoint: 10000, pointsPerStep: 1, rounding: 'floor', earnOn: 'paid', excludeShipping: true }, pendingDays: 0, expiry: { mode: 'never' }, autoActivate: true })

  const bad = await app.inject({ method: 'PUT', url: '/api/settings/loyalty', headers, payload: { ...settings, pendingDays: -1, earning: { ...settings.earning, vndPerPoint: 0 } } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /Số ngày chờ/)
  t.match(bad.json().message, /Số tiền cho mỗi bước/)
  t.ok(bad.json().issues.length >= 2)

  const next = { ...settings, pendingDays: 3, expiry: { mode: 'after_earning', months: 12 } }
  const put = await app.inject({ method: 'PUT', url: '/api/settings/loyalty', headers, payload: next })
  t.equal(put.statusCode, 200)
  t.match(put.json(), { pendingDays: 3, expiry: { mode: 'after_earning', months: 12 } })
  t.match((await app.inject({ method: 'GET', url: '/api/settings/loyalty', headers })).json(), { pendingDays: 3 })
  const log = await app.db.execute('select action, details from activity_log where action = \'settings.loyalty.updated\'' as never) as unknown
  const rows = Array.isArray(log) ? log : (log as { rows: unknown[] }).rows
  t.equal(rows.length, 1)
})

t.test('tiers: defaults, validation, replace and recompute', async t => {
  const { app, shopId } = await build(t)
  const headers = await authHeaders(app)
  const tiers = (await app.inject({ method: 'GET', url: '/api/tiers', headers })).json()
  t.same(tiers.map((x: { name: string }) => x.name), ['Thành viên', 'Bạc', 'Vàng', 'Kim cương'])

  const bad = await app.inject({ method: 'PUT', url: '/api/tiers', headers, payload: [{ name: 'A', threshold: 5, earnMultiplier: 1 }] })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /ngưỡng 0/)

  await addCustomer(app.db, shopId, 7)
  await putOrder(app.db, shopId, 70, { customerId: 7, totalPrice: 600_000, financialStatus: 'paid' })
  await app.db.transaction(async tx => convergeOrder(tx, shopId, 70, app.clock()))
  const put = await app.inject({
    method: 'PUT',
    url: '/api/tiers',
    headers,
    payload: [{ name: 'Đồng', threshold: 0, earnMultiplier: 1 }, { name: 'Bạc nhỏ', threshold: 500_000, earnMultiplier: 1.25 }],
  })
  t.equal(put.statusCode, 200)
  t.same(put.json().map((x: { id: string }) => x.id), ['dong', 'bac-nho'])
  const profile = (await app.inject({ method: 'GET', url: '/api/members/7', headers })).json()
  t.same(profile.membership.tier, { id: 'bac-nho', name: 'Bạc nhỏ' })
})

t.test('member profile, history, adjustments, activation; other shop → 404', async t => {
  const { app, shopId } = await build(t)
  const headers = await authHeaders(app)
  await installShop(app, '1000000002', 'Shop khác')
  await addCustomer(app.db, shopId, 1, { birthday: '1990-05-01', gender: 'female', province: 'Hà Nội' })
  await addCustomer(app.db, '1000000002', 2)
  await putOrder(app.db, shopId, 100, { customerId: 1, totalPrice: 250_000, financialStatus: 'paid' })
  await putOrder(app.db, shopId, 101, { customerId: 1, totalPrice: 150_000, financialStatus: 'paid' })

  t.equal((await app.inject({ method: 'GET', url: '/api/members/1', headers })).statusCode, 404, 'not a member yet')
  const act = await app.inject({ method: 'POST', url: '/api/members/1/activate', headers })
  t.equal(act.statusCode, 200)
  t.match(act.json(), {
    created: true,
    personal: { birthday: '1990-05-01', gender: 'female', province: 'Hà Nội' },
    membership: { pointsAvailable: 40, totalSpent: 400_000, ordersCount: 2, averageOrderValue: 200_000, activationSource: 'manual' },
    contact: { phone: '+84900000001', email: 'k1@example.vn' },
  })
  t.equal((await app.inject({ method: 'POST', url: '/api/members/1/activate', headers })).json().created, false)

  t.equal((await app.inject({ method: 'POST', url: '/api/members/2/activate', headers })).statusCode, 404, 'customer of another shop')
  t.equal((await app.inject({ method: 'GET', url: '/api/members/2', headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/api/members/2/points', headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/api/members/2/adjustments', headers, payload: { points: 5, reason: 'x' } })).statusCode, 404)

  for (const payload of [{ points: 0, reason: 'x' }, { points: 1.5, reason: 'x' }, { points: 5, reason: '  ' }, { points: 5 }]) {
    const res = await app.inject({ method: 'POST', url: '/api/members/1/adjustments', headers, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.json().message, /Số điểm|Lý do/)
  }
  const adj = await app.inject({ method: 'POST', url: '/api/members/1/adjustments', headers: { ...headers, 'idempotency-key': 'k1' }, payload: { points: -60, reason: 'Thu hồi điểm tặng nhầm' } })
  t.equal(adj.statusCode, 201)
  t.equal(adj.json().membership.pointsAvailable, -20, 'a clawback may leave a debt')
  const again = await app.inject({ method: 'POST', url: '/api/members/1/adjustments', headers: { ...headers, 'idempotency-key': 'k1' }, payload: { points: -60, reason: 'Thu hồi điểm tặng nhầm' } })
  t.equal(again.json().created, false)
  t.equal(again.json().membership.pointsAvailable, -20)

  const history = (await app.inject({ method: 'GET', url: '/api/members/1/points?limit=2', headers })).json()
  t.equal(history.total, 3)
  t.equal(history.items.length, 2)
  t.match(history.items[0], { kind: 'adjust', points: -60, reason: 'Thu hồi điểm tặng nhầm', source: 'adjustment', actor: 'user-1' })
  t.match((await app.inject({ method: 'GET', url: '/api/members/1/points?page=2&limit=2', headers })).json().items, [{ kind: 'earn', source: 'order', sourceId: '100' }])
  t.equal((await app.inject({ method: 'GET', url: '/api/members/1/points?limit=1000', headers })).statusCode, 400)
  t.same((await verifyLedger(app.db)).problems, [])
})
