// GET /healthz: 200 once migrations ran and the database answers.
import { sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { sendError } from '../plugins/error-handler.ts'

export default async function healthRoutes (app: FastifyInstance) {
  app.get('/healthz', {
    schema: { summary: 'Health check', tags: ['system'], response: { 200: z.object({ status: z.literal('ok') }) } },
    logLevel: 'warn',
  }, async (request, reply) => {
    try {
      await app.db.execute(sql`select 1 from drizzle.__drizzle_migrations limit 1`)
      return { status: 'ok' as const }
    } catch (err) {
      request.log.error({ err }, 'health check failed')
      return sendError(reply, request, 503, 'Cơ sở dữ liệu chưa sẵn sàng')
    }
  })
}
