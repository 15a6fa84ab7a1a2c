// GET /healthz: 200 once migrations ran and the database answers; 503 when it fails or does not answer within 3 s.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { migrationsReadable } from '../../db/migrate.ts'
import { sendError } from '../plugins/error-handler.ts'

const HEALTH_TIMEOUT_MS = 3000

export default async function healthRoutes (app: FastifyInstance) {
  app.get('/healthz', {
    schema: { summary: 'Health check', tags: ['system'], response: { 200: z.object({ status: z.literal('ok') }) } },
    logLevel: 'warn',
  }, async (request, reply) => {
    let timer: NodeJS.Timeout | undefined
    // A wedged database never answers: the check must, so an operator (or a load balancer) sees it.
    const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS) })
    try {
      await Promise.race([migrationsReadable(app.db), timeout])
      return { status: 'ok' as const }
    } catch (err) {
      request.log.error({ error: (err as Error).message }, 'health check failed')
      return sendError(reply, request, 503, 'Cơ sở dữ liệu chưa sẵn sàng')
    } finally {
      clearTimeout(timer)
    }
  })
}
