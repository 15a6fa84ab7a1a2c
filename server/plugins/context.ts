// Decorates the app with its injected dependencies, so routes reach them as app.db, app.clock, app.config.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type PgBoss from 'pg-boss'
import type { Db, Database } from '../../db/client.ts'
import type { Config } from '../config.ts'
import type { Mailer } from '../mail.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    database: Database
    db: Db
    clock: () => Date
    boss: PgBoss | null
    mailer: Mailer
  }
}

export interface ContextOptions { config: Config, database: Database, clock: () => Date, boss: PgBoss | null, mailer: Mailer }

async function contextPlugin (app: FastifyInstance, opts: ContextOptions) {
  app.decorate('config', opts.config)
  app.decorate('database', opts.database)
  app.decorate('db', opts.database.db)
  app.decorate('clock', opts.clock)
  app.decorate('boss', opts.boss)
  app.decorate('mailer', opts.mailer)
}

export default fp(contextPlugin, { name: 'context' })
