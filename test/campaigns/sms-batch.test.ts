// Campaign SMS in batches against the VietGuys stand-in: several requests in flight (bounded), outcomes per message,
// an account error stops and holds the campaign without failing anyone, and an interrupted SMS is never resent.
import { and, eq } from 'drizzle-orm'
import t from 'tap'
import { messages } from '../../db/schema/index.ts'
import { SMS_CONCURRENCY } from '../../server/messaging/batch.ts'
import { claimMessage } from '../../server/messaging/log.ts'
import { authHeaders, build } from '../helper.ts'
import { createCampaign, seedMembers, useSms, vietGuysPeer } from './helpers.ts'

const phone = (i: number) => `09${String(10_000_000 + i).slice(-8)}`
const e164 = (i: number) => `+84${phone(i).slice(1)}`

t.test('campaign SMS are sent in batches', async (t) => {
  let accountRefused = false
  const vg = await vietGuysPeer(t, (form) => {
    if (accountRefused) return { error: -5 }
    if (form.phone === `84${phone(7).slice(1)}`) return { error: -10, delayMs: 30 }
    return { error: 0, delayMs: 30 }
  })
  // 10:00 in Hồ Chí Minh City: inside the SMS window.
  const now = new Date('2026-12-04T03:00:00Z')
  const { app, shopId } = await build(t, { clock: () => now, env: { VIETGUYS_API_URL: vg.url } })
  const headers = await authHeaders(app)
  await useSms(app, headers)
  const ids = Array.from({ length: 40 }, (_, i) => i + 1)
  await seedMembers(app, shopId, ids.map(i => ({ id: i, name: `Khách ${i}`, phone: phone(i) })), ids)
  const engine = app.campaigns.engine
  const sms = (name: string) => createCampaign(app, headers, { name, type: 'announcement', channels: ['sms'], audience: { all: true }, sms: { text: `${name} {{ten}}` } })
  const view = async (id: string) => (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()

  t.test('many in flight at once, never more than the bound; each outcome recorded, the provider\'s reason kept', async (t) => {
    const { id } = await sms('Tin A')
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.same(await engine.run(shopId, id), { state: 'finished' })
    t.equal(vg.sent.length, 39, 'everyone but the refused number')
    t.ok(vg.maxInFlight > 1, `requests overlap (at most ${vg.maxInFlight} at once)`)
    t.ok(vg.maxInFlight <= SMS_CONCURRENCY, 'within the bound')
    const stats = (await view(id)).stats
    t.match(stats, { recipients: 40, sent: 39, failed: 1, skipped: 0, unknown: 0 })
    const failed = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/messages?status=failed`, headers })).json()
    t.match(failed.items, [{ recipient: e164(7), reason: /Số điện thoại người nhận không hợp lệ \(mã -10\)/ }])
    t.equal(new Set(vg.sent.map(s => s.bid)).size, 39, 'each SMS carries its own tracking id')
  })

  t.test('an account error holds the campaign with the reason, fails nobody, and resuming sends everyone once', async (t) => {
    vg.sent.length = 0
    const { id } = await sms('Tin B')
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    accountRefused = true
    const requestsBefore = vg.requests
    const held = await engine.run(shopId, id)
    t.match(held, { state: 'held', message: /Sai tên đăng nhập hoặc mật khẩu VietGuys/ })
    t.ok(vg.requests - requestsBefore <= SMS_CONCURRENCY, 'it stopped at the first answers instead of trying all 40')
    const paused = await view(id)
    t.equal(paused.status, 'paused')
    t.match(paused.hold, /Sai tên đăng nhập/)
    t.match(paused.stats, { sent: 0, failed: 0, queued: 0 }, 'the refused messages were released, not failed')
    accountRefused = false
    t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${id}/resume`, headers })).statusCode, 200)
    t.same(await engine.run(shopId, id), { state: 'finished' })
    t.equal(vg.sent.length, 39)
    t.equal(new Set(vg.sent.map(s => s.phone)).size, 39, 'nobody twice')
  })

  t.test('an SMS a dead worker claimed stays unknown and is never sent', async (t) => {
    vg.sent.length = 0
    const { id } = await sms('Tin C')
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    // What a worker killed between the claim and the provider's answer leaves behind.
    await claimMessage(app.db, { shopId, channel: 'sms', kind: 'advertising', customerId: 3, recipient: e164(3), sourceType: 'campaign', sourceId: id, occurrence: 'once' }, now)
    t.same(await engine.run(shopId, id), { state: 'finished' })
    t.notOk(vg.sent.some(s => s.phone === `84${phone(3).slice(1)}`), 'not resent')
    const [row] = await app.db.select().from(messages).where(and(eq(messages.shopId, shopId), eq(messages.sourceId, id), eq(messages.customerId, 3)))
    t.match(row, { status: 'unknown', reason: 'interrupted' })
    t.match((await view(id)).stats, { sent: 38, failed: 1, unknown: 1 })
  })
})
