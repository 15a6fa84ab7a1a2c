// The campaign engine of an app (app.campaigns): its database, clock, job queue, Haravan client and app.messaging (the one way to send).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { campaignPools } from './pools.ts'
import { createCampaignEngine, type CampaignEngine, type EngineDeps } from './engine.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** the campaign engine (routes) and what it runs on (the campaign jobs) */
    campaigns: { engine: CampaignEngine, deps: EngineDeps }
  }
}

async function campaignsPlugin (app: FastifyInstance) {
  const deps: EngineDeps = {
    db: app.db,
    clock: app.clock,
    messaging: app.messaging,
    codes: app.haravan,
    log: app.log,
    boss: app.boss,
    sandbox: app.config.haravan.sandbox,
    appUrl: app.config.appUrl,
    // Campaign mail has pools of its own: a long campaign never queues the shop's one-off messages behind it.
    pools: campaignPools(),
  }
  app.decorate('campaigns', { engine: createCampaignEngine(deps), deps })
  app.addHook('onClose', async () => { deps.pools.close() })
}

export default fp(campaignsPlugin, { name: 'campaigns', dependencies: ['context', 'haravan', 'messaging'] })
