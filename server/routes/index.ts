// The admin API (/api): every route here runs after authentication, with request.shop set.
import type { FastifyInstance } from 'fastify'
import shopRoutes from './shop.ts'

export default async function apiRoutes (app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate)
  await app.register(shopRoutes)
}
