// The SMS channel against the simulator's VietGuys stand-in: settings, "Gửi thử", −7 naming the IP, a timeout left
// unknown and never resent, the [QC] frame, the 07:00–22:00 window and 3 advertising SMS per phone per 24 h.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { outboundIp, resetOutboundIp } from '../../server/messaging/outbound-ip.ts'
import { createMessaging } from '../../server/messaging/service.ts'
import { vietGuysProvider } from '../../server/messaging/sms-provider.ts'
import { simFor } from '../haravan-sim/helpers.ts'
import { authHeaders, build } from '../helper.ts'
import { haravanCustomer } from './helpers.ts'

const NOW = new Date('2026-12-01T03:00:00Z') // 10:00 in Vietnam
const ACCOUNT = { brandname: 'DEMOSHOP', username: 'demoshop', password: 'vg-pass-2026' }

/** A VietGuys that takes the request and never answers. */
async function hangingServer (t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const server = createServer(() => {})
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/index.php`
}

t.test('settings and "Gửi thử": sent through the provider; −7 says which IP to whitelist; a bad phone is a 400', async (t) => {
  const sim = await simFor(t)
  sim.vietguys.setAccount({ username: ACCOUNT.username, password: ACCOUNT.password })
  const { app } = await build(t, { clock: () => NOW, env: { VIETGUYS_API_URL: sim.vietguysUrl, OUTBOUND_IP: '203.0.113.7' } })
  const headers = await authHeaders(app)

  const put = await app.inject({ method: 'PUT', url: '/api/settings/sms', headers, payload: ACCOUNT })
  t.equal(put.statusCode, 200)
  t.same(put.json(), { provider: 'vietguys', brandname: 'DEMOSHOP', username: 'demoshop', passwordSet: true, configured: true })
  t.notMatch(put.body, ACCOUNT.password)
  const { password: _p, ...noPassword } = ACCOUNT
  t.equal((await app.inject({ method: 'PUT', url: '/api/settings/sms', headers, payload: noPassword })).json().passwordSet, true, 'kept')

  const ok = await app.inject({ method: 'POST', url: '/api/settings/sms/test', headers, payload: { phone: '0912 345 678' } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { sent: true })
  t.equal(sim.vietguys.received.length, 1)
  t.match(sim.vietguys.received[0], { phone: '84912345678', brandname: 'DEMOSHOP', username: 'demoshop' })

  sim.vietguys.setError(-7)
  const ip = await app.inject({ method: 'POST', url: '/api/settings/sms/test', headers, payload: { phone: '0912345678' } })
  t.equal(ip.statusCode, 422)
  t.match(ip.json().message, /whitelist/)
  t.match(ip.json().message, /203\.0\.113\.7/, 'names the IP to whitelist')
  sim.vietguys.setError(null)

  await app.inject({ method: 'PUT', url: '/api/settings/sms', headers, payload: { ...ACCOUNT, password: 'wrong' } })
  const wrong = await app.inject({ method: 'POST', url: '/api/settings/sms/test', headers, payload: { phone: '0912345678' } })
  t.equal(wrong.statusCode, 422)
  t.match(wrong.json().message, /Sai tên đăng nhập hoặc mật khẩu VietGuys/)

  t.equal((await app.inject({ method: 'POST', url: '/api/settings/sms/test', headers, payload: { phone: '12345' } })).statusCode, 400)
  const page = await fetch(sim.smsPageUrl)
  t.match(await page.text(), /Tin nhan thu tu DEMOSHOP/, 'the simulator shows what it received')
})

t.test('without OUTBOUND_IP the IP is asked from an echo service, else taken from a connection to VietGuys', async (t) => {
  const sim = await simFor(t)
  resetOutboundIp()
  t.same(await outboundIp({ outboundIp: undefined, ipEchoUrl: sim.ipEchoUrl }), { ip: '127.0.0.1', how: 'echo' })
  resetOutboundIp()
  const closed = 'http://127.0.0.1:9/none'
  t.same(await outboundIp({ outboundIp: undefined, ipEchoUrl: closed, vietguysApiUrl: sim.vietguysUrl }), { ip: '127.0.0.1', how: 'local' })
  resetOutboundIp()
  t.equal(await outboundIp({ outboundIp: undefined, ipEchoUrl: closed, vietguysApiUrl: closed }), null)
  t.same(await outboundIp({ outboundIp: '203.0.113.9', ipEchoUrl: closed }), { ip: '203.0.113.9', how: 'configured' })
})

t.test('a timeout leaves the SMS unknown: it may have gone, so it is never sent again', async (t) => {
  const url = await hangingServer(t)
  const provider = vietGuysProvider({ url, timeoutMs: 300 })
  const r = await provider.send({ provider: 'vietguys', ...ACCOUNT }, { phone: '84912345678', text: 'x', trackingId: 't1' })
  t.match(r, { ok: false, code: 'timeout', definite: false })

  const built = await build(t, { clock: () => NOW })
  const a = built.app
  // The service as the app builds it, with the hanging provider in place of VietGuys.
  const messaging = createMessaging({ db: a.db, config: a.config, clock: a.clock, mailer: a.mailer, smsProvider: provider })
  await a.inject({ method: 'PUT', url: '/api/settings/sms', headers: await authHeaders(a), payload: ACCOUNT })
  await haravanCustomer(a.db, built.shopId, { id: 901, phone: '0912345678' }, NOW)
  const req = { shopId: built.shopId, channel: 'sms' as const, kind: 'care' as const, customerId: 901, to: '+84912345678', source: { type: 'campaign', id: 'c1' }, sms: { text: 'Cam on ban' } }
  const first = await messaging.send(req)
  t.match(first, { status: 'unknown' })
  t.same(await messaging.send(req), { status: 'duplicate' })
  const log = (await a.inject({ method: 'GET', url: '/api/members/901/messages', headers: await authHeaders(a) })).json()
  t.match(log.items[0], { channel: 'sms', status: 'unknown', attempts: 1 })
  t.match(log.items[0].reason, /không gửi lại/)
})

t.test('advertising SMS: [QC] and the refusal link, only 07:00–22:00, at most 3 per phone per 24 h', async (t) => {
  const sim = await simFor(t)
  let now = new Date('2026-12-01T16:00:00Z') // 23:00 in Vietnam
  const { app, shopId } = await build(t, { clock: () => now, env: { VIETGUYS_API_URL: sim.vietguysUrl } })
  await app.inject({ method: 'PUT', url: '/api/settings/sms', headers: await authHeaders(app), payload: ACCOUNT })
  await haravanCustomer(app.db, shopId, { id: 950, phone: '0987654321', acceptsMarketing: true }, now)
  const promo = (id: string) => app.messaging.send({ shopId, channel: 'sms', kind: 'advertising', customerId: 950, to: '+84987654321', source: { type: 'campaign', id }, sms: { text: 'Giam 50.000d cho don tu 300.000d' } })

  const late = await promo('p1')
  t.same(late, { status: 'deferred', notBefore: new Date('2026-12-02T00:00:00Z'), reason: 'window' }, '23:00 waits for 07:00')
  t.equal(sim.vietguys.received.length, 0)

  now = new Date('2026-12-02T00:00:00Z')
  t.match(await promo('p1'), { status: 'sent' })
  const text = sim.vietguys.received[0]!.text
  t.match(text, /^\[QC\] Giam 50\.000d cho don tu 300\.000d Tu choi QC: http:\/\/127\.0\.0\.1:3000\/u\/1000000001\.950\.s\./)
  t.match(await promo('p2'), { status: 'sent' })
  t.match(await promo('p3'), { status: 'sent' })
  t.same(await promo('p4'), { status: 'skipped', reason: 'recipient_cap' })
  t.equal(sim.vietguys.received.length, 3)

  // The care kind is not advertising: no frame, no window, no advertising cap.
  t.match(await app.messaging.send({ shopId, channel: 'sms', kind: 'care', customerId: 950, to: '+84987654321', source: { type: 'campaign', id: 'thanks' }, sms: { text: 'Cam on ban da mua hang' } }), { status: 'sent' })
  t.equal(sim.vietguys.received[3]!.text, 'Cam on ban da mua hang')
})
