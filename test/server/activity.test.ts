// Nhật ký hoạt động: each item says who acted (merchant, Haravan, the app) and what its subject is called, in one query.
import t from 'tap'
import { customers, imports, segments } from '../../db/schema/index.ts'
import { logActivity } from '../../server/activity.ts'
import { authHeaders, build } from '../helper.ts'

const IMPORT_ID = '0b5d2a8e-3c1f-4e8a-9d7b-1f2e3d4c5b6a'
const SEGMENT_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7'
const GONE_SEGMENT = '16fd2706-8baf-433b-82eb-8c7fada847da'

t.test('items carry actorKind and subjectLabel (member, import, group, deleted group, none)', async (t) => {
  const { app, shopId } = await build(t)
  await app.db.insert(customers).values({ shopId, id: 501, fullName: 'Nguyễn Thị Mai', phone: '0912345678', phoneE164: '+84912345678', searchText: 'nguyen thi mai' })
  await app.db.insert(imports).values({ shopId, id: IMPORT_ID, kind: 'opening_balance', status: 'done', fileName: 'khach-hang-2025.csv', createdBy: 'user-1' } as typeof imports.$inferInsert)
  await app.db.insert(segments).values({ shopId, id: SEGMENT_ID, name: 'Khách VIP', definition: { match: 'all', conditions: [] } })
  const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 3, minute))
  await logActivity(app.db, shopId, { actor: 'user-1', action: 'member.activated', subject: '501', details: { source: 'manual' } }, at(1))
  await logActivity(app.db, shopId, { actor: 'system', action: 'reward.issued', subject: '501' }, at(2))
  await logActivity(app.db, shopId, { actor: 'user-1', action: 'import.opening_balance.applied', subject: IMPORT_ID }, at(3))
  await logActivity(app.db, shopId, { actor: 'user-1', action: 'segment.updated', subject: SEGMENT_ID, details: { name: 'Khách VIP', previousName: 'VIP' } }, at(4))
  await logActivity(app.db, shopId, { actor: 'user-1', action: 'segment.deleted', subject: GONE_SEGMENT, details: { name: 'Nhóm cũ' } }, at(5))
  await logActivity(app.db, shopId, { actor: 'haravan', action: 'app.uninstalled' }, at(6))
  await logActivity(app.db, shopId, { actor: 'user-1', action: 'member.activated', subject: '999' }, at(7))
  await logActivity(app.db, shopId, { actor: 'user-1', action: 'import.point_adjustment.applied', subject: 'not-a-uuid' }, at(8))
  await logActivity(app.db, '2000000002', { actor: 'user-1', action: 'member.activated', subject: '501' }, at(9))

  const headers = await authHeaders(app, shopId)
  const res = await app.inject({ url: '/api/activity', headers })
  t.equal(res.statusCode, 200)
  const { items, total } = res.json()
  t.equal(total, 8)
  t.same(items.map((i: { action: string, actorKind: string, subjectLabel: string | null }) => [i.action, i.actorKind, i.subjectLabel]), [
    ['import.point_adjustment.applied', 'merchant', null],
    ['member.activated', 'merchant', null],
    ['app.uninstalled', 'haravan', null],
    ['segment.deleted', 'merchant', 'Nhóm cũ'],
    ['segment.updated', 'merchant', 'Khách VIP'],
    ['import.opening_balance.applied', 'merchant', 'khach-hang-2025.csv'],
    ['reward.issued', 'system', 'Nguyễn Thị Mai'],
    ['member.activated', 'merchant', 'Nguyễn Thị Mai'],
  ])
  t.match(items[7], { actor: 'user-1', subject: '501', details: { source: 'manual' }, createdAt: at(1).toISOString() }, 'codes, subject and details kept')

  const kind = async (k: string) => (await app.inject({ url: `/api/activity?actorKind=${k}`, headers })).json()
  t.same((await kind('haravan')).items.map((i: { action: string }) => i.action), ['app.uninstalled'])
  t.equal((await kind('system')).total, 1)
  t.equal((await kind('merchant')).total, 6)
  t.equal((await app.inject({ url: '/api/activity?actorKind=robot', headers })).statusCode, 400)
  t.equal((await app.inject({ url: '/api/activity?action=import.&limit=1&page=2', headers })).json().items[0].subjectLabel, 'khach-hang-2025.csv')
})
