// Nhật ký hoạt động: GET /api/activity, newest first, filtered by action prefix, actor (or kind of actor) and date range.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { activityList, activityQuery } from '../../api-types/activity.ts'
import { listActivity } from '../activity.ts'

export default async function activityRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get('/activity', {
    schema: { summary: 'Activity log (Nhật ký hoạt động)', tags: ['activity'], querystring: activityQuery, response: { 200: activityList } },
  }, async (request) => {
    const { from, to, ...q } = request.query
    return listActivity(app.db, request.shop.shopId, { ...q, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined })
  })
}
