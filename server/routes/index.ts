// The admin API (/api): every route here runs after authentication, with request.shop set.
import type { FastifyInstance } from 'fastify'
import shopRoutes from './shop.ts'
import importRoutes from './imports.ts'
import membersListRoutes from './members-list.ts'
import customersListRoutes from './customers-list.ts'
import segmentRoutes from './segments.ts'
import activityRoutes from './activity.ts'
import settingsRoutes from './settings.ts'
import memberRoutes from './member.ts'
import rewardRoutes from './rewards.ts'
import overviewRoutes from '../overview/routes.ts'

export default async function apiRoutes (app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate)
  await app.register(shopRoutes)
  await app.register(importRoutes)
  await app.register(membersListRoutes)
  await app.register(customersListRoutes)
  await app.register(segmentRoutes)
  await app.register(activityRoutes)
  await app.register(settingsRoutes)
  await app.register(memberRoutes)
  await app.register(rewardRoutes)
  await app.register(overviewRoutes)
}
