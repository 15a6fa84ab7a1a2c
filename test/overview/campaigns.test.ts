// Tổng quan's campaign figures and checklist steps come from the campaigns that were really sent and the orders after them.
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { announcement, createCampaign, seedMembers, smtpPeer, useSmtp } from '../campaigns/helpers.ts'
import { CUSTOMERS, get, sendOrder } from './fixtures.ts'

t.test('an announcement sent, then orders by its recipients within 7 days: the overview counts them once', async (t) => {
  const smtp = await smtpPeer(t)
  const { app, shopId } = await build(t)
  const headers = await authHeaders(app)
  const today = new Date()
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10)
  const url = `/api/dashboard?from=${day(-2)}&to=${day(10)}`

  const before = await get(app, shopId, url)
  t.same(before.campaigns, { sent: 0, orders: 0, revenue: 0 })
  t.same(before.checklist.filter((c: { id: string }) => c.id === 'messagingChannels' || c.id === 'firstCampaign').map((c: { done: boolean }) => c.done), [false, false])

  await useSmtp(app, headers, smtp.port)
  await seedMembers(app, shopId, CUSTOMERS.slice(0, 3).map((c, i) => ({ id: c.id, name: c.fullName, email: `khach${i}@example.vn`, phone: c.phoneE164 })), [201, 202])
  const { id } = await createCampaign(app, headers, announcement())
  t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })).statusCode, 202)
  t.same(await app.campaigns.engine.run(shopId, id), { state: 'finished' })
  t.equal(smtp.mails.length, 2, 'the two who consented got it')

  const inHours = (h: number) => new Date(today.getTime() + h * 3_600_000).toISOString()
  await sendOrder(app, { id: 9501, customerId: 201, total: 400_000, createdAt: inHours(2) })
  await sendOrder(app, { id: 9502, customerId: 201, total: 100_000, createdAt: inHours(30) })
  await sendOrder(app, { id: 9503, customerId: 203, total: 900_000, createdAt: inHours(3) }) // not a recipient
  await sendOrder(app, { id: 9504, customerId: 202, total: 700_000, createdAt: inHours(24 * 8) }) // after the 7 days
  await sendOrder(app, { id: 9505, customerId: 202, total: 50_000, createdAt: inHours(5), cancelled: true })

  const after = await get(app, shopId, url)
  t.same(after.campaigns, { sent: 2, orders: 2, revenue: 500_000 })
  const campaign = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
  t.equal(campaign.stats.orders, after.campaigns.orders, 'the same orders as the campaign page')
  t.equal(campaign.stats.revenue, after.campaigns.revenue)
  t.same(after.checklist.filter((c: { id: string }) => c.id === 'messagingChannels' || c.id === 'firstCampaign').map((c: { done: boolean }) => c.done), [true, true])

  const earlier = await get(app, shopId, `/api/dashboard?from=${day(-20)}&to=${day(-3)}`)
  t.same(earlier.campaigns, { sent: 0, orders: 0, revenue: 0 }, 'a period before the campaign has none of it')
})
