// Audiences hold customers, not only members: a group mixing both and the built-in "chưa đăng ký" filter reach the
// non-members who have an address and consent; the estimate, the snapshot, the sending and the skips agree.
import { and, eq, inArray } from 'drizzle-orm'
import t from 'tap'
import { customers } from '../../db/schema/index.ts'
import { authHeaders, build } from '../helper.ts'
import { seedCustomers } from '../segments/seed.ts'
import { createCampaign, seedMembers, smtpPeer, useSmtp, useSms, vietGuysPeer } from './helpers.ts'

t.test('campaign audiences with customers who are not members', async (t) => {
  const smtp = await smtpPeer(t)
  const vg = await vietGuysPeer(t)
  // 10:00 in Hồ Chí Minh City: inside the SMS window.
  const now = new Date('2026-12-04T03:00:00Z')
  const { app, shopId } = await build(t, { clock: () => now, env: { VIETGUYS_API_URL: vg.url } })
  const headers = await authHeaders(app)
  await useSmtp(app, headers, smtp.port)
  await useSms(app, headers)
  await seedMembers(app, shopId, [
    { id: 1, name: 'Nguyễn Thị Lan', email: 'lan@example.vn', phone: '0912345678', tags: ['vip'], member: { pointsAvailable: 1200 } },
    { id: 2, name: 'Trần Văn Bình', email: 'binh@example.vn', member: { pointsAvailable: 5 } },
  ], [1, 2])
  await seedCustomers(app.db, shopId, [
    { id: 21, name: 'Lê Văn An', email: 'an@example.vn', phone: '0987654321', tags: ['vip'] },
    { id: 22, name: 'Phạm Gia Bảo', email: 'bao@example.vn', tags: ['vip'] },
    { id: 23, name: 'Đỗ Thị Cúc', tags: ['vip'] },
  ])
  await app.db.update(customers).set({ acceptsMarketing: true }).where(and(eq(customers.shopId, shopId), inArray(customers.id, [21, 23])))
  const engine = app.campaigns.engine
  const group = await app.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'Khách VIP', definition: { match: 'all', conditions: [{ field: 'tags', op: 'contains', value: 'vip' }] } } })
  t.equal(group.statusCode, 201, group.body)
  const segmentId = group.json().id as string

  t.test('a group of members and non-members: counted, snapshotted and sent alike, member-only variables empty for the others', async (t) => {
    const { id } = await createCampaign(app, headers, {
      name: 'Tin cho nhóm VIP',
      type: 'announcement',
      channels: ['email', 'sms'],
      audience: { segmentId },
      email: { subject: '{{ten}} ơi, tin mới', html: '<p>Chào {{ten}}, bạn có {{diem}} điểm, hạng {{hang}}.</p>' },
      sms: { text: 'Chao {{ten}}, tin moi tu cua hang' },
    })
    const est = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/estimate`, headers })).json()
    t.equal(est.audience, 4, 'the group as the Khách hàng page counts it: one member and three customers who are not')
    t.equal(est.nonMembers, 3)
    t.same(est.memberOnlyVariables, ['diem', 'hang'], 'the confirm step is told which variables do not apply to them')
    t.match(est.email, { withContact: 3, eligible: 2, capped: 0, messages: 2 })
    t.match(est.sms, { withContact: 2, eligible: 2, capped: 0, messages: 2 })
    const start = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.equal(start.statusCode, 202, start.body)
    t.equal(start.json().stats.recipients, 4, 'the snapshot holds the same four')
    t.same(await engine.run(shopId, id), { state: 'finished' })
    const mails = smtp.mails.filter(m => m.subject.endsWith('ơi, tin mới'))
    t.same(mails.map(m => m.to[0]).sort(), ['an@example.vn', 'lan@example.vn'], 'as many mails as the estimate said')
    t.match(mails.find(m => m.to[0] === 'an@example.vn')?.body, 'Chào An, bạn có 0 điểm, hạng .', 'a non-member: 0 points, no tier')
    t.match(mails.find(m => m.to[0] === 'lan@example.vn')?.body, 'Chào Lan, bạn có 1.200 điểm, hạng')
    t.same(vg.sent.map(s => s.phone).sort(), ['84912345678', '84987654321'], 'as many SMS as the estimate said')
    const stats = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json().stats
    t.match(stats, { recipients: 4, sent: 4, failed: 0, skipped: 4 })
    t.same(stats.skippedByReason, { no_consent: 1, no_contact: 3 }, 'nobody left out silently: Bảo has no consent, Bảo has no phone, Cúc has no address at all')
  })

  t.test('the built-in "chưa đăng ký" filter reaches the customers who are not members', async (t) => {
    const { id } = await createCampaign(app, headers, {
      name: 'Mời đăng ký thành viên',
      type: 'announcement',
      channels: ['email'],
      audience: { filter: 'not_registered' },
      email: { subject: 'Mời {{ten}} đăng ký thành viên', html: '<p>Đăng ký để tích điểm tại {{ten_cua_hang}}.</p>' },
    })
    const est = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/estimate`, headers })).json()
    t.match(est, { audience: 3, nonMembers: 3, memberOnlyVariables: [], email: { withContact: 2, eligible: 1, messages: 1 } })
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.same(await engine.run(shopId, id), { state: 'finished' })
    t.same(smtp.mails.filter(m => m.subject.endsWith('đăng ký thành viên')).map(m => m.to[0]), ['an@example.vn'])
    const stats = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json().stats
    t.match(stats, { recipients: 3, sent: 1, skipped: 2 })
    t.same(stats.skippedByReason, { no_consent: 1, no_contact: 1 })
  })

  t.test('an automatic kind goes to members only, and its estimate says how many of the audience that leaves out', async (t) => {
    const { id } = await createCampaign(app, headers, {
      name: 'Gợi nhớ nhóm VIP',
      type: 'reminder',
      channels: ['email'],
      audience: { segmentId },
      email: { subject: 'Nhớ {{ten}}', html: '<p>Lâu rồi chưa gặp.</p>' },
      trigger: { afterDays: 30 },
    })
    const est = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/estimate`, headers })).json()
    t.match(est, { audience: 4, nonMembers: 3, memberOnlyVariables: [], email: { withContact: 1, eligible: 1, messages: 1 } })
  })
})
