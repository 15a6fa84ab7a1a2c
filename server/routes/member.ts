// One member: GET /api/members/:customerId, its points history, manual activation and point adjustments.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { activateManually, adjustPoints, memberProfile, pointsHistory } from '../loyalty/members.ts'
import { parseVi } from '../loyalty/validation.ts'

const params = z.object({ customerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
const historyQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(20),
})
const iso = z.string()

const profileSchema = z.object({
  customerId: z.number().int(),
  name: z.string(),
  personal: z.object({
    birthday: z.string().nullable(),
    gender: z.enum(['male', 'female', 'unknown']),
    address: z.string().nullable(),
    province: z.string().nullable(),
    district: z.string().nullable(),
    ward: z.string().nullable(),
  }),
  membership: z.object({
    tier: z.object({ id: z.string(), name: z.string() }),
    pointsAvailable: z.number().int(),
    pointsPending: z.number().int(),
    pointsUsed: z.number().int(),
    pointsExpired: z.number().int(),
    rankPoints: z.number().int(),
    totalSpent: z.number().int(),
    ordersCount: z.number().int(),
    averageOrderValue: z.number().int(),
    lastOrderAt: iso.nullable(),
    memberSince: iso,
    activationSource: z.enum(['auto', 'manual', 'import']),
  }),
  contact: z.object({ phone: z.string().nullable(), email: z.string().nullable() }),
})

const entrySchema = z.object({
  id: z.number().int(),
  kind: z.enum(['earn', 'opening', 'redeem', 'reverse', 'expire', 'adjust', 'release']),
  points: z.number().int(),
  rankPoints: z.number().int(),
  state: z.enum(['pending', 'available']),
  reason: z.string().nullable(),
  source: z.enum(['order', 'import', 'adjustment', 'reward', 'system']),
  sourceId: z.string().nullable(),
  actor: z.string().nullable(),
  createdAt: iso,
  availableAt: iso,
  expiresAt: iso.nullable(),
  // Order entries: the order's name at Haravan (#100503) and its date there; otherwise null and the entry's own time.
  orderName: z.string().nullable(),
  occurredAt: iso,
})

export const adjustmentSchema = z.object({
  points: z.number().int().min(-1_000_000_000).max(1_000_000_000).refine(n => n !== 0, 'Số điểm điều chỉnh phải khác 0'),
  reason: z.string().trim().min(1).max(500),
})

export default async function memberRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/members/:customerId', {
    schema: { summary: 'A member profile: personal, membership and contact info', tags: ['members'], params, response: { 200: profileSchema } },
  }, async (request) => memberProfile(app.db, request.shop.shopId, request.params.customerId))

  app.get('/members/:customerId/points', {
    schema: {
      summary: 'Points history, newest first',
      tags: ['members'],
      params,
      querystring: historyQuery,
      response: { 200: z.object({ items: z.array(entrySchema), total: z.number().int(), page: z.number().int(), limit: z.number().int() }) },
    },
  }, async (request) => pointsHistory(app.db, request.shop.shopId, request.params.customerId, request.query.page, request.query.limit))

  app.post('/members/:customerId/activate', {
    schema: { summary: 'Activate a customer as a member (manual)', tags: ['members'], params, response: { 200: profileSchema.extend({ created: z.boolean() }) } },
  }, async (request) => {
    const { shopId, userId } = request.shop
    const { created } = await activateManually(app.db, shopId, request.params.customerId, userId, app.clock())
    return { ...await memberProfile(app.db, shopId, request.params.customerId), created }
  })

  app.post('/members/:customerId/adjustments', {
    schema: {
      summary: 'Adjust a member\'s points with a reason (negative = clawback); Idempotency-Key header optional',
      tags: ['members'],
      params,
      body: z.unknown(),
      response: { 201: profileSchema.extend({ created: z.boolean() }) },
    },
  }, async (request, reply) => {
    const { shopId, userId } = request.shop
    const body = parseVi(adjustmentSchema, request.body)
    const header = request.headers['idempotency-key']
    const idempotencyKey = typeof header === 'string' && header.length > 0 && header.length <= 200 ? header : undefined
    const { created } = await adjustPoints(app.db, shopId, request.params.customerId, { ...body, idempotencyKey }, userId, app.clock())
    reply.code(201)
    return { ...await memberProfile(app.db, shopId, request.params.customerId), created }
  })
}
