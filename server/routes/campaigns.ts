// Chiến dịch: campaign CRUD, preview and estimate, start/pause/resume/cancel, test sends, the messages of a campaign.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { campaignSettings } from '../../db/schema/index.ts'
import { campaignInput, type CampaignInput } from '../campaigns/definition.ts'
import { listCampaignMessages } from '../campaigns/messages.ts'
import { estimateCampaign, previewForMember, smsPricePerPart, type PreviewDeps, type ShopInfo } from '../campaigns/preview.ts'
import { createCampaign, findCampaign, getCampaignView, listCampaigns, updateCampaign } from '../campaigns/store.ts'
import type { Promo } from '../campaigns/definition.ts'

const idParams = z.object({ id: z.string().max(64) })
const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(20),
})
const statsSchema = z.object({
  recipients: z.number().int(),
  queued: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  unknown: z.number().int(),
  skippedByReason: z.record(z.string(), z.number().int()),
  unsubscribed: z.number().int(),
  codesCreated: z.number().int(),
  codesUsed: z.number().int(),
  orders: z.number().int(),
  revenue: z.number().int(),
  attribution: z.enum(['code', 'window']),
})
const campaignOut = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  status: z.string(),
  channels: z.array(z.enum(['email', 'sms'])),
  audience: z.record(z.string(), z.unknown()),
  email: z.object({ subject: z.string(), html: z.string() }).nullable(),
  sms: z.object({ text: z.string() }).nullable(),
  promo: z.record(z.string(), z.unknown()).nullable(),
  trigger: z.record(z.string(), z.unknown()).nullable(),
  sendAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastSentAt: z.string().nullable(),
  hold: z.string().nullable(),
  stats: statsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
})
const renderedOut = z.object({
  email: z.object({ subject: z.string(), html: z.string() }).optional(),
  sms: z.object({ text: z.string(), parts: z.number().int(), unicode: z.boolean() }).optional(),
})
const channelEstimate = z.object({ withContact: z.number().int(), eligible: z.number().int(), capped: z.number().int(), messages: z.number().int() })
const estimateOut = z.object({
  audience: z.number().int(),
  nonMembers: z.number().int(),
  memberOnlyVariables: z.array(z.string()),
  email: channelEstimate.extend({ perDay: z.number().int().nullable(), days: z.number().int().nullable(), etaAt: z.string().nullable() }).optional(),
  sms: channelEstimate.extend({ parts: z.number().int(), unicode: z.boolean(), pricePerPart: z.number().int(), cost: z.number().int() }).optional(),
})
const messageOut = z.object({
  customerId: z.number().int().nullable(),
  name: z.string().nullable(),
  channel: z.enum(['email', 'sms']),
  recipient: z.string(),
  status: z.enum(['queued', 'sent', 'failed', 'skipped', 'unknown']),
  reason: z.string().nullable(),
  code: z.string().nullable(),
  occurrence: z.string(),
  sentAt: z.string().nullable(),
  createdAt: z.string(),
})

export default async function campaignRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const deps = (): PreviewDeps => ({ db: app.db, clock: app.clock, appUrl: app.config.appUrl, sessionSecret: app.config.sessionSecret })
  const shopOf = (request: FastifyRequest): ShopInfo => ({ shopId: request.shop.shopId, name: request.shop.name, timezone: request.shop.timezone })
  const engine = () => app.campaigns.engine

  app.get('/campaigns', {
    schema: { summary: 'Campaigns, newest first, with their results', tags: ['campaigns'], querystring: pageQuery, response: { 200: z.object({ items: z.array(campaignOut), total: z.number().int() }) } },
  }, async (request) => listCampaigns(app.db, request.shop.shopId, request.query.page, request.query.limit))

  app.post('/campaigns', {
    schema: { summary: 'Create a draft campaign', tags: ['campaigns'], body: campaignInput, response: { 201: campaignOut } },
  }, async (request, reply) => {
    const row = await createCampaign(app.db, request.shop.shopId, request.body as CampaignInput, request.shop.userId, app.clock())
    reply.code(201)
    return getCampaignView(app.db, request.shop.shopId, row.id)
  })

  app.get('/campaigns/:id', {
    schema: { summary: 'One campaign with its status and results', tags: ['campaigns'], params: idParams, response: { 200: campaignOut } },
  }, async (request) => getCampaignView(app.db, request.shop.shopId, request.params.id))

  app.put('/campaigns/:id', {
    schema: { summary: 'Edit a draft', tags: ['campaigns'], params: idParams, body: campaignInput, response: { 200: campaignOut } },
  }, async (request) => {
    await updateCampaign(app.db, request.shop.shopId, request.params.id, request.body as CampaignInput, app.clock())
    return getCampaignView(app.db, request.shop.shopId, request.params.id)
  })

  app.post('/campaigns/:id/preview', {
    schema: { summary: 'The campaign rendered for one member', tags: ['campaigns'], params: idParams, body: z.object({ customerId: z.number().int().positive() }), response: { 200: renderedOut } },
  }, async (request) => {
    const c = await findCampaign(app.db, request.shop.shopId, request.params.id)
    return previewForMember(deps(), shopOf(request), { ...c, promo: c.promo as Promo | null }, request.body.customerId)
  })

  app.post('/campaigns/estimate', {
    schema: { summary: 'Audience count and the estimate of a definition not saved yet', tags: ['campaigns'], body: campaignInput.pick({ type: true, channels: true, audience: true, sms: true, email: true }), response: { 200: estimateOut } },
  }, async (request) => {
    const b = request.body
    return estimateCampaign(deps(), shopOf(request), { type: b.type, channels: b.channels, audience: b.audience, sms: b.sms ?? null, email: b.email ?? null })
  })

  app.get('/campaigns/:id/estimate', {
    schema: { summary: 'Audience count, messages per channel after consent and caps, SMS cost, email ETA', tags: ['campaigns'], params: idParams, response: { 200: estimateOut } },
  }, async (request) => {
    const c = await findCampaign(app.db, request.shop.shopId, request.params.id)
    return estimateCampaign(deps(), shopOf(request), { type: c.type, channels: c.channels as ('email' | 'sms')[], audience: c.audience as never, sms: c.sms ?? null, email: c.email ?? null })
  })

  app.post('/campaigns/:id/test', {
    schema: { summary: 'Send one test message per given channel', tags: ['campaigns'], params: idParams, body: z.object({ email: z.string().email().optional(), phone: z.string().max(30).optional(), customerId: z.number().int().positive().optional() }), response: { 200: z.object({ email: z.boolean().optional(), sms: z.boolean().optional() }) } },
  }, async (request) => engine().testSend(shopOf(request), request.params.id, request.body))

  app.post('/campaigns/:id/start', {
    schema: { summary: 'Start (or schedule) a campaign; automatic kinds become active', tags: ['campaigns'], params: idParams, body: z.object({ sendAt: z.string().datetime().optional() }).optional(), response: { 202: campaignOut } },
  }, async (request, reply) => {
    await engine().start(shopOf(request), request.params.id, request.body?.sendAt ? new Date(request.body.sendAt) : undefined, request.shop.userId)
    reply.code(202)
    return getCampaignView(app.db, request.shop.shopId, request.params.id)
  })

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(`/campaigns/:id/${action}`, {
      schema: { summary: `${action[0]!.toUpperCase()}${action.slice(1)} a campaign`, tags: ['campaigns'], params: idParams, response: { 200: campaignOut } },
    }, async (request) => {
      await engine()[action](shopOf(request), request.params.id)
      return getCampaignView(app.db, request.shop.shopId, request.params.id)
    })
  }

  app.get('/campaigns/:id/messages', {
    schema: {
      summary: 'The messages of a campaign',
      tags: ['campaigns'],
      params: idParams,
      querystring: pageQuery.extend({ status: z.enum(['queued', 'sent', 'failed', 'skipped', 'unknown']).optional(), channel: z.enum(['email', 'sms']).optional() }),
      response: { 200: z.object({ items: z.array(messageOut), total: z.number().int() }) },
    },
  }, async (request) => {
    await findCampaign(app.db, request.shop.shopId, request.params.id)
    return listCampaignMessages(app.db, request.shop.shopId, request.params.id, request.query)
  })

  app.get('/settings/campaigns', {
    schema: { summary: 'Campaign settings (SMS price per part for estimates)', tags: ['campaigns'], response: { 200: z.object({ smsPricePerPart: z.number().int() }) } },
  }, async (request) => ({ smsPricePerPart: await smsPricePerPart(app.db, request.shop.shopId) }))

  app.put('/settings/campaigns', {
    schema: { summary: 'Edit campaign settings', tags: ['campaigns'], body: z.object({ smsPricePerPart: z.number().int().min(0).max(100_000) }), response: { 200: z.object({ smsPricePerPart: z.number().int() }) } },
  }, async (request) => {
    const values = { shopId: request.shop.shopId, smsPricePerPart: request.body.smsPricePerPart, updatedAt: app.clock() }
    await app.db.insert(campaignSettings).values(values).onConflictDoUpdate({ target: campaignSettings.shopId, set: values })
    return { smsPricePerPart: request.body.smsPricePerPart }
  })
}
