// Nhóm khách hàng: CRUD with unique names, 400 naming bad fields, live membership, preview, activity log.
import t from 'tap'
import { and, eq } from 'drizzle-orm'
import { members } from '../../db/schema/index.ts'
import { authHeaders, build } from '../helper.ts'
import { seedCustomers } from './seed.ts'

const NOW = new Date('2025-10-15T03:00:00Z')
const BIG_OCTOBER = { match: 'all', conditions: [{ field: 'birthdayMonth', op: 'eq', value: 10 }, { field: 'totalSpent', op: 'gte', value: 5_000_000 }] }

t.test('groups: create, list with counts, preview, overwrite, delete, activity', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  await seedCustomers(app.db, shopId, [
    { id: 1, name: 'An', birthday: '1990-10-05', member: { totalSpent: 6_000_000, ordersCount: 2 } },
    { id: 2, name: 'Bình', birthday: '1991-10-20', member: { totalSpent: 4_000_000, ordersCount: 1 } },
    { id: 3, name: 'Chi', birthday: '1992-10-01', haravanTotalSpent: 8_000_000, haravanOrdersCount: 4 },
    { id: 4, name: 'Dũng', birthday: '1993-09-01', member: { totalSpent: 9_000_000 } },
  ])

  const preview = await app.inject({ method: 'POST', url: '/api/segments/preview', headers, payload: { definition: BIG_OCTOBER } })
  t.same(preview.json(), { count: 2 })

  const created = await app.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'Sinh tháng 10, mua từ 5 triệu', definition: BIG_OCTOBER } })
  t.equal(created.statusCode, 201)
  const group = created.json()
  t.match(group, { name: 'Sinh tháng 10, mua từ 5 triệu', count: 2 })

  const dup = await app.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'Sinh tháng 10, mua từ 5 triệu', definition: BIG_OCTOBER } })
  t.equal(dup.statusCode, 409)
  t.match(dup.json().message, /đã tồn tại/)

  const listed = (await app.inject({ url: '/api/segments', headers })).json()
  t.same(listed.items.map((s: { name: string, count: number }) => [s.name, s.count]), [['Sinh tháng 10, mua từ 5 triệu', 2]])

  const ids = async () => (await app.inject({ url: `/api/customers?segment=${group.id}`, headers })).json().items.map((i: { customerId: number }) => i.customerId).sort()
  t.same(await ids(), [1, 3])
  const viaAlias = (await app.inject({ url: `/api/segments/${group.id}/members`, headers })).json()
  t.equal(viaAlias.total, 2)
  t.same((await app.inject({ url: `/api/members?segment=${group.id}`, headers })).json().items.map((i: { customerId: number }) => i.customerId), [1])

  // A new paid order lifts Bình over 5,000,000: the group is live, so Bình is in now.
  await app.db.update(members).set({ totalSpent: 5_500_000, ordersCount: 2 }).where(and(eq(members.shopId, shopId), eq(members.customerId, 2)))
  t.same(await ids(), [1, 2, 3])

  const other = await app.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'Khác', definition: { match: 'any', conditions: [] } } })
  const renameClash = await app.inject({ method: 'PUT', url: `/api/segments/${other.json().id}`, headers, payload: { name: 'Sinh tháng 10, mua từ 5 triệu', definition: BIG_OCTOBER } })
  t.equal(renameClash.statusCode, 409)

  const overwritten = await app.inject({ method: 'PUT', url: `/api/segments/${group.id}`, headers, payload: { name: 'Sinh tháng 9', definition: { match: 'all', conditions: [{ field: 'birthdayMonth', op: 'in', value: [9] }] } } })
  t.equal(overwritten.statusCode, 200)
  t.match(overwritten.json(), { name: 'Sinh tháng 9', count: 1 })

  t.equal((await app.inject({ method: 'DELETE', url: `/api/segments/${group.id}`, headers })).statusCode, 204)
  t.equal((await app.inject({ url: `/api/segments/${group.id}/members`, headers })).statusCode, 404)

  const log = (await app.inject({ url: '/api/activity?action=segment.', headers })).json()
  t.same(log.items.map((i: { action: string }) => i.action).sort(), ['segment.created', 'segment.created', 'segment.deleted', 'segment.updated'])
  t.equal(log.total, 4)
})

t.test('a bad definition is a 400 naming the field or operator', async (t) => {
  const { app } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  const field = await app.inject({ method: 'POST', url: '/api/segments/preview', headers, payload: { definition: { match: 'all', conditions: [{ field: 'shoeSize', op: 'eq', value: 42 }] } } })
  t.equal(field.statusCode, 400)
  t.match(field.json().message, /shoeSize/)
  const op = await app.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'x', definition: { match: 'all', conditions: [{ field: 'ordersCount', op: 'between', value: 1 }] } } })
  t.equal(op.statusCode, 400)
  t.match(op.json().message, /between/)
})

t.test('activity log: filters, pagination, newest first', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  const { logActivity } = await import('../../server/activity.ts')
  for (let i = 0; i < 5; i++) {
    await logActivity(app.db, shopId, { actor: i % 2 ? 'user-1' : 'system', action: i < 3 ? 'settings.loyalty.updated' : 'member.activated', subject: String(i) }, new Date(Date.UTC(2025, 9, 10 + i)))
  }
  await logActivity(app.db, '2000000002', { actor: 'user-1', action: 'member.activated' }, NOW)
  const all = (await app.inject({ url: '/api/activity?limit=2', headers })).json()
  t.equal(all.total, 5)
  t.same(all.items.map((i: { subject: string }) => i.subject), ['4', '3'])
  t.equal((await app.inject({ url: '/api/activity?action=settings', headers })).json().total, 3)
  t.equal((await app.inject({ url: '/api/activity?actor=user-1', headers })).json().total, 2)
  const range = (await app.inject({ url: '/api/activity?from=2025-10-11T00:00:00Z&to=2025-10-13T00:00:00Z', headers })).json()
  t.same(range.items.map((i: { subject: string }) => i.subject), ['2', '1'])
})
