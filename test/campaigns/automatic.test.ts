// The automatic kinds end to end: thank-you once per order under redelivery (nothing for an order cancelled within the
// delay), birthday once per member per year (N days ahead, the shop's day), reminder once per lapse; the SMS window.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { tick } from '../../server/campaigns/jobs.ts'
import { authHeaders, build } from '../helper.ts'
import { deliver, fixture } from '../webhooks/helpers.ts'
import { createCampaign, seedMembers, smtpPeer, useSmtp, useSms, vietGuysPeer } from './helpers.ts'

const ORDER_CUSTOMER = 1037889951

t.test('automatic campaigns', async (t) => {
  const smtp = await smtpPeer(t)
  const vg = await vietGuysPeer(t)
  // 10:00 in Hồ Chí Minh City on 4 December 2026; tests move it forward.
  let now = new Date('2026-12-04T03:00:00Z')
  const { app, shopId } = await build(t, { clock: () => now, env: { VIETGUYS_API_URL: vg.url } })
  const headers = await authHeaders(app)
  await useSmtp(app, headers, smtp.port)
  await useSms(app, headers)
  const engine = app.campaigns.engine
  const deps = app.campaigns.deps
  const step = async (id: string) => { await tick(deps, { shopId, campaignId: id }); return engine.run(shopId, id) }
  await seedMembers(app, shopId, [
    { id: ORDER_CUSTOMER, name: 'Nguyễn Thị Lan', email: 'lan.nguyen@example.vn', phone: '0912345678' },
    { id: 11, name: 'Sinh Nhật Hôm Nay', email: 'a@example.vn', birthday: '1990-12-04' },
    { id: 12, name: 'Sinh Nhật Ba Ngày Nữa', email: 'b@example.vn', birthday: '1985-12-07' },
    { id: 13, name: 'Mua Ba Mươi Ngày Trước', email: 'c@example.vn', member: { lastOrderAt: new Date('2026-11-04T05:00:00Z') } },
    { id: 14, name: 'Mua Hôm Qua', email: 'd@example.vn', member: { lastOrderAt: new Date('2026-12-03T05:00:00Z') } },
  ], [11, 12, 13, 14])

  t.test('thank-you: once per order however often Haravan delivers it; a cancelled order gets nothing', async (t) => {
    const { id } = await createCampaign(app, headers, {
      name: 'Cảm ơn',
      type: 'thank_you',
      channels: ['email'],
      audience: { all: true },
      trigger: { delayHours: 2, on: 'paid' },
      email: { subject: 'Cảm ơn {{ten}}', html: '<p>Cảm ơn bạn đã mua hàng tại {{ten_cua_hang}}.</p>' },
    })
    const start = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.equal(start.json().status, 'active')
    const paid = { ...fixture('order-paid.json'), created_at: now.toISOString(), updated_at: now.toISOString() }
    for (let i = 0; i < 3; i++) t.equal((await deliver(app, { topic: 'orders/paid', body: paid })).statusCode, 200)
    await deliver(app, { topic: 'orders/updated', body: { ...paid, updated_at: new Date(now.getTime() + 1000).toISOString(), note: 'đã sửa' } })
    const cancelMe = { ...paid, id: 1138637100, name: '#1100', updated_at: now.toISOString() }
    await deliver(app, { topic: 'orders/paid', body: cancelMe })
    await app.orderBatcher.drain()
    t.same(await step(id), { state: 'idle' }, 'nothing is due before the delay')
    t.equal(smtp.mails.filter(m => m.subject.startsWith('Cảm ơn')).length, 0)
    now = new Date(now.getTime() + 3600_000)
    await deliver(app, { topic: 'orders/cancelled', body: { ...cancelMe, cancelled_at: now.toISOString(), financial_status: 'voided', updated_at: now.toISOString() } })
    await deliver(app, { topic: 'orders/paid', body: { ...paid, updated_at: now.toISOString() } })
    await app.orderBatcher.drain()
    now = new Date(now.getTime() + 2 * 3600_000)
    await step(id)
    await step(id)
    const thanks = smtp.mails.filter(m => m.subject.startsWith('Cảm ơn'))
    t.equal(thanks.length, 1, 'one thank-you for the paid order, none for the cancelled one')
    t.equal(thanks[0]?.subject, 'Cảm ơn Lan')
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.equal(view.status, 'active')
    t.equal(view.stats.recipients, 2, 'two orders seen')
    t.equal(view.stats.sent, 1)
    t.ok(view.lastSentAt, 'what it last sent is shown')

    // Haravan delivers an order late, stamped with an updated_at older than everything the campaign has seen.
    const late = { ...paid, id: 1138637200, name: '#1200', updated_at: new Date(now.getTime() - 2 * 86400_000).toISOString() }
    await deliver(app, { topic: 'orders/paid', body: late })
    await app.orderBatcher.drain()
    await step(id)
    now = new Date(now.getTime() + 3 * 3600_000)
    await step(id)
    await step(id)
    t.equal(smtp.mails.filter(m => m.subject.startsWith('Cảm ơn')).length, 2, 'an order delivered late with an old timestamp is thanked too')
  })

  t.test('birthday: today and N days ahead in the shop timezone, once per member per year', async (t) => {
    const today = await createCampaign(app, headers, {
      name: 'Sinh nhật',
      type: 'birthday',
      channels: ['email'],
      audience: { all: true },
      trigger: { daysBefore: 0 },
      email: { subject: 'Chúc mừng sinh nhật {{ten}}', html: '<p>{{ngay_sinh}}</p>' },
    })
    const ahead = await createCampaign(app, headers, {
      name: 'Sinh nhật sớm',
      type: 'birthday',
      channels: ['email'],
      audience: { all: true },
      trigger: { daysBefore: 3 },
      email: { subject: 'Sắp sinh nhật {{ten}}', html: '<p>{{ngay_sinh}}</p>' },
    })
    for (const c of [today, ahead]) await app.inject({ method: 'POST', url: `/api/campaigns/${c.id}/start`, headers, payload: {} })
    await step(today.id)
    await step(ahead.id)
    now = new Date(now.getTime() + 3600_000)
    await step(today.id)
    await step(ahead.id)
    t.same(smtp.mails.filter(m => m.subject.startsWith('Chúc mừng sinh nhật')).map(m => m.to[0]), ['a@example.vn'])
    t.same(smtp.mails.filter(m => m.subject.startsWith('Sắp sinh nhật')).map(m => m.to[0]), ['b@example.vn'])
  })

  t.test('reminder: members whose last purchase was N days ago, once per lapse', async (t) => {
    const { id } = await createCampaign(app, headers, {
      name: 'Gợi nhớ',
      type: 'reminder',
      channels: ['email'],
      audience: { all: true },
      trigger: { afterDays: 30 },
      email: { subject: 'Lâu rồi không gặp {{ten}}', html: '<p>Bạn có {{diem}} điểm.</p>' },
    })
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    await step(id)
    now = new Date(now.getTime() + 24 * 3600_000)
    await step(id)
    t.same(smtp.mails.filter(m => m.subject.startsWith('Lâu rồi')).map(m => m.to[0]), ['c@example.vn'])
  })

  t.test('advertising SMS wait for 07:00 in the shop timezone, then go with [QC] and the refusal line', async (t) => {
    now = new Date('2026-12-10T16:00:00Z') // 23:00 local
    const headers = await authHeaders(app)
    const { id } = await createCampaign(app, headers, { name: 'SMS', type: 'announcement', channels: ['sms'], audience: { all: true }, sms: { text: 'Chào {{ten}}, ưu đãi cuối tuần' } })
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.same(await engine.run(shopId, id), { state: 'finished' })
    t.equal(vg.sent.length, 0, 'Lan has a phone but never consented to advertising: skipped at once, not deferred')
    await app.db.execute(sql`update customers set accepts_marketing = true where shop_id = ${shopId} and id = ${ORDER_CUSTOMER}`)
    const again = await createCampaign(app, headers, { name: 'SMS 2', type: 'announcement', channels: ['sms'], audience: { all: true }, sms: { text: 'Chao {{ten}}, uu dai cuoi tuan' } })
    await app.inject({ method: 'POST', url: `/api/campaigns/${again.id}/start`, headers, payload: {} })
    t.same(await engine.run(shopId, again.id), { state: 'deferred', until: new Date('2026-12-11T00:00:00Z') }, 'deferred to 07:00 local')
    t.equal(vg.sent.length, 0)
    now = new Date('2026-12-11T00:30:00Z')
    t.same(await engine.run(shopId, again.id), { state: 'finished' })
    t.equal(vg.sent.length, 1)
    t.equal(vg.sent[0]?.phone, '84912345678')
    t.match(vg.sent[0]?.sms, /^\[QC\] Chao Lan, uu dai cuoi tuan Tu choi QC: http/, 'a template without diacritics keeps the name without them too')
    const est = (await app.inject({ method: 'GET', url: `/api/campaigns/${again.id}/estimate`, headers: await authHeaders(app) })).json()
    t.match(est.sms, { parts: 1, unicode: false, pricePerPart: 800 })
  })

  t.test('old orders written after a thank-you campaign is switched on (the install\'s backfill) are not thanked', async (t) => {
    const headers = await authHeaders(app)
    const { id } = await createCampaign(app, headers, {
      name: 'Cảm ơn từ hôm nay',
      type: 'thank_you',
      channels: ['email'],
      audience: { all: true },
      trigger: { delayHours: 0, on: 'paid' },
      email: { subject: 'Cảm ơn hôm nay {{ten}}', html: '<p>Cảm ơn.</p>' },
    })
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    now = new Date(now.getTime() + 60_000)
    // Placed a month ago, written now (a backfill or a reconciliation): paid long before the campaign existed.
    const old = { ...fixture('order-paid.json'), id: 1138637300, name: '#1300', updated_at: now.toISOString() }
    await deliver(app, { topic: 'orders/paid', body: old })
    await app.orderBatcher.drain()
    await step(id)
    t.equal(smtp.mails.filter(m => m.subject.startsWith('Cảm ơn hôm nay')).length, 0)
    t.equal((await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json().stats.recipients, 0)
    const fresh = { ...old, id: 1138637301, name: '#1301', created_at: now.toISOString() }
    await deliver(app, { topic: 'orders/paid', body: fresh })
    await app.orderBatcher.drain()
    await step(id)
    t.equal(smtp.mails.filter(m => m.subject.startsWith('Cảm ơn hôm nay')).length, 1, 'an order placed now is thanked')
  })
})
