// Consent and /u/:token: signed tokens (forged, expired, other shop), the page and its one-click POST, and Haravan sync
// never re-subscribing someone who refused in the app.
import t from 'tap'
import { getConsents, recordConsent } from '../../server/messaging/consent.ts'
import { createUnsubscribeToken, unsubscribeKey, verifyUnsubscribeToken } from '../../server/messaging/unsubscribe-token.ts'
import { build, installShop } from '../helper.ts'
import { haravanCustomer } from './helpers.ts'
import { deliver, fixture } from '../webhooks/helpers.ts'

const NOW = new Date('2026-12-01T03:00:00Z')

t.test('tokens: a genuine one verifies; forged, tampered, expired and wrongly keyed ones do not', async (t) => {
  const key = unsubscribeKey('a-session-secret-of-at-least-32-characters!!')
  const token = createUnsubscribeToken(key, { shopId: '1000000001', customerId: 42, channel: 'email' }, NOW)
  const ok = verifyUnsubscribeToken(key, token, NOW)
  t.ok(ok.ok)
  if (ok.ok) t.same([ok.claims.shopId, ok.claims.customerId, ok.claims.channel], ['1000000001', 42, 'email'])
  t.ok(token.length < 70, 'short enough for an SMS')
  t.same(verifyUnsubscribeToken(key, token.replace('1000000001', '1000000002'), NOW), { ok: false, reason: 'invalid' }, 'another shop id in a genuine token')
  t.same(verifyUnsubscribeToken(key, token.replace('.e.', '.s.'), NOW), { ok: false, reason: 'invalid' }, 'another channel')
  t.same(verifyUnsubscribeToken(unsubscribeKey('another-secret-of-at-least-32-characters!!!'), token, NOW), { ok: false, reason: 'invalid' })
  t.same(verifyUnsubscribeToken(key, 'garbage', NOW), { ok: false, reason: 'invalid' })
  t.same(verifyUnsubscribeToken(key, token, new Date(NOW.getTime() + 401 * 86400_000)), { ok: false, reason: 'expired' })
})

t.test('the link: GET shows a Vietnamese page and changes nothing; POST (one-click) refuses that channel only', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  await haravanCustomer(app.db, shopId, { id: 501, acceptsMarketing: true }, NOW)
  t.equal((await getConsents(app.db, shopId, 501)).email.state, 'consented', 'accepts_marketing became consent')
  const url = app.messaging.unsubscribeUrl(shopId, 501, 'email')
  t.ok(url.startsWith(`${app.config.appUrl}/u/`))
  const path = new URL(url).pathname

  const page = await app.inject({ method: 'GET', url: path })
  t.equal(page.statusCode, 200)
  t.match(page.body, /Từ chối nhận tin/)
  t.match(page.body, /Cửa hàng Demo/)
  t.equal((await getConsents(app.db, shopId, 501)).email.state, 'consented', 'GET changes nothing')

  const post = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
  t.equal(post.statusCode, 200)
  t.match(post.body, /Đã từ chối nhận tin/)
  const after = await getConsents(app.db, shopId, 501)
  t.equal(after.email.state, 'refused')
  t.equal(after.email.source, 'unsubscribe')
  t.equal(after.sms.state, 'consented', 'the other channel is untouched')
  t.match((await app.inject({ method: 'GET', url: path })).body, /Bạn đã từ chối nhận tin/)

  // Haravan still says accepts_marketing: true on the next sync; the refusal stands.
  t.equal(await haravanCustomer(app.db, shopId, { id: 501, acceptsMarketing: true }, NOW), 'updated')
  t.equal((await getConsents(app.db, shopId, 501)).email.state, 'refused', 'sync never re-subscribes')
  // Haravan consent itself follows Haravan.
  await haravanCustomer(app.db, shopId, { id: 501, acceptsMarketing: false }, NOW)
  t.equal((await getConsents(app.db, shopId, 501)).sms.state, 'unknown')
})

t.test('forged, expired and other-shop links show a clear page and change nothing', async (t) => {
  let now = NOW
  const { app, shopId } = await build(t, { clock: () => now })
  await installShop(app, '1000000002', 'Cửa hàng Khác')
  await haravanCustomer(app.db, shopId, { id: 601, acceptsMarketing: true }, NOW)
  const key = unsubscribeKey(app.config.sessionSecret)
  const genuine = createUnsubscribeToken(key, { shopId, customerId: 601, channel: 'sms' }, NOW)

  const forged = await app.inject({ method: 'POST', url: `/u/${genuine.slice(0, -2)}AA` })
  t.equal(forged.statusCode, 404)
  t.match(forged.body, /Liên kết không hợp lệ/)
  t.match(forged.body, /Chưa có thay đổi nào/)

  // Signed correctly, but the customer is not a customer of that shop.
  const otherShop = createUnsubscribeToken(key, { shopId: '1000000002', customerId: 601, channel: 'sms' }, NOW)
  const other = await app.inject({ method: 'POST', url: `/u/${otherShop}` })
  t.equal(other.statusCode, 404)
  t.match(other.body, /Liên kết không hợp lệ/)

  now = new Date(NOW.getTime() + 500 * 86400_000)
  const expired = await app.inject({ method: 'POST', url: `/u/${genuine}` })
  t.equal(expired.statusCode, 410)
  t.match(expired.body, /Liên kết đã hết hạn/)
  t.equal((await getConsents(app.db, shopId, 601)).sms.state, 'consented', 'nothing changed')
})

t.test('signed customers/* webhooks (the batched path) carry accepts_marketing into consent, and never re-subscribe a refusal', async (t) => {
  const { app, shopId } = await build(t, { clock: () => NOW })
  const customer = (acceptsMarketing: boolean, second: number) => ({
    ...fixture('customer.json'), id: 701, accepts_marketing: acceptsMarketing, updated_at: `2026-11-30T10:00:${String(second).padStart(2, '0')}Z`,
  })
  t.equal((await deliver(app, { topic: 'customers/create', body: customer(true, 1) })).statusCode, 200)
  t.equal((await getConsents(app.db, shopId, 701)).email.state, 'consented')
  t.equal((await getConsents(app.db, shopId, 701)).sms.state, 'consented')

  await deliver(app, { topic: 'customers/update', body: customer(false, 2) })
  t.equal((await getConsents(app.db, shopId, 701)).email.state, 'unknown', 'Haravan consent follows Haravan')

  await recordConsent(app.db, shopId, 701, 'email', { state: 'refused', source: 'admin', reason: 'Khách gọi điện từ chối' }, NOW)
  await deliver(app, { topic: 'customers/update', body: customer(true, 3) })
  t.equal((await getConsents(app.db, shopId, 701)).email.state, 'refused', 'a refusal recorded in the app stands')
  t.equal((await getConsents(app.db, shopId, 701)).sms.state, 'consented')
})
