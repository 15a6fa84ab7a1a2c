// Nhóm khách hàng: saved condition sets, evaluated live (counts, members, export); never materialised.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { BadRequestError } from '../errors.ts'
import { segmentBody, segmentList, segmentOut, segmentPreviewBody, segmentPreviewResponse, type Condition } from '../../api-types/segments.ts'
import { parseDefinition } from '../segments/compile.ts'
import { sendCsv } from '../segments/csv.ts'
import { listResponse, pageQuery, pageRequest } from '../segments/http.ts'
import { countMatching, listBatches, listPage, listWhere, type ListContext } from '../segments/lists.ts'
import { createSegment, deleteSegment, findSegment, listSegments, updateSegment, type SegmentRow } from '../segments/store.ts'
import { unknownTierProblems } from '../segments/tiers.ts'
import { getTiers } from '../loyalty/tiers.ts'
import type { Tier } from '../loyalty/rules.ts'

const idParams = z.object({ id: z.string().max(64) })

export default async function segmentRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const ctx = (request: FastifyRequest): ListContext =>
    ({ shopId: request.shop.shopId, scope: 'customers', now: app.clock(), timeZone: request.shop.timezone })
  const count = (request: FastifyRequest, definition: unknown) => countMatching(app.db, ctx(request), listWhere(ctx(request), { definition }))
  const out = async (request: FastifyRequest, row: SegmentRow, tiers: Tier[]) => ({
    id: row.id,
    name: row.name,
    definition: row.definition,
    count: await count(request, row.definition),
    problems: unknownTierProblems(row.definition as { conditions?: Condition[] }, tiers, 'saved'),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  })
  // A tier is asked for by id: an id that is not one of the shop's tiers would silently match nobody.
  const checkedDefinition = async (shopId: string, input: unknown) => {
    const definition = parseDefinition(input)
    const problems = unknownTierProblems(definition, await getTiers(app.db, shopId), 'saving')
    if (problems.length > 0) throw new BadRequestError(`Điều kiện lọc không hợp lệ: ${problems.join(' ')}`)
    return definition
  }

  app.get('/segments', {
    schema: { summary: 'Customer groups with live counts', tags: ['segments'], response: { 200: segmentList } },
  }, async (request) => {
    const rows = await listSegments(app.db, request.shop.shopId)
    const tiers = await getTiers(app.db, request.shop.shopId)
    return { items: await Promise.all(rows.map((r) => out(request, r, tiers))) }
  })

  app.post('/segments/preview', {
    schema: { summary: 'How many customers a definition matches now', tags: ['segments'], body: segmentPreviewBody, response: { 200: segmentPreviewResponse } },
  }, async (request) => ({ count: await count(request, await checkedDefinition(request.shop.shopId, request.body.definition)) }))

  app.post('/segments', {
    schema: { summary: 'Save a new group (Lưu bộ lọc)', tags: ['segments'], body: segmentBody, response: { 201: segmentOut } },
  }, async (request, reply) => {
    const { shopId, userId } = request.shop
    const definition = await checkedDefinition(shopId, request.body.definition)
    const row = await createSegment(app.db, shopId, { name: request.body.name, definition }, { actor: userId, now: app.clock() })
    return reply.code(201).send(await out(request, row, await getTiers(app.db, shopId)))
  })

  app.put('/segments/:id', {
    schema: { summary: 'Overwrite a group (lưu đè)', tags: ['segments'], params: idParams, body: segmentBody, response: { 200: segmentOut } },
  }, async (request) => {
    const { shopId, userId } = request.shop
    const existing = await findSegment(app.db, shopId, request.params.id)
    const definition = await checkedDefinition(shopId, request.body.definition)
    const row = await updateSegment(app.db, shopId, existing, { name: request.body.name, definition }, { actor: userId, now: app.clock() })
    return out(request, row, await getTiers(app.db, shopId))
  })

  app.delete('/segments/:id', {
    schema: { summary: 'Delete a group', tags: ['segments'], params: idParams },
  }, async (request, reply) => {
    const { shopId, userId } = request.shop
    const existing = await findSegment(app.db, shopId, request.params.id)
    await deleteSegment(app.db, shopId, existing, { actor: userId, now: app.clock() })
    return reply.code(204).send()
  })

  app.get('/segments/:id/members', {
    schema: { summary: 'The customers in a group now', tags: ['segments'], params: idParams, querystring: pageQuery, response: { 200: listResponse } },
  }, async (request) => {
    const segment = await findSegment(app.db, request.shop.shopId, request.params.id)
    return listPage(app.db, ctx(request), { definition: segment.definition }, pageRequest(request.query, 'lastOrderAt'))
  })

  app.get('/segments/:id/export.csv', {
    schema: { summary: 'A group as CSV (UTF-8 with BOM)', tags: ['segments'], params: idParams },
  }, async (request, reply) => {
    const segment = await findSegment(app.db, request.shop.shopId, request.params.id)
    const batches = listBatches(app.db, ctx(request), { definition: segment.definition })
    return sendCsv(reply, 'nhom-khach-hang.csv', batches, { timeZone: request.shop.timezone, withMemberColumn: true })
  })
}
