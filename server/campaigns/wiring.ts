// The campaign engine of an app: its database, clock, job queue, Haravan client and app.messaging (the one way to send).
import type { FastifyInstance } from 'fastify'
import { haravanClientFor } from '../haravan/tokens.ts'
import { campaignPools } from './pools.ts'
import { createCampaignEngine, type CampaignEngine, type EngineDeps } from './engine.ts'

// Keyed by the app's database handle: the routes' encapsulated instance and the root app share it.
const engines = new WeakMap<object, { engine: CampaignEngine, deps: EngineDeps }>()

/** Builds the engine while the routes register, so its SMTP pools close with the app. */
export function registerCampaignEngine (app: FastifyInstance): void {
  const e = entry(app)
  app.addHook('onClose', async () => { e.deps.pools.close() })
}

function entry (app: FastifyInstance) {
  let e = engines.get(app.db)
  if (!e) {
    const deps: EngineDeps = {
      db: app.db,
      clock: app.clock,
      messaging: app.messaging,
      codes: haravanClientFor({ db: app.db, config: app.config, clock: app.clock, logger: app.log }),
      log: app.log,
      boss: app.boss,
      sandbox: app.config.haravan.sandbox,
      appUrl: app.config.appUrl,
      // Campaign mail has pools of its own: a long campaign never queues the shop's one-off messages behind it.
      pools: campaignPools(),
    }
    e = { engine: createCampaignEngine(deps), deps }
    engines.set(app.db, e)
  }
  return e
}

export const campaignEngine = (app: FastifyInstance): CampaignEngine => entry(app).engine
export const campaignDeps = (app: FastifyInstance): EngineDeps => entry(app).deps
