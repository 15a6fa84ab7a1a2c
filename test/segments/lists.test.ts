// GET /api/members and /api/customers: pagination, totals, sorting, search, saved filters, tenancy, bulk activation.
import t from 'tap'
import { and, eq } from 'drizzle-orm'
import { activityLog, members } from '../../db/schema/index.ts'
import { authHeaders, build, installShop } from '../helper.ts'
import { seedCustomers, type SeedCustomer } from './seed.ts'

const NOW = new Date('2025-10-15T03:00:00Z') // 10:00 in Hồ Chí Minh
const daysAgo = (n: number, hourUtc = 3) => new Date(Date.UTC(2025, 9, 15 - n, hourUtc))

const PEOPLE: SeedCustomer[] = [
  { id: 1, name: 'Mai', phone: '0912345678', member: { totalSpent: 9_000_000, ordersCount: 3, lastOrderAt: daysAgo(2), activatedAt: new Date('2025-01-03T00:00:00Z') } },
  { id: 2, name: 'Nguyễn Thị Mai', email: 'mai.nguyen@example.vn', member: { totalSpent: 1_000_000, ordersCount: 1, lastOrderAt: daysAgo(20), activatedAt: new Date('2025-01-02T00:00:00Z') } },
  { id: 3, name: 'Trần Văn Mãi', member: { totalSpent: 5_000_000, ordersCount: 5, lastOrderAt: daysAgo(45), activatedAt: new Date('2025-01-01T00:00:00Z') } },
  { id: 4, name: 'Lê Văn Bình', email: 'le.binh@gmail.com', member: { totalSpent: 3_000_000, ordersCount: 2, activatedAt: new Date('2025-01-04T00:00:00Z') } },
  { id: 5, name: 'Phạm Thu Hà', haravanTotalSpent: 7_000_000, haravanOrdersCount: 7, lastOrderAt: daysAgo(6) },
  { id: 6, name: 'Đỗ Đức Anh', haravanTotalSpent: 200_000, haravanOrdersCount: 1, lastOrderAt: daysAgo(31, 16) },
]

async function setup (t: Tap.Test) {
  const built = await build(t, { clock: () => NOW })
  await seedCustomers(built.app.db, built.shopId, PEOPLE)
  await installShop(built.app, '2000000002', 'Shop khác')
  await seedCustomers(built.app.db, '2000000002', [{ id: 1, name: 'Mai Shop Khác', member: { totalSpent: 1 } }, { id: 99, name: 'Mai 99' }])
  return { ...built, headers: await authHeaders(built.app) }
}
declare global { namespace Tap { type Test = import('tap').Test } }

t.test('members: pagination, total and sorting', async (t) => {
  const { app, headers } = await setup(t)
  const first = await app.inject({ url: '/api/members?limit=2&sort=totalSpent:desc', headers })
  t.equal(first.statusCode, 200)
  const body = first.json()
  t.equal(body.total, 4)
  t.same(body.items.map((i: { customerId: number }) => i.customerId), [1, 3])
  t.match(body.items[0], { name: 'Mai', phone: '0912 345 678', totalSpent: 9_000_000, ordersCount: 3, avgOrderValue: 3_000_000, isMember: true, memberSince: '2025-01-03T00:00:00.000Z' })
  const second = (await app.inject({ url: '/api/members?limit=2&page=2&sort=totalSpent:desc', headers })).json()
  t.same(second.items.map((i: { customerId: number }) => i.customerId), [4, 2])
  const byName = (await app.inject({ url: '/api/members?sort=name:asc', headers })).json()
  t.same(byName.items.map((i: { name: string }) => i.name), ['Lê Văn Bình', 'Mai', 'Nguyễn Thị Mai', 'Trần Văn Mãi'])
  const lastOrder = (await app.inject({ url: '/api/members?sort=lastOrderAt:desc', headers })).json()
  t.same(lastOrder.items.map((i: { customerId: number }) => i.customerId), [1, 2, 3, 4], 'never-bought last')
  t.equal((await app.inject({ url: '/api/members?limit=101', headers })).statusCode, 400)
  t.equal((await app.inject({ url: '/api/members?sort=password', headers })).statusCode, 400)
})

t.test('search is diacritic-insensitive and understands phone formats', async (t) => {
  const { app, headers } = await setup(t)
  const ids = async (url: string) => (await app.inject({ url, headers })).json().items.map((i: { customerId: number }) => i.customerId).sort()
  t.same(await ids('/api/members?q=mai'), [1, 2, 3], 'not Bình, whose address is @gmail.com')
  t.same(await ids('/api/members?q=M%C3%83I'), [1, 2, 3], 'MÃI')
  t.same(await ids('/api/members?q=' + encodeURIComponent('+84 912 345 678')), [1])
  t.same(await ids('/api/members?q=0912.345.678'), [1])
  t.same(await ids('/api/members?q=mai.nguyen%40example'), [2])
  t.same(await ids('/api/members?q=%40gmail.com'), [4], 'a query with @ searches the email addresses')
  t.same(await ids('/api/customers?q=' + encodeURIComponent('đỗ đức')), [6])
  t.same(await ids('/api/members?q=50%25'), [], 'a % is a character, not a wildcard')
})

t.test('saved filters use calendar days in the shop timezone', async (t) => {
  const { app, headers } = await setup(t)
  const ids = async (url: string) => (await app.inject({ url, headers })).json().items.map((i: { customerId: number }) => i.customerId).sort()
  t.same(await ids('/api/members?filter=last_7_days'), [1])
  t.same(await ids('/api/members?filter=last_30_days'), [1, 2])
  t.same(await ids('/api/members?filter=inactive_31_days'), [3])
  t.same(await ids('/api/customers?filter=last_7_days'), [1, 5])
  // id 6 bought at 16:00 UTC 31 days ago = 23:00 local that day: 31 calendar days, inactive.
  t.same(await ids('/api/customers?filter=inactive_31_days'), [3, 6])
  t.same(await ids('/api/customers?filter=registered'), [1, 2, 3, 4])
  t.same(await ids('/api/customers?filter=not_registered'), [5, 6])
  t.same(await ids('/api/customers?registered=false'), [5, 6])
  t.equal((await app.inject({ url: '/api/members?filter=bogus', headers })).statusCode, 400)
})

t.test("another shop's customers never appear; its segment id is 404", async (t) => {
  const { app, headers } = await setup(t)
  const all = (await app.inject({ url: '/api/customers?limit=100', headers })).json()
  t.equal(all.total, 6)
  t.notOk(all.items.some((i: { name: string }) => i.name.includes('Shop Khác') || i.name === 'Mai 99'))
  const other = await authHeaders(app, '2000000002')
  const created = await app.inject({ method: 'POST', url: '/api/segments', headers: other, payload: { name: 'Khách Mai', definition: { match: 'all', conditions: [{ field: 'text', op: 'contains', value: 'mai' }] } } })
  t.equal(created.statusCode, 201)
  t.equal(created.json().count, 2)
  const id = created.json().id
  t.equal((await app.inject({ url: `/api/members?segment=${id}`, headers })).statusCode, 404)
  t.equal((await app.inject({ url: `/api/segments/${id}/members`, headers })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: `/api/segments/${id}`, headers })).statusCode, 404)
  t.equal((await app.inject({ url: '/api/members?segment=not-a-uuid', headers })).statusCode, 404)
})

t.test('bulk activation: creates members, logs it, skips existing and unknown', async (t) => {
  const { app, headers, shopId } = await setup(t)
  const res = await app.inject({ method: 'POST', url: '/api/customers/activate', headers, payload: { customerIds: [5, 6, 1, 424242] } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { activated: [5, 6], alreadyMembers: [1], notFound: [424242] })
  const rows = await app.db.select().from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, 5)))
  t.equal(rows[0]?.activationSource, 'manual')
  const logs = await app.db.select().from(activityLog).where(and(eq(activityLog.shopId, shopId), eq(activityLog.action, 'member.activated')))
  t.equal(logs.length, 2)
  t.equal((await app.inject({ url: '/api/members', headers })).json().total, 6)
  t.equal((await app.inject({ method: 'POST', url: '/api/customers/activate', headers, payload: { customerIds: Array.from({ length: 501 }, (_, i) => i + 1) } })).statusCode, 400)
  // Another shop's customer id is not found here.
  t.same((await app.inject({ method: 'POST', url: '/api/customers/activate', headers, payload: { customerIds: [99] } })).json().notFound, [99])
})
