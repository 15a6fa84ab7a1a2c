// A member's messages and consent: GET /api/members/:customerId/messages, GET/PUT …/consents (admin records a decision).
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { customers } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { NotFoundError } from '../errors.ts'
import { parseVi } from '../loyalty/validation.ts'
import { getConsents, recordConsent, type Consent } from '../messaging/consent.ts'
import { listCustomerMessages } from '../messaging/log.ts'

const params = z.object({ customerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
const page = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(20),
})
const consentSchema = z.object({
  state: z.enum(['consented', 'refused', 'unknown']),
  source: z.enum(['haravan', 'unsubscribe', 'admin', 'import']).nullable(),
  reason: z.string().nullable(),
  changedAt: z.string().nullable(),
})
const consentsResponse = z.object({ email: consentSchema, sms: consentSchema })
const messageSchema = z.object({
  id: z.string(),
  channel: z.enum(['email', 'sms']),
  kind: z.enum(['advertising', 'care']),
  recipient: z.string(),
  subject: z.string().nullable(),
  sourceType: z.string(),
  sourceId: z.string(),
  status: z.enum(['queued', 'sent', 'failed', 'skipped', 'unknown']),
  reason: z.string().nullable(),
  providerId: z.string().nullable(),
  parts: z.number().int().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
})
export const consentInput = z.object({
  state: z.enum(['consented', 'refused']),
  reason: z.string().trim().min(1, 'Hãy ghi lý do').max(500),
})

const view = (c: Consent) => ({ ...c, changedAt: c.changedAt?.toISOString() ?? null })

export default async function memberMessagingRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  const requireCustomer = async (shopId: string, customerId: number) => {
    const [row] = await app.db.select({ id: customers.id }).from(customers).where(and(eq(customers.shopId, shopId), eq(customers.id, customerId)))
    if (!row) throw new NotFoundError('Không tìm thấy khách hàng (customer not found)')
  }
  const consents = async (shopId: string, customerId: number) => {
    const c = await getConsents(app.db, shopId, customerId)
    return { email: view(c.email), sms: view(c.sms) }
  }

  app.get('/members/:customerId/messages', {
    schema: { summary: 'The messages sent (or skipped) to a member, newest first', tags: ['members', 'messaging'], params, querystring: page, response: { 200: z.object({ items: z.array(messageSchema), total: z.number().int(), page: z.number().int(), limit: z.number().int() }) } },
  }, async (request) => {
    const { shopId } = request.shop
    await requireCustomer(shopId, request.params.customerId)
    const r = await listCustomerMessages(app.db, shopId, request.params.customerId, request.query.page, request.query.limit)
    return { ...r, items: r.items.map(m => ({ ...m, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null })) }
  })

  app.get('/members/:customerId/consents', {
    schema: { summary: 'Consent to receive messages, per channel: state, source and when', tags: ['members', 'messaging'], params, response: { 200: consentsResponse } },
  }, async (request) => {
    await requireCustomer(request.shop.shopId, request.params.customerId)
    return consents(request.shop.shopId, request.params.customerId)
  })

  app.put('/members/:customerId/consents/:channel', {
    schema: { summary: 'Record a consent or a refusal from the admin, with a reason', tags: ['members', 'messaging'], params: params.extend({ channel: z.enum(['email', 'sms']) }), body: z.unknown(), response: { 200: consentsResponse } },
  }, async (request) => {
    const { shopId, userId } = request.shop
    const { customerId, channel } = request.params
    await requireCustomer(shopId, customerId)
    const input = parseVi(consentInput, request.body)
    await recordConsent(app.db, shopId, customerId, channel, { ...input, source: 'admin', actor: userId }, app.clock())
    await logActivity(app.db, shopId, { actor: userId, action: `member.consent.${input.state}`, subject: String(customerId), details: { channel, reason: input.reason } }, app.clock())
    return consents(shopId, customerId)
  })
}
