// The member profile's messaging side: consent per channel recorded by the admin (with a reason) and the messages list.
import t from 'tap'
import { authHeaders, build, installShop } from '../helper.ts'
import { haravanCustomer } from './helpers.ts'

const NOW = new Date('2026-12-01T03:00:00Z')

t.test('consents: shown per channel, recorded with a reason, scoped to the shop', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  await haravanCustomer(app.db, shopId, { id: 1001, acceptsMarketing: true }, NOW)
  const initial = await app.inject({ method: 'GET', url: '/api/members/1001/consents', headers })
  t.equal(initial.statusCode, 200)
  t.match(initial.json(), { email: { state: 'consented', source: 'haravan' }, sms: { state: 'consented', source: 'haravan' } })

  t.equal((await app.inject({ method: 'PUT', url: '/api/members/1001/consents/sms', headers, payload: { state: 'refused' } })).statusCode, 400, 'a reason is required')
  const refused = await app.inject({ method: 'PUT', url: '/api/members/1001/consents/sms', headers, payload: { state: 'refused', reason: 'Khách gọi điện yêu cầu' } })
  t.equal(refused.statusCode, 200)
  t.match(refused.json(), { sms: { state: 'refused', source: 'admin', reason: 'Khách gọi điện yêu cầu', changedAt: NOW.toISOString() }, email: { state: 'consented' } })
  const consented = await app.inject({ method: 'PUT', url: '/api/members/1001/consents/sms', headers, payload: { state: 'consented', reason: 'Khách đăng ký lại tại cửa hàng' } })
  t.match(consented.json(), { sms: { state: 'consented', source: 'admin' } })

  await installShop(app, '1000000002', 'Cửa hàng Khác')
  const other = await authHeaders(app, '1000000002')
  t.equal((await app.inject({ method: 'GET', url: '/api/members/1001/consents', headers: other })).statusCode, 404, 'another shop sees nothing')
  t.equal((await app.inject({ method: 'PUT', url: '/api/members/1001/consents/email', headers: other, payload: { state: 'refused', reason: 'x' } })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: '/api/members/1001/messages', headers: other })).statusCode, 404)
})

t.test('messages: a member\'s messages, newest first, paginated', async (t) => {
  let now = NOW
  const { app, shopId } = await build(t, { clock: () => now })
  const headers = await authHeaders(app)
  await haravanCustomer(app.db, shopId, { id: 1002, email: 'an@example.vn' }, NOW)
  for (let i = 1; i <= 3; i++) {
    now = new Date(NOW.getTime() + i * 60_000)
    const r = await app.messaging.send({ shopId, channel: 'email', kind: 'care', customerId: 1002, to: 'an@example.vn', source: { type: 'campaign', id: `c${i}` }, email: { subject: `Thư ${i}`, html: '<p>Chào</p>' } })
    t.match(r, { status: 'sent' }, 'sandbox: written to the outbox')
  }
  now = new Date(NOW.getTime() + 4 * 60_000)
  await app.messaging.send({ shopId, channel: 'sms', kind: 'care', customerId: 1002, to: '+84912345678', source: { type: 'campaign', id: 'c4' }, sms: { text: 'Chao' } })
  const page1 = (await app.inject({ method: 'GET', url: '/api/members/1002/messages?limit=2', headers })).json()
  t.equal(page1.total, 4)
  t.equal(page1.items.length, 2)
  t.match(page1.items[0], { channel: 'sms', status: 'skipped', reason: 'not_configured' }, 'newest first')
  t.match(page1.items[1], { channel: 'email', subject: 'Thư 3' })
  const page2 = (await app.inject({ method: 'GET', url: '/api/members/1002/messages?limit=2&page=2', headers })).json()
  t.equal(page2.items.length, 2)
  t.match(page2.items[0], { channel: 'email', status: 'sent', kind: 'care', sourceType: 'campaign', subject: 'Thư 2' })
  t.match(page2.items[1], { subject: 'Thư 1' })
})

t.test('claim once: a queued message found after a crash becomes unknown and is never claimed again', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const { claimMessage, settleInterrupted } = await import('../../server/messaging/log.ts')
  const m = { shopId, channel: 'email' as const, kind: 'advertising' as const, customerId: 1003, recipient: 'b@example.vn', sourceType: 'campaign', sourceId: 'c9' }
  const id = await claimMessage(app.db, m, NOW)
  t.ok(id, 'claimed')
  t.equal(await claimMessage(app.db, { ...m, recipient: 'edited@example.vn' }, NOW), null, 'the key is the customer, not the address')
  t.equal(await claimMessage(app.db, { ...m, occurrence: '2027' }, NOW) !== null, true, 'another occurrence is another message')
  t.equal(await settleInterrupted(app.db, shopId, 'campaign', 'c9', NOW), 2)
  t.equal(await settleInterrupted(app.db, shopId, 'campaign', 'c9', NOW), 0)
  t.equal(await claimMessage(app.db, m, NOW), null, 'never resent')
})
