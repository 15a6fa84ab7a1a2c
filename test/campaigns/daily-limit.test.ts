// A shop's daily email limit (Gmail ≈ 500/24 h): the estimate shows the days needed, the campaign sends up to the limit,
// waits for the window to free, and then goes on with the rest — never over the limit, never twice.
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { announcement, createCampaign, seedMembers, smtpPeer, useSmtp } from './helpers.ts'

t.test('a campaign larger than the daily limit spreads over days', async (t) => {
  const smtp = await smtpPeer(t)
  let now = new Date('2026-12-04T03:00:00Z')
  const { app, shopId } = await build(t, { clock: () => now })
  await useSmtp(app, await authHeaders(app), smtp.port, 2)
  const ids = [1, 2, 3, 4, 5]
  await seedMembers(app, shopId, ids.map(id => ({ id, name: `Khách ${id}`, email: `k${id}@example.vn` })), ids)
  const headers = await authHeaders(app)
  const { id } = await createCampaign(app, headers, announcement())
  const est = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/estimate`, headers })).json()
  t.match(est.email, { messages: 5, perDay: 2, days: 3 })
  await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
  const engine = app.campaigns.engine
  const first = await engine.run(shopId, id)
  t.equal(first.state, 'deferred')
  t.same(first, { state: 'deferred', until: new Date('2026-12-05T03:00:00Z') }, 'until the first mails leave the 24 h window')
  t.equal(smtp.mails.length, 2)
  now = new Date('2026-12-05T03:00:01Z')
  t.equal((await engine.run(shopId, id)).state, 'deferred')
  t.equal(smtp.mails.length, 4)
  now = new Date('2026-12-06T03:00:02Z')
  t.same(await engine.run(shopId, id), { state: 'finished' })
  t.same(smtp.mails.map(m => m.to[0]).sort(), ids.map(i => `k${i}@example.vn`), 'everyone once')
})
