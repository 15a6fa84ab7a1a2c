// The admin API (/api): every route here runs after authentication, with request.shop set.
import type { FastifyInstance } from 'fastify'
import shopRoutes from './shop.ts'
import importRoutes, { type ImportRoutesOptions } from './imports.ts'
import membersListRoutes from './members-list.ts'
import customersListRoutes from './customers-list.ts'
import segmentRoutes from './segments.ts'
import activityRoutes from './activity.ts'
import settingsRoutes from './settings.ts'
import memberRoutes from './member.ts'
import rewardRoutes from './rewards.ts'
import messagingSettingsRoutes from './messaging-settings.ts'
import memberMessagingRoutes from './member-messaging.ts'
import campaignRoutes from './campaigns.ts'
import overviewRoutes from '../overview/routes.ts'

export default async function apiRoutes (app: FastifyInstance, opts: ImportRoutesOptions = {}) {
  app.addHook('onRequest', app.authenticate)
  await app.register(shopRoutes)
  await app.register(importRoutes, { maxUploadBytes: opts.maxUploadBytes })
  await app.register(membersListRoutes)
  await app.register(customersListRoutes)
  await app.register(segmentRoutes)
  await app.register(activityRoutes)
  await app.register(settingsRoutes)
  await app.register(memberRoutes)
  await app.register(rewardRoutes)
  await app.register(messagingSettingsRoutes)
  await app.register(memberMessagingRoutes)
  await app.register(campaignRoutes)
  await app.register(overviewRoutes)
}
