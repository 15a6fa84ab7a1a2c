// Nhật ký hoạt động: GET /api/activity, newest first, filtered by action prefix, actor and date range.
import { and, count, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { activityLog } from '../../db/schema/index.ts'
import { escapeLike } from '../segments/search.ts'

const query = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})

const item = z.object({
  id: z.number().int(),
  actor: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
})

export default async function activityRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get('/activity', {
    schema: { summary: 'Activity log (Nhật ký hoạt động)', tags: ['activity'], querystring: query, response: { 200: z.object({ items: z.array(item), total: z.number().int() }) } },
  }, async (request) => {
    const q = request.query
    const where: SQL[] = [eq(activityLog.shopId, request.shop.shopId)]
    if (q.action) where.push(like(activityLog.action, `${escapeLike(q.action)}%`))
    if (q.actor) where.push(eq(activityLog.actor, q.actor))
    if (q.from) where.push(gte(activityLog.createdAt, new Date(q.from)))
    if (q.to) where.push(lt(activityLog.createdAt, new Date(q.to)))
    const [rows, [total]] = await Promise.all([
      app.db.select().from(activityLog).where(and(...where))
        .orderBy(desc(activityLog.createdAt), desc(activityLog.id)).limit(q.limit).offset((q.page - 1) * q.limit),
      app.db.select({ n: count() }).from(activityLog).where(and(...where)),
    ])
    return {
      items: rows.map((r) => ({ id: Number(r.id), actor: r.actor, action: r.action, subject: r.subject, details: r.details, createdAt: new Date(r.createdAt).toISOString() })),
      total: Number(total?.n ?? 0),
    }
  })
}
