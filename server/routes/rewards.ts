// Ưu đãi: the redemption catalogue, automatic rewards, redeeming points for a code, and the held rewards the merchant must act on.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { autoSchema, optionSchema, redeemBody, REWARD_STATUSES, rewardList, rewardSchema } from '../../api-types/rewards.ts'
import { BadRequestError } from '../errors.ts'
import { getAutoRewards, getRewardOptions, replaceAutoRewards, replaceRewardOptions } from '../loyalty/rewards-catalogue.ts'
import { confirmManualReward, listRewards, redeemReward, retryHeldReward, type RewardDeps } from '../loyalty/rewards.ts'
import { parseVi } from '../loyalty/validation.ts'

const memberParams = z.object({ customerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
const rewardParams = z.object({ id: z.string().uuid() })
const listQuery = z.object({
  status: z.enum(REWARD_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(20),
})

export default async function rewardRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const deps = (): RewardDeps => ({
    db: app.db,
    client: app.haravan,
    clock: app.clock,
    log: app.log,
  })

  app.get('/rewards/options', {
    schema: { summary: 'Redemption options (points → discount code)', tags: ['rewards'], response: { 200: z.array(optionSchema) } },
  }, async (request) => getRewardOptions(app.db, request.shop.shopId))

  app.put('/rewards/options', {
    schema: { summary: 'Replace the redemption options (ordered)', tags: ['rewards'], body: z.unknown(), response: { 200: z.array(optionSchema) } },
  }, async (request) => replaceRewardOptions(app.db, request.shop.shopId, request.body, request.shop.userId, app.clock()))

  app.get('/rewards/automatic', {
    schema: { summary: 'Automatic rewards: first purchase, registration, tier upgrade', tags: ['rewards'], response: { 200: z.array(autoSchema) } },
  }, async (request) => getAutoRewards(app.db, request.shop.shopId))

  app.put('/rewards/automatic', {
    schema: { summary: 'Replace the automatic rewards', tags: ['rewards'], body: z.unknown(), response: { 200: z.array(autoSchema) } },
  }, async (request) => replaceAutoRewards(app.db, request.shop.shopId, request.body, request.shop.userId, app.clock()))

  app.get('/rewards', {
    schema: { summary: 'Rewards of the shop, newest first; ?status=held lists what the merchant must act on', tags: ['rewards'], querystring: listQuery, response: { 200: rewardList } },
  }, async (request) => listRewards(app.db, request.shop.shopId, request.query))

  app.get('/members/:customerId/rewards', {
    schema: { summary: 'A member\'s rewards, newest first', tags: ['rewards'], params: memberParams, querystring: listQuery, response: { 200: rewardList } },
  }, async (request) => listRewards(app.db, request.shop.shopId, { ...request.query, customerId: request.params.customerId }))

  app.post('/members/:customerId/rewards', {
    schema: {
      summary: 'Redeem points for a discount code ({ optionId }); Idempotency-Key header required. 409 when points are short',
      tags: ['rewards'],
      params: memberParams,
      body: z.unknown(),
      response: { 201: rewardSchema.extend({ created: z.boolean() }), 200: rewardSchema.extend({ created: z.boolean() }) },
    },
  }, async (request, reply) => {
    const header = request.headers['idempotency-key']
    if (typeof header !== 'string' || header.trim() === '' || header.length > 200) {
      throw new BadRequestError('Thiếu header Idempotency-Key (1–200 ký tự) cho yêu cầu đổi điểm')
    }
    const { optionId } = parseVi(redeemBody, request.body)
    const result = await redeemReward(deps(), request.shop.shopId, request.params.customerId, optionId, header.trim(), request.shop.userId)
    reply.code(result.created ? 201 : 200)
    return result
  })

  app.post('/rewards/:id/retry', {
    schema: { summary: 'Retry creating a held reward\'s code on Haravan (spends the points again)', tags: ['rewards'], params: rewardParams, response: { 200: rewardSchema } },
  }, async (request) => retryHeldReward(deps(), request.shop.shopId, request.params.id, request.shop.userId))

  app.post('/rewards/:id/confirm-manual', {
    schema: { summary: 'The merchant created the held code by hand in Haravan admin: spend and mark it issued', tags: ['rewards'], params: rewardParams, response: { 200: rewardSchema } },
  }, async (request) => confirmManualReward(deps(), request.shop.shopId, request.params.id, request.shop.userId))
}
