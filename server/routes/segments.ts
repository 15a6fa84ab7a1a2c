// Nhóm khách hàng: saved condition sets, evaluated live (counts, members, export); never materialised.
import { randomUUID } from 'node:crypto'
import { and, asc, eq, ne } from 'drizzle-orm'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { segments } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { BadRequestError, ConflictError } from '../errors.ts'
import { definitionSchema, parseDefinition, type Condition } from '../segments/compile.ts'
import { sendCsv } from '../segments/csv.ts'
import { listResponse, pageQuery, pageRequest } from '../segments/http.ts'
import { countMatching, listBatches, listPage, listWhere, type ListContext } from '../segments/lists.ts'
import { findSegment } from '../segments/store.ts'
import { unknownTierProblems } from '../segments/tiers.ts'
import { getTiers } from '../loyalty/tiers.ts'
import type { Tier } from '../loyalty/rules.ts'

const segmentBody = z.object({ name: z.string().trim().min(1).max(120), definition: definitionSchema })
const segmentOut = z.object({
  id: z.string(),
  name: z.string(),
  definition: z.record(z.string(), z.unknown()),
  count: z.number().int(),
  // Vietnamese sentences on what makes the saved group match wrongly (a tier deleted since); empty when fine.
  problems: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
})
const idParams = z.object({ id: z.string().max(64) })

const duplicateName = (name: string) => new ConflictError(`Tên nhóm khách hàng "${name}" đã tồn tại. Hãy chọn tên khác hoặc lưu đè lên nhóm đó.`)

function isUniqueViolation (err: unknown): boolean {
  for (let e = err as { code?: string, cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true
  }
  return false
}

export default async function segmentRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const ctx = (request: FastifyRequest): ListContext =>
    ({ shopId: request.shop.shopId, scope: 'customers', now: app.clock(), timeZone: request.shop.timezone })
  const count = (request: FastifyRequest, definition: unknown) => countMatching(app.db, ctx(request), listWhere(ctx(request), { definition }))
  const out = async (request: FastifyRequest, row: typeof segments.$inferSelect, tiers: Tier[]) => ({
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
  const nameTaken = async (shopId: string, name: string, exceptId?: string) => {
    const [row] = await app.db.select({ id: segments.id }).from(segments)
      .where(and(eq(segments.shopId, shopId), eq(segments.name, name), exceptId ? ne(segments.id, exceptId) : undefined)).limit(1)
    return row !== undefined
  }

  app.get('/segments', {
    schema: { summary: 'Customer groups with live counts', tags: ['segments'], response: { 200: z.object({ items: z.array(segmentOut) }) } },
  }, async (request) => {
    const rows = await app.db.select().from(segments).where(eq(segments.shopId, request.shop.shopId)).orderBy(asc(segments.name))
    const tiers = await getTiers(app.db, request.shop.shopId)
    return { items: await Promise.all(rows.map((r) => out(request, r, tiers))) }
  })

  app.post('/segments/preview', {
    schema: { summary: 'How many customers a definition matches now', tags: ['segments'], body: z.object({ definition: definitionSchema }), response: { 200: z.object({ count: z.number().int() }) } },
  }, async (request) => ({ count: await count(request, await checkedDefinition(request.shop.shopId, request.body.definition)) }))

  app.post('/segments', {
    schema: { summary: 'Save a new group (Lưu bộ lọc)', tags: ['segments'], body: segmentBody, response: { 201: segmentOut } },
  }, async (request, reply) => {
    const { shopId, userId } = request.shop
    const definition = await checkedDefinition(shopId, request.body.definition)
    const { name } = request.body
    if (await nameTaken(shopId, name)) throw duplicateName(name)
    const now = app.clock()
    const row = await app.db.transaction(async (tx) => {
      const [created] = await tx.insert(segments).values({ shopId, id: randomUUID(), name, definition, createdBy: userId, createdAt: now, updatedAt: now }).returning()
      await logActivity(tx, shopId, { actor: userId, action: 'segment.created', subject: created!.id, details: { name } }, now)
      return created!
    }).catch((err: unknown) => { throw isUniqueViolation(err) ? duplicateName(name) : err })
    return reply.code(201).send(await out(request, row, await getTiers(app.db, shopId)))
  })

  app.put('/segments/:id', {
    schema: { summary: 'Overwrite a group (lưu đè)', tags: ['segments'], params: idParams, body: segmentBody, response: { 200: segmentOut } },
  }, async (request) => {
    const { shopId, userId } = request.shop
    const existing = await findSegment(app.db, shopId, request.params.id)
    const definition = await checkedDefinition(shopId, request.body.definition)
    const { name } = request.body
    if (await nameTaken(shopId, name, existing.id)) throw duplicateName(name)
    const now = app.clock()
    const row = await app.db.transaction(async (tx) => {
      const [updated] = await tx.update(segments).set({ name, definition, updatedAt: now })
        .where(and(eq(segments.shopId, shopId), eq(segments.id, existing.id))).returning()
      await logActivity(tx, shopId, { actor: userId, action: 'segment.updated', subject: existing.id, details: { name, previousName: existing.name } }, now)
      return updated!
    }).catch((err: unknown) => { throw isUniqueViolation(err) ? duplicateName(name) : err })
    return out(request, row, await getTiers(app.db, shopId))
  })

  app.delete('/segments/:id', {
    schema: { summary: 'Delete a group', tags: ['segments'], params: idParams },
  }, async (request, reply) => {
    const { shopId, userId } = request.shop
    const existing = await findSegment(app.db, shopId, request.params.id)
    const now = app.clock()
    await app.db.transaction(async (tx) => {
      await tx.delete(segments).where(and(eq(segments.shopId, shopId), eq(segments.id, existing.id)))
      await logActivity(tx, shopId, { actor: userId, action: 'segment.deleted', subject: existing.id, details: { name: existing.name } }, now)
    })
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
