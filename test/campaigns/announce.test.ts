// Announcements end to end against a real SMTP server: definition checks, consent, personalisation, exactly once,
// one-click unsubscribe honoured by the next campaign, the 3-per-24 h cap, pause and cancel.
import t from 'tap'
import { recordConsent } from '../../server/messaging/consent.ts'
import { runCampaign } from '../../server/campaigns/run.ts'
import { authHeaders, build } from '../helper.ts'
import { announcement, createCampaign, seedMembers, smtpPeer, useSmtp } from './helpers.ts'

t.test('announcement campaigns', async (t) => {
  const smtp = await smtpPeer(t)
  const { app, shopId } = await build(t)
  const headers = await authHeaders(app)
  await useSmtp(app, headers, smtp.port)
  await seedMembers(app, shopId, [
    { id: 1, name: 'Nguyễn Thị Lan', email: 'lan@example.vn', member: { pointsAvailable: 1200 } },
    { id: 2, name: 'Trần Văn Bình', email: 'binh@example.vn', member: { pointsAvailable: 5 } },
    { id: 3, name: 'Lê Minh <Châu>', email: 'chau@example.vn' },
    { id: 4, name: 'Phạm Thu Dung', email: 'dung@example.vn' },
    { id: 5, name: 'Hoàng Em', phone: '0912345678' },
    { id: 6, name: 'Không đồng ý', email: 'khong@example.vn' },
  ], [1, 2, 3, 4, 5])
  await recordConsent(app.db, shopId, 4, 'email', { state: 'refused', source: 'admin' }, new Date())
  const engine = app.campaigns.engine

  t.test('an unknown variable is a 400 naming it; content must match the channels', async (t) => {
    const bad = await app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: announcement({ email: { subject: 'Chào {{ten_khach}}', html: '<p>x</p>' } }) })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().message, /ten_khach/)
    const noSms = await app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: announcement({ channels: ['email', 'sms'] }) })
    t.equal(noSms.statusCode, 400)
    t.match(noSms.json().message, /sms/)
    const codeVar = await app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: announcement({ email: { subject: 'x', html: '{{ma_giam_gia}}' } }) })
    t.equal(codeVar.statusCode, 400, 'a code variable without a code')
    const promoNoCode = await app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { ...announcement(), type: 'promo' } })
    t.equal(promoNoCode.statusCode, 400)
    const trig = await app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { ...announcement(), type: 'birthday' } })
    t.equal(trig.statusCode, 400, 'an automatic kind needs its trigger')
  })

  t.test('a draft is edited, estimated and previewed for a member', async (t) => {
    const { id, status } = await createCampaign(app, headers, announcement())
    t.equal(status, 'draft')
    const put = await app.inject({ method: 'PUT', url: `/api/campaigns/${id}`, headers, payload: announcement({ name: 'Đổi tên' }) })
    t.equal(put.statusCode, 200, put.body)
    t.equal(put.json().name, 'Đổi tên')
    const est = await app.inject({ method: 'GET', url: `/api/campaigns/${id}/estimate`, headers })
    t.equal(est.statusCode, 200, est.body)
    t.same(est.json(), { audience: 6, nonMembers: 0, memberOnlyVariables: [], email: { withContact: 5, eligible: 3, capped: 0, messages: 3, perDay: 10_000, days: 1, etaAt: est.json().email.etaAt } })
    const preview = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/preview`, headers, payload: { customerId: 3 } })
    t.equal(preview.statusCode, 200, preview.body)
    t.equal(preview.json().email.subject, '<Châu> ơi, cửa hàng mới', 'the subject is not HTML-escaped')
    t.equal(preview.json().email.html, '<p>Chào Lê Minh &lt;Châu&gt;, bạn có 0 điểm.</p>', 'values are escaped in the HTML')
    const other = await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers: await authHeaders(app, '999') })
    t.equal(other.statusCode, 401, 'another (uninstalled) shop cannot see it')
  })

  t.test('a test send reaches the merchant, rendered for a member', async (t) => {
    const { id } = await createCampaign(app, headers, announcement())
    const res = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/test`, headers, payload: { email: 'chu.shop@example.vn', customerId: 1 } })
    t.equal(res.statusCode, 200, res.body)
    const mail = smtp.mails.find(m => m.to[0] === 'chu.shop@example.vn')
    t.equal(mail?.subject, '[Gửi thử] Lan ơi, cửa hàng mới')
    t.equal((await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json().status, 'draft', 'a test does not start it')
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/cancel`, headers })
    smtp.mails.splice(smtp.mails.indexOf(mail!), 1)
  })

  t.test('sent once to those who consented, personalised, each skip with its reason', async (t) => {
    const { id } = await createCampaign(app, headers, announcement())
    const start = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.equal(start.statusCode, 202, start.body)
    t.equal(start.json().stats.recipients, 6, 'the audience is snapshotted at start')
    t.same(await engine.run(shopId, id), { state: 'finished' })
    const mine = smtp.mails.filter(m => m.subject.endsWith('ơi, cửa hàng mới'))
    t.same(mine.map(m => m.to[0]).sort(), ['binh@example.vn', 'chau@example.vn', 'lan@example.vn'])
    const lan = mine.find(m => m.to[0] === 'lan@example.vn')!
    t.equal(lan.subject, 'Lan ơi, cửa hàng mới')
    t.match(lan.body, 'Chào Nguyễn Thị Lan, bạn có 1.200 điểm.')
    t.match(lan.headers, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.equal(view.status, 'sent')
    t.match(view.stats, { recipients: 6, sent: 3, skipped: 3, failed: 0, unknown: 0, skippedByReason: { refused: 1, no_contact: 1, no_consent: 1 } })
    const skipped = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/messages?status=skipped`, headers })).json()
    t.equal(skipped.total, 3)
    t.same(skipped.items.map((m: { customerId: number }) => m.customerId).sort(), [4, 5, 6])
    t.same(await engine.run(shopId, id), { state: 'stopped' }, 'a finished campaign sends nothing more')
    t.equal(smtp.mails.filter(m => m.subject.endsWith('ơi, cửa hàng mới')).length, 3)
    const member = (await app.inject({ method: 'GET', url: '/api/members/1/messages', headers })).json()
    t.ok(member.items.some((m: { sourceId: string, status: string }) => m.sourceId === id && m.status === 'sent'), 'the member profile lists it')
  })

  t.test('one-click unsubscribe in a mail is honoured by the next campaign', async (t) => {
    const lan = smtp.mails.find(m => m.to[0] === 'lan@example.vn')!
    const url = /List-Unsubscribe: <([^>]+)>/.exec(lan.headers)![1]!
    const post = await app.inject({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
    t.ok(post.statusCode < 300, `one-click POST answered ${post.statusCode}`)
    const { id } = await createCampaign(app, headers, announcement({ email: { subject: 'Lần hai {{ten}}', html: '<p>x</p>' } }))
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    await engine.run(shopId, id)
    t.same(smtp.mails.filter(m => m.subject.startsWith('Lần hai')).map(m => m.to[0]).sort(), ['binh@example.vn', 'chau@example.vn'])
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.equal(view.stats.skippedByReason.refused, 2)
  })

  t.test('at most 3 advertising emails per address per 24 h: the fourth campaign skips with the cap', async (t) => {
    // Bình has had 2 so far (the two campaigns above); two more campaigns: the first reaches 3, the second is capped.
    for (const n of [3, 4]) {
      const { id } = await createCampaign(app, headers, announcement({ audience: { all: true }, email: { subject: `Số ${n}`, html: '<p>x</p>' } }))
      await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
      await engine.run(shopId, id)
    }
    t.equal(smtp.mails.filter(m => m.to[0] === 'binh@example.vn').length, 3)
    const list = (await app.inject({ method: 'GET', url: '/api/campaigns', headers })).json()
    const fourth = list.items.find((c: { email: { subject: string } | null }) => c.email?.subject === 'Số 4')
    t.equal(fourth.stats.skippedByReason.recipient_cap, 2, 'Bình and Châu are capped')
  })

  t.test('batches in several lanes at once: every recipient mailed exactly once, and the campaign finishes', async (t) => {
    const ids = Array.from({ length: 61 }, (_, i) => 300 + i)
    await seedMembers(app, shopId, ids.map(id => ({ id, name: `Làn ${id}`, email: `lan${id}@example.vn` })), ids)
    const { id } = await createCampaign(app, headers, announcement({ audience: { all: true }, email: { subject: 'Nhiều làn', html: '<p>{{ho_ten}}</p>' } }))
    t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })).statusCode, 202)
    // Batches of 7 in 3 lanes: 61 and more recipients in uneven batches, the lanes' cursor shared.
    t.same(await runCampaign({ ...app.campaigns.deps, batchSize: 7, lanes: 3, concurrency: 2 }, shopId, id), { state: 'finished' })
    const to = smtp.mails.filter(m => m.subject === 'Nhiều làn').map(m => m.to[0]!)
    t.equal(new Set(to).size, to.length, 'nobody twice')
    t.ok(ids.every(i => to.includes(`lan${i}@example.vn`)), 'every consenting member once')
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.equal(view.status, 'sent')
    t.equal(view.stats.sent, to.length)
  })

  t.test('pause stops a campaign, resume finishes it, cancel leaves the rest unsent', async (t) => {
    await seedMembers(app, shopId, Array.from({ length: 30 }, (_, i) => ({ id: 100 + i, name: `Khách ${i}`, email: `k${i}@example.vn` })), Array.from({ length: 30 }, (_, i) => 100 + i))
    const a = await createCampaign(app, headers, announcement({ audience: { filter: 'registered' }, email: { subject: 'Tạm dừng', html: '<p>x</p>' } }))
    await app.inject({ method: 'POST', url: `/api/campaigns/${a.id}/start`, headers, payload: { sendAt: new Date(Date.now() + 3600_000).toISOString() } })
    t.equal((await app.inject({ method: 'GET', url: `/api/campaigns/${a.id}`, headers })).json().status, 'scheduled')
    t.same(await engine.run(shopId, a.id), { state: 'stopped' }, 'a scheduled campaign waits for its time')
    const paused = await app.inject({ method: 'POST', url: `/api/campaigns/${a.id}/pause`, headers })
    t.equal(paused.json().status, 'paused')
    const cancelled = await app.inject({ method: 'POST', url: `/api/campaigns/${a.id}/cancel`, headers })
    t.equal(cancelled.json().status, 'cancelled')
    t.same(await engine.run(shopId, a.id), { state: 'stopped' })
    t.equal(smtp.mails.filter(m => m.subject === 'Tạm dừng').length, 0)
    const edit = await app.inject({ method: 'PUT', url: `/api/campaigns/${a.id}`, headers, payload: announcement() })
    t.equal(edit.statusCode, 409, 'only a draft is edited')
  })
})
