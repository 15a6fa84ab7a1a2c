// Decorates the app with its Haravan client (app.haravan): one per app, so every caller shares one leaky bucket per shop.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { HaravanClient } from '../haravan/client.ts'
import { createAppHaravanClient } from '../haravan/tokens.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Haravan's REST and webhook-subscription API for the installed shops (server/haravan/client.ts) */
    haravan: HaravanClient
  }
}

export interface HaravanPluginOptions {
  /** Given by buildApp's caller; otherwise built from the config with the tokens stored in `shops`. */
  client?: HaravanClient
}

async function haravanPlugin (app: FastifyInstance, opts: HaravanPluginOptions) {
  // The root logger: the client is shared by every request and job of the app.
  app.decorate('haravan', opts.client ?? createAppHaravanClient({ db: app.db, config: app.config, clock: app.clock, logger: app.log }))
}

export default fp(haravanPlugin, { name: 'haravan', dependencies: ['context'] })
