// Dữ liệu đầu kỳ: after the apply, DTTichLuy (+ what was paid since) is the member's Tổng chi tiêu everywhere; undo puts it back.
import t from 'tap'
import { orders } from '../../db/schema/index.ts'
import type { App } from '../../server/app.ts'
import { applyImport } from '../../server/imports/apply.ts'
import { undoImport } from '../../server/imports/undo.ts'
import { authHeaders, build } from '../helper.ts'
import { seedCustomers, upload } from './helpers.ts'

const HOUR = 3_600_000

async function get (app: App, shopId: string, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: await authHeaders(app, shopId) })
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res
}

async function figures (app: App, shopId: string) {
  const profile = async (id: number) => (await get(app, shopId, `/api/members/${id}`)).json().membership
  const list = (await get(app, shopId, '/api/members?limit=100')).json().items as Array<{ customerId: number, totalSpent: number, ordersCount: number }>
  const csv = (await get(app, shopId, '/api/members/export.csv')).body
  const spentAtLeast = async (value: number) => (await app.inject({
    method: 'POST',
    url: '/api/segments/preview',
    headers: await authHeaders(app, shopId),
    payload: { definition: { match: 'all', conditions: [{ field: 'totalSpent', op: 'gte', value }] } },
  })).json().count
  return {
    profile101: await profile(101),
    profile102: await profile(102),
    profile103: await profile(103),
    listed: Object.fromEntries(list.map((i) => [i.customerId, [i.totalSpent, i.ordersCount]])),
    csv,
    atLeast2M: await spentAtLeast(2_000_000),
  }
}

t.test('an opening import shows DTTichLuy as Tổng chi tiêu in the list, the profile, the CSV and a group; undo puts them back', async (t) => {
  const start = new Date('2026-05-01T03:00:00Z')
  let now = start
  const { app, shopId } = await build(t, { clock: () => now })
  await seedCustomers(app, shopId)
  const order = (id: number, customerId: number, totalPrice: number, at: Date) =>
    ({ shopId, id, name: `#${id}`, customerId, totalPrice, financialStatus: 'paid', haravanCreatedAt: at })
  // 102 is a member with an order paid before the import; 101 becomes one through the import.
  await app.db.insert(orders).values(order(9001, 102, 400_000, new Date(start.getTime() - 48 * HOUR)))
  t.equal((await app.inject({ method: 'POST', url: '/api/members/102/activate', headers: await authHeaders(app, shopId) })).statusCode, 200)
  // 103 is a member without orders.
  t.equal((await app.inject({ method: 'POST', url: '/api/members/103/activate', headers: await authHeaders(app, shopId) })).statusCode, 200)
  t.match((await get(app, shopId, '/api/members/102')).json().membership, { totalSpent: 400_000, ordersCount: 1 }, 'before: the order')

  const file = Buffer.from('HoTen;DienThoai;Email;DTDauKy;DTTichLuy\r\nNguyễn Văn An;0912345678;;1.000.000;3.000.000\r\nTrần Thị Bình;0987654321;;500.000;2.000.000\r\nLê Văn Cường;0383456789;;0;1.000.000\r\n')
  const { id } = (await upload(app, shopId, file)).json()
  t.equal((await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app, shopId) })).statusCode, 202)
  // 101 pays an order after the confirm, before the apply job runs: it counts on top of DTTichLuy.
  now = new Date(start.getTime() + HOUR)
  await app.db.insert(orders).values(order(9002, 101, 500_000, now))
  now = new Date(start.getTime() + 2 * HOUR)
  t.match(await applyImport(app.db, shopId, id, { now: () => now }), { status: 'done' })

  const after = await figures(app, shopId)
  t.match(after.profile101, { totalSpent: 3_500_000, ordersCount: 1 }, 'profile: DTTichLuy + the order paid since')
  t.match(after.profile102, { totalSpent: 2_000_000, ordersCount: 1 }, 'profile: DTTichLuy replaces the spend before the import')
  t.match(after.profile103, { totalSpent: 1_000_000, ordersCount: 0 }, 'profile: a member without orders')
  t.same([after.listed[101], after.listed[102]], [[3_500_000, 1], [2_000_000, 1]], 'member list')
  t.match(after.csv, /3500000/, 'CSV export: 101')
  t.match(after.csv, /2000000/, 'CSV export: 102')
  t.equal(after.atLeast2M, 2, 'group "Tổng chi tiêu ≥ 2.000.000"')

  t.equal((await app.inject({ method: 'POST', url: `/api/imports/${id}/undo`, headers: await authHeaders(app, shopId) })).statusCode, 202)
  now = new Date(start.getTime() + 3 * HOUR)
  t.match(await undoImport(app.db, shopId, id, { now: () => now }), { status: 'undone' })
  const undone = await figures(app, shopId)
  t.match(undone.profile101, { totalSpent: 500_000, ordersCount: 1 }, 'undo: the orders alone')
  t.match(undone.profile102, { totalSpent: 400_000, ordersCount: 1 }, 'undo: the spend before the import is back')
  t.match(undone.profile103, { totalSpent: 0, ordersCount: 0 }, 'undo: a member without orders')
  t.same([undone.listed[101], undone.listed[102]], [[500_000, 1], [400_000, 1]], 'member list after undo')
  t.notMatch(undone.csv, /3500000|2000000/, 'CSV export after undo')
  t.equal(undone.atLeast2M, 0, 'group after undo')
})
