// Khách hàng từ Haravan: GET /api/customers (members or not), CSV export, and bulk manual activation.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { activateCustomers } from '../loyalty/members.ts'
import { sendCsv } from '../segments/csv.ts'
import { filterQuery, listResponse, pageQuery, pageRequest, registeredQuery } from '../segments/http.ts'
import { listBatches, listPage, type ListContext, type ListFilters } from '../segments/lists.ts'
import { segmentDefinition } from '../segments/store.ts'
import type { Db } from '../../db/client.ts'

const exportQuery = filterQuery.extend(registeredQuery.shape)
const listQuery = exportQuery.extend(pageQuery.shape)

function context (request: FastifyRequest, now: Date): ListContext {
  return { shopId: request.shop.shopId, scope: 'customers', now, timeZone: request.shop.timezone }
}

async function filtersOf (db: Db, shopId: string, q: z.infer<typeof exportQuery>): Promise<ListFilters> {
  return {
    q: q.q,
    filter: q.filter,
    definition: await segmentDefinition(db, shopId, q.segment),
    registered: q.registered === undefined ? undefined : q.registered === 'true',
  }
}

export default async function customersListRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/customers', {
    schema: { summary: 'Customers from Haravan (Khách hàng từ Haravan)', tags: ['customers'], querystring: listQuery, response: { 200: listResponse } },
  }, async (request) => {
    const filters = await filtersOf(app.db, request.shop.shopId, request.query)
    return listPage(app.db, context(request, app.clock()), filters, pageRequest(request.query, 'lastOrderAt'))
  })

  app.get('/customers/export.csv', {
    schema: { summary: 'Customers as CSV (UTF-8 with BOM)', tags: ['customers'], querystring: exportQuery },
  }, async (request, reply) => {
    const filters = await filtersOf(app.db, request.shop.shopId, request.query)
    const batches = listBatches(app.db, context(request, app.clock()), filters)
    return sendCsv(reply, 'khach-hang-haravan.csv', batches, { timeZone: request.shop.timezone, withMemberColumn: true })
  })

  // Kích hoạt thành viên, one or many (each customer in its own transaction).
  app.post('/customers/activate', {
    schema: {
      summary: 'Activate customers as members (manual)',
      tags: ['customers'],
      body: z.object({ customerIds: z.array(z.number().int().positive()).min(1).max(500) }),
      response: { 200: z.object({ activated: z.array(z.number().int()), alreadyMembers: z.array(z.number().int()), notFound: z.array(z.number().int()) }) },
    },
  }, async (request) => {
    return activateCustomers(app.db, request.shop.shopId, request.body.customerIds, request.shop.userId, app.clock)
  })
}
