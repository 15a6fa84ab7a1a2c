// The webhooks module as one plugin: its route, the batcher its deliveries go through, and the inbox retry job.
/*
 * server/app.ts only registers it. The route (webhooks/index.ts) stays encapsulated, so its raw-body parser applies
 * to it alone; the batcher is decorated on the app (fastify-plugin) because closing the app drains it and tests
 * watch its stats. The retry job is registered when the app is ready and has a started pg-boss.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { OrderBatcher, type BatcherOptions } from './batch.ts'
import webhookRoutes from './index.ts'
import { registerInboxRetryJob } from './retry.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** order and customer webhooks that arrive together are applied in one transaction (webhooks/batch.ts) */
    orderBatcher: OrderBatcher
  }
}

export interface WebhooksOptions { batcher?: BatcherOptions }

async function webhooksPlugin (app: FastifyInstance, opts: WebhooksOptions) {
  const batcher = new OrderBatcher(app.db, app.log, opts.batcher ?? { maxBatch: 100, maxInFlight: app.config.webhookBatchesInFlight })
  app.decorate('orderBatcher', batcher)
  app.addHook('onClose', async () => { await batcher.drain() })
  app.addHook('onReady', async () => {
    if (app.boss) await registerInboxRetryJob(app.boss, { db: app.db, clock: app.clock, log: app.log })
  })
  await app.register(webhookRoutes)
}

export default fp(webhooksPlugin, { name: 'webhooks', dependencies: ['context'] })
