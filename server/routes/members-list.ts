// Hồ sơ thành viên: GET /api/members (members only, paginated, filtered, sorted) and its CSV export.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { z } from 'zod'
import { sendCsv } from '../segments/csv.ts'
import { filterQuery, listResponse, pageQuery, pageRequest } from '../segments/http.ts'
import { listBatches, listPage, type ListContext } from '../segments/lists.ts'
import { segmentDefinition } from '../segments/store.ts'

const listQuery = filterQuery.extend(pageQuery.shape)

function context (request: FastifyRequest, now: Date): ListContext {
  return { shopId: request.shop.shopId, scope: 'members', now, timeZone: request.shop.timezone }
}

export default async function membersListRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/members', {
    schema: { summary: 'Member profiles (Hồ sơ thành viên)', tags: ['members'], querystring: listQuery, response: { 200: listResponse } },
  }, async (request) => {
    const q = request.query
    const filters = { q: q.q, filter: q.filter, definition: await segmentDefinition(app.db, request.shop.shopId, q.segment) }
    return listPage(app.db, context(request, app.clock()), filters, pageRequest(q, 'memberSince'))
  })

  app.get('/members/export.csv', {
    schema: { summary: 'Member profiles as CSV (UTF-8 with BOM)', tags: ['members'], querystring: filterQuery },
  }, async (request, reply) => {
    const q: z.infer<typeof filterQuery> = request.query
    const filters = { q: q.q, filter: q.filter, definition: await segmentDefinition(app.db, request.shop.shopId, q.segment) }
    const batches = listBatches(app.db, context(request, app.clock()), filters)
    return sendCsv(reply, 'ho-so-thanh-vien.csv', batches, { timeZone: request.shop.timezone, withMemberColumn: false })
  })
}
