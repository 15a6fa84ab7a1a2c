// Promo campaigns against the Haravan simulator: one code per recipient created on Haravan, each mail with its own code,
// a refused discount scope caught before anyone is sent anything, and orders attributed by the code they used.
import { and, eq } from 'drizzle-orm'
import t from 'tap'
import { campaignRecipients, orders } from '../../db/schema/index.ts'
import { authHeaders } from '../helper.ts'
import { ORGID, simAndApp } from '../haravan/sync-helpers.ts'
import { simDiscounts } from '../loyalty/rewards-fixtures.ts'
import { createHaravanClient } from '../../server/haravan/client.ts'
import { createTokenStore } from '../../server/haravan/tokens.ts'
import { createCampaign, seedMembers, smtpPeer, useSmtp } from './helpers.ts'

const promo = (extra: Record<string, unknown> = {}) => ({
  name: 'Khuyến mãi tháng 12',
  type: 'promo',
  channels: ['email'],
  audience: { all: true },
  email: { subject: '{{ten}} ơi, quà tháng 12', html: '<p>Mã {{ma_giam_gia}} ({{uu_dai}}) dùng đến {{han_su_dung}}</p>' },
  promo: { discountType: 'fixed_amount', value: 50_000, validFrom: '2026-12-10', validTo: '2026-12-31', minimumOrder: 300_000 },
  ...extra,
})

t.test('promo campaigns', async (t) => {
  const smtp = await smtpPeer(t)
  const { app, sim } = await simAndApp(t, { customers: 0, orders: 0 })
  const headers = await authHeaders(app, ORGID)
  await useSmtp(app, headers, smtp.port)
  const ids = [201, 202, 203, 204, 205]
  await seedMembers(app, ORGID, ids.map(id => ({ id, name: `Khách ${id}`, email: `k${id}@example.vn` })), ids)
  const engine = app.campaigns.engine
  const client = createHaravanClient({ apiUrl: app.config.haravan.apiUrl, webhookApiUrl: app.config.haravan.webhookApiUrl, tokens: createTokenStore({ db: app.db, config: app.config }) })

  t.test('a refused discount scope is caught at start: nothing sent, the campaign stays a draft and says why', async (t) => {
    sim.setDiscountsAllowed(ORGID, false)
    const { id } = await createCampaign(app, headers, promo({ name: 'Bị từ chối' }))
    const start = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.equal(start.statusCode, 409)
    t.match(start.json().message, /com\.write_discounts/)
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.equal(view.status, 'draft')
    t.match(view.hold, /Cách 1/)
    t.equal(view.stats.recipients, 0)
    t.same(await engine.run(ORGID, id), { state: 'stopped' })
    t.equal(smtp.mails.length, 0)
    sim.setDiscountsAllowed(ORGID, true)
  })

  t.test('each recipient gets a code of their own, created on Haravan with the campaign terms', async (t) => {
    const { id } = await createCampaign(app, headers, promo())
    const start = await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    t.equal(start.statusCode, 202, start.body)
    t.same(await engine.run(ORGID, id), { state: 'finished' })
    t.equal(smtp.mails.length, 5)
    const rows = await app.db.select().from(campaignRecipients).where(and(eq(campaignRecipients.shopId, ORGID), eq(campaignRecipients.campaignId, id)))
    const codes = rows.map(r => r.code)
    t.equal(new Set(codes).size, 5, 'five different codes')
    t.ok(rows.every(r => r.codeStatus === 'created'))
    for (const r of rows) {
      const mail = smtp.mails.find(m => m.to[0] === `k${r.customerId}@example.vn`)!
      t.match(mail.body, `Mã ${r.code} (Giảm 50.000 ₫ cho đơn từ 300.000 ₫) dùng đến 31/12/2026`, `k${r.customerId} reads their own code`)
    }
    const discounts = await simDiscounts({ client })
    for (const r of rows) {
      const d = discounts.find(x => x.code === r.code) as unknown as Record<string, unknown>
      t.ok(d, `${r.code} exists on Haravan`)
      t.match(d, { value: 50_000, usage_limit: 1, entitled_customer_ids: [r.customerId] })
    }
    // Khách 202 buys with their code: the order is attributed to the campaign.
    const used = rows.find(r => r.customerId === 202)!.code!
    await app.db.insert(orders).values({ shopId: ORGID, id: 9001, customerId: 202, totalPrice: 450_000, financialStatus: 'paid', discountCodes: [used], haravanCreatedAt: new Date(), haravanUpdatedAt: new Date() })
    await app.db.insert(orders).values({ shopId: ORGID, id: 9002, customerId: 203, totalPrice: 999_000, financialStatus: 'paid', discountCodes: ['KHAC'], haravanCreatedAt: new Date(), haravanUpdatedAt: new Date() })
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.match(view.stats, { recipients: 5, sent: 5, codesCreated: 5, codesUsed: 1, orders: 1, revenue: 450_000, attribution: 'code' })
    const sent = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}/messages?status=sent&limit=2`, headers })).json()
    t.equal(sent.total, 5)
    t.equal(sent.items.length, 2)
    t.ok(sent.items.every((m: { code: string }) => codes.includes(m.code)), 'the messages list shows each code')
  })

  t.test('a campaign without a code counts orders by recipients within 7 days, labelled so', async (t) => {
    const { id } = await createCampaign(app, headers, { name: 'Thông báo', type: 'announcement', channels: ['email'], audience: { all: true }, email: { subject: 'Tin mới', html: '<p>x</p>' } })
    await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })
    await engine.run(ORGID, id)
    const later = new Date(Date.now() + 2 * 86_400_000)
    const tooLate = new Date(Date.now() + 8 * 86_400_000)
    await app.db.insert(orders).values([
      { shopId: ORGID, id: 9101, customerId: 204, totalPrice: 200_000, financialStatus: 'paid', haravanCreatedAt: later, haravanUpdatedAt: later },
      { shopId: ORGID, id: 9102, customerId: 205, totalPrice: 300_000, financialStatus: 'paid', haravanCreatedAt: tooLate, haravanUpdatedAt: tooLate },
    ])
    const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
    t.match(view.stats, { orders: 1, revenue: 200_000, attribution: 'window' })
  })
})
