// GET /api/shop: the shop the session belongs to.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'

export const shopSchema = z.object({
  orgid: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  timezone: z.string(),
  sandbox: z.boolean(),
})

export default async function shopRoutes (app: FastifyInstance) {
  app.get('/shop', {
    schema: { summary: 'The current shop', tags: ['shop'], response: { 200: shopSchema } },
  }, async (request) => {
    const { shopId, name, domain, timezone, sandbox } = request.shop
    return { orgid: shopId, name, domain, timezone, sandbox }
  })
}
