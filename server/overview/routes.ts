// GET /api/dashboard: Tổng quan's figures for a period (ISO dates in the shop's time zone) and the period before.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { dashboardResponse } from '../../api-types/overview.ts'
import { dashboard } from './service.ts'

// Shape only here; the dates themselves (real days, from ≤ to, the span) are checked by resolvePeriod with Vietnamese messages.
const query = z.object({ from: z.string().max(10).optional(), to: z.string().max(10).optional() })

export default async function overviewRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get('/dashboard', {
    schema: { summary: 'Tổng quan: the programme at a glance for a period, against the period before', tags: ['overview'], querystring: query, response: { 200: dashboardResponse } },
  }, async (request) => dashboard(app.db, request.shop, request.query, app.clock()))
}
