// Nhật ký hoạt động: GET /api/activity, newest first, filtered by action prefix, actor (or kind of actor) and date range.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ACTOR_KINDS, listActivity } from '../activity.ts'

const query = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  actorKind: z.enum(ACTOR_KINDS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})

const item = z.object({
  id: z.number().int(),
  actor: z.string().nullable(),
  // merchant: the shop's staff (actor is their Haravan user id); haravan: Haravan's own events; system: the app's jobs.
  actorKind: z.enum(ACTOR_KINDS),
  action: z.string(),
  subject: z.string().nullable(),
  // The member's name, the import's file name or the group's name; null when the subject has none (or is gone).
  subjectLabel: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
})

export default async function activityRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get('/activity', {
    schema: { summary: 'Activity log (Nhật ký hoạt động)', tags: ['activity'], querystring: query, response: { 200: z.object({ items: z.array(item), total: z.number().int() }) } },
  }, async (request) => {
    const { from, to, ...q } = request.query
    return listActivity(app.db, request.shop.shopId, { ...q, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined })
  })
}
