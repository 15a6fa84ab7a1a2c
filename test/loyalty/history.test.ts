// Points history: order entries show the order's name and its date at Haravan (not when it was synced); others their own time.
import t from 'tap'
import { customers, orders } from '../../db/schema/index.ts'
import { authHeaders, build } from '../helper.ts'

t.test('GET /api/members/:id/points: orderName and occurredAt', async (t) => {
  const now = new Date('2026-05-10T08:00:00Z')
  const { app, shopId } = await build(t, { clock: () => now })
  await app.db.insert(customers).values({ shopId, id: 701, fullName: 'Trần Văn Bảo', phone: '0912345678', phoneE164: '+84912345678', searchText: 'tran van bao' })
  const orderedAt = new Date('2026-04-02T02:30:00Z')
  await app.db.insert(orders).values({
    shopId, id: 880001, name: '#100503', customerId: 701, totalPrice: 1_500_000, financialStatus: 'paid', haravanCreatedAt: orderedAt, syncedAt: now,
  })
  const headers = await authHeaders(app, shopId)
  t.equal((await app.inject({ method: 'POST', url: '/api/members/701/activate', headers })).statusCode, 200)
  const adjusted = await app.inject({ method: 'POST', url: '/api/members/701/adjustments', headers, payload: { points: 5, reason: 'Tặng điểm' } })
  t.equal(adjusted.statusCode, 201)

  const res = await app.inject({ url: '/api/members/701/points', headers })
  t.equal(res.statusCode, 200)
  const items = res.json().items as Array<Record<string, unknown>>
  const order = items.find((i) => i.source === 'order')
  const adjust = items.find((i) => i.source === 'adjustment')
  t.match(order, { sourceId: '880001', orderName: '#100503', occurredAt: orderedAt.toISOString(), createdAt: now.toISOString() })
  t.match(adjust, { orderName: null, occurredAt: now.toISOString(), points: 5, reason: 'Tặng điểm' })
})
