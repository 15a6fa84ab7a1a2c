// The email channel against a real SMTP peer: settings (password write-only, sealed at rest), "Gửi thử" and its
// Vietnamese failures, marketing headers, claim-once, the per-address cap, the daily limit and the quota pause.
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { recordConsent } from '../../server/messaging/consent.ts'
import { authHeaders, build, freePort } from '../helper.ts'
import { haravanCustomer, startSmtpPeer } from './helpers.ts'

const NOW = new Date('2026-12-01T03:00:00Z')
const PASSWORD = 'abcd efgh ijkl mnop'
const settings = (port: number, extra: Record<string, unknown> = {}) => ({
  host: '127.0.0.1', port, security: 'none', username: 'shop@gmail.com', password: PASSWORD, fromName: 'Cửa hàng Demo', fromAddress: 'shop@gmail.com', dailyLimit: 500, ...extra,
})

t.test('settings: the password is write-only, kept when omitted, and nowhere in the database in clear', async (t) => {
  const { app } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  const empty = await app.inject({ method: 'GET', url: '/api/settings/email', headers })
  t.equal(empty.json().configured, false)
  t.equal(empty.json().passwordSet, false)

  const put = await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(2525) })
  t.equal(put.statusCode, 200)
  t.notOk('password' in put.json())
  t.match(put.json(), { configured: true, passwordSet: true, host: '127.0.0.1', dailyLimit: 500 })
  t.notMatch(put.body, PASSWORD)

  const { password: _omit, ...withoutPassword } = settings(2526)
  const again = await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: withoutPassword })
  t.equal(again.json().passwordSet, true, 'a save without password keeps it')
  t.equal(again.json().port, 2526)
  const get = await app.inject({ method: 'GET', url: '/api/settings/email', headers })
  t.notMatch(get.body, PASSWORD)

  // Every table dumped as text: the password (and the SMS one) appear nowhere.
  await app.inject({ method: 'PUT', url: '/api/settings/sms', headers, payload: { brandname: 'DEMO', username: 'demo', password: 'vg-secret-pass-123' } })
  const tables = await queryRows<{ name: string }>(app.db, (await import('drizzle-orm')).sql`select tablename as name from pg_tables where schemaname = 'public'`)
  let dump = ''
  for (const { name } of tables) {
    const rows = await queryRows(app.db, (await import('drizzle-orm')).sql.raw(`select t::text as row from "${name}" t`))
    dump += rows.map(r => String(r.row)).join('\n')
  }
  t.ok(dump.includes('v1.'), 'a sealed secret is stored')
  t.notOk(dump.includes(PASSWORD), 'no SMTP password in clear')
  t.notOk(dump.includes('vg-secret-pass-123'), 'no SMS password in clear')

  const bad = await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(0, { fromAddress: 'not-an-address' }) })
  t.equal(bad.statusCode, 400)
})

t.test('"Gửi thử": delivered with auth; a wrong password, a refused connection and a quota answer say so in Vietnamese', async (t) => {
  let quota = false
  const peer = await startSmtpPeer(t, { user: 'shop@gmail.com', password: PASSWORD, quota: () => quota })
  const { app, shopId } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port) })

  const ok = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { sent: true })
  t.equal(peer.received.length, 1)
  t.equal(peer.received[0]!.user, 'shop@gmail.com', 'authenticated')
  t.same(peer.received[0]!.to, ['chu.shop@example.vn'])
  t.match(peer.received[0]!.raw, /Subject: =\?UTF-8\?/, 'a Vietnamese subject')

  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port, { password: 'wrong wrong wrong' }) })
  const wrong = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(wrong.statusCode, 422)
  t.match(wrong.json().message, /Sai tên đăng nhập hoặc mật khẩu/)
  t.match(wrong.json().message, /Mật khẩu ứng dụng 16 ký tự/)
  t.match(wrong.json().message, /535/)
  t.notMatch(wrong.body, 'wrong wrong wrong')

  const closed = await freePort()
  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(closed) })
  const refused = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(refused.statusCode, 422)
  t.match(refused.json().message, /từ chối kết nối/)

  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port) })
  quota = true
  const full = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(full.statusCode, 422)
  t.match(full.json().message, /vượt giới hạn gửi trong ngày/)
  t.match(full.json().message, /5\.4\.5/)
  const after = (await app.inject({ method: 'GET', url: '/api/settings/email', headers })).json()
  t.ok(after.pausedUntil && new Date(after.pausedUntil) > NOW, 'the mailbox is paused')

  // While paused, senders are told to come back later instead of hammering the mailbox.
  await haravanCustomer(app.db, shopId, { id: 700, acceptsMarketing: true }, NOW)
  const deferred = await app.messaging.send({ shopId, channel: 'email', kind: 'care', customerId: 700, to: 'khach700@example.vn', source: { type: 'campaign', id: 'c1' }, email: { subject: 'Cảm ơn', html: '<p>Cảm ơn</p>' } })
  t.match(deferred, { status: 'deferred', reason: 'paused' })
  t.equal(peer.received.length, 1, 'nothing more was sent')
})

t.test('send(): marketing headers and link, consent, claim-once, 3 per address per 24 h, the daily limit, a quota rejection', async (t) => {
  let now = NOW
  let quota = false
  const peer = await startSmtpPeer(t, { user: 'shop@gmail.com', password: PASSWORD, quota: () => quota })
  const { app, shopId } = await build(t, { clock: () => now })
  const headers = await authHeaders(app)
  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port, { dailyLimit: 5 }) })
  await haravanCustomer(app.db, shopId, { id: 801, acceptsMarketing: true, email: 'lan@example.vn' }, now)
  await haravanCustomer(app.db, shopId, { id: 802, acceptsMarketing: false, email: 'mai@example.vn' }, now)
  const mail = (customerId: number, to: string, id: string, kind: 'advertising' | 'care' = 'advertising') =>
    app.messaging.send({ shopId, channel: 'email', kind, customerId, to, source: { type: 'campaign', id }, email: { subject: 'Ưu đãi tháng 12', html: '<p>Giảm 50.000 ₫</p>' } })

  const first = await mail(801, 'lan@example.vn', 'c1')
  t.match(first, { status: 'sent' })
  const raw = peer.received[0]!.raw.replace(/\r\n[ \t]+/g, ' ')
  t.match(raw, /List-Unsubscribe: <http:\/\/127\.0\.0\.1:3000\/u\/1000000001\.801\.e\.[^>]+>/)
  t.match(raw, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/)
  t.match(raw, /\/u\/1000000001\.801\.e\./, 'a visible link in the body')

  t.same(await mail(801, 'lan@example.vn', 'c1'), { status: 'duplicate' }, 'the same campaign never sends twice')
  t.same(await mail(802, 'mai@example.vn', 'c1'), { status: 'skipped', reason: 'no_consent' }, 'advertising needs consent')
  t.match(await mail(802, 'mai@example.vn', 'c1-care', 'care'), { status: 'sent' }, 'care goes to who has not refused')
  await recordConsent(app.db, shopId, 802, 'email', { state: 'refused', source: 'admin', reason: 'khách yêu cầu' }, now)
  t.same(await mail(802, 'mai@example.vn', 'c2-care', 'care'), { status: 'skipped', reason: 'refused' })

  t.match(await mail(801, 'lan@example.vn', 'c2'), { status: 'sent' })
  t.match(await mail(801, 'lan@example.vn', 'c3'), { status: 'sent' })
  t.same(await mail(801, 'lan@example.vn', 'c4'), { status: 'skipped', reason: 'recipient_cap' }, 'a 4th advertising email in 24 h')
  now = new Date(NOW.getTime() + 24 * 3600_000 + 1000)
  t.match(await mail(801, 'lan@example.vn', 'c5'), { status: 'sent' }, 'the window rolled on')

  // 5 a day: yesterday's 4 left the window; today c5 and four more would make 6.
  await haravanCustomer(app.db, shopId, { id: 803, acceptsMarketing: true, email: 'hoa@example.vn' }, now)
  t.match(await mail(803, 'hoa@example.vn', 'c6'), { status: 'sent' })
  t.match(await mail(803, 'hoa@example.vn', 'c7'), { status: 'sent' })
  t.match(await mail(803, 'hoa@example.vn', 'c8', 'care'), { status: 'sent' })
  t.match(await mail(803, 'hoa@example.vn', 'c9', 'care'), { status: 'sent' })
  const limited = await mail(803, 'hoa@example.vn', 'c10', 'care')
  t.match(limited, { status: 'deferred', reason: 'daily_limit' })

  now = new Date(now.getTime() + 24 * 3600_000 + 1000)
  quota = true
  const rejected = await mail(803, 'hoa@example.vn', 'c10', 'care')
  t.match(rejected, { status: 'deferred', reason: 'paused' }, 'a quota answer pauses instead of failing')
  quota = false
  t.match(await mail(803, 'hoa@example.vn', 'c10', 'care'), { status: 'deferred', reason: 'paused' }, 'and nothing is tried while paused')
  const log = await app.inject({ method: 'GET', url: '/api/members/803/messages', headers: await authHeaders(app) })
  t.equal(log.json().total, 4, 'the refused claim was released: c10 can still go later, once')
  t.notOk(log.json().items.some((m: { sourceId: string }) => m.sourceId === 'c10'))
})

t.test('"Gửi thử" against a server that insists on STARTTLS: with no encryption it says so; with STARTTLS a bad certificate is named', async (t) => {
  // smtp-server's defaults: STARTTLS offered with its built-in (expired) certificate, no login before it.
  const peer = await startSmtpPeer(t, { user: 'shop@gmail.com', password: PASSWORD, extra: { disabledCommands: [], allowInsecureAuth: false } })
  const { app } = await build(t, { clock: () => NOW })
  const headers = await authHeaders(app)
  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port) })
  const plain = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(plain.statusCode, 422)
  t.match(plain.json().message, /yêu cầu kết nối mã hóa/)
  t.notMatch(plain.json().message, /Sai tên đăng nhập/, 'not mistaken for a wrong password')

  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port, { security: 'starttls' }) })
  const cert = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(cert.statusCode, 422)
  t.match(cert.json().message, /Chứng chỉ bảo mật \(TLS\)/)

  await app.inject({ method: 'PUT', url: '/api/settings/email', headers, payload: settings(peer.port, { security: 'tls' }) })
  const tls = await app.inject({ method: 'POST', url: '/api/settings/email/test', headers, payload: { to: 'chu.shop@example.vn' } })
  t.equal(tls.statusCode, 422)
  t.match(tls.json().message, /Lỗi kết nối bảo mật \(TLS\).*cổng 465 dùng TLS/, 'TLS spoken to a plain port')
  t.equal(peer.received.length, 0)
})
