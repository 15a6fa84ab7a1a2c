// buildApp(deps): the whole HTTP app as a function of its dependencies; it never reads env or the wall clock itself.
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type PgBoss from 'pg-boss'
import type { Database } from '../db/client.ts'
import installRoutes from './auth/oauth.ts'
import type { Config } from './config.ts'
import { createMailer, type Mailer } from './mail.ts'
import { stopBoss } from './jobs/boss.ts'
import { registerJobs } from './jobs/index.ts'
import authPlugin from './plugins/auth.ts'
import contextPlugin from './plugins/context.ts'
import errorHandler from './plugins/error-handler.ts'
import spaPlugin from './plugins/spa.ts'
import webhookRoutes from '../webhooks/index.ts'
import healthRoutes from './routes/health.ts'
import apiRoutes from './routes/index.ts'
import { useVietnameseZodMessages } from './zod-vi.ts'

export interface AppDeps {
  config: Config
  database: Database
  /** A started pg-boss, or null where no background work is needed (some tests). */
  boss?: PgBoss | null
  /** How often idle workers poll (seconds); tests lower it. */
  jobPollingSeconds?: number
  clock?: () => Date
  /** A pino instance (server/index.ts) or logger options (tests pass false). */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger']
  uiDistDir?: string
  /** Outgoing mail; default createMailer(config) (SMTP_URL, or .eml files in DATA_DIR/outbox). */
  mailer?: Mailer
}

// Secrets never reach the log, whatever object carries them.
export const LOG_REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-haravan-hmacsha256"]', 'req.headers["x-haravan-hmac-sha256"]',
  'res.headers["set-cookie"]', '*.access_token', '*.refresh_token', '*.id_token', '*.client_secret', '*.password',
  '*.accessToken', '*.refreshToken', '*.token', '*.smtpPassword',
]

export function loggerOptions (config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: LOG_REDACT, censor: '[redacted]' },
  }
}

export async function buildApp (deps: AppDeps) {
  const { config } = deps
  // Merchants read the 400s: zod's default messages in Vietnamese (schemas with their own message keep it).
  useVietnameseZodMessages()
  const isInstance = typeof deps.logger === 'object' && deps.logger !== null && 'child' in deps.logger
  const app = Fastify({
    ...(isInstance ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: (deps.logger as FastifyServerOptions['logger']) ?? loggerOptions(config) }),
    trustProxy: true,
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await app.register(contextPlugin, { config, database: deps.database, clock: deps.clock ?? (() => new Date()), boss: deps.boss ?? null, mailer: deps.mailer ?? createMailer(config) })
  await app.register(errorHandler)
  await app.register(helmet, {
    // The admin lives in an iframe in the Haravan dashboard: frame-ancestors replaces X-Frame-Options.
    frameguard: false,
    crossOriginEmbedderPolicy: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'", config.haravan.accountsUrl],
        frameAncestors: ["'self'", 'https://*.myharavan.com'],
        upgradeInsecureRequests: config.appUrl.startsWith('https://') ? [] : null,
      },
    },
  })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tích Điểm admin API', version: '1.0.0', description: 'Admin API of the Tích Điểm loyalty app for Haravan merchants.' },
      components: { securitySchemes: { session: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  })
  await app.register(authPlugin)

  await app.register(healthRoutes)
  await app.register(apiRoutes, { prefix: '/api' })
  await app.register(installRoutes)
  await app.register(webhookRoutes)
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(spaPlugin, { distDir: deps.uiDistDir })

  // While closing, a connection whose last request finishes is closed as soon as it is idle. (Fastify closes the idle
  // ones once, when close starts; a keep-alive client whose request was in flight then held the close for the 72 s
  // keep-alive timeout, and SIGTERM with it.)
  let sweeper: NodeJS.Timeout | undefined
  app.addHook('preClose', async () => { sweeper = setInterval(() => app.server.closeIdleConnections(), 100).unref() })
  app.addHook('onClose', async () => { clearInterval(sweeper) })

  const boss = deps.boss
  // Closing the app finishes running jobs (or leaves them to expire and retry) before the database goes.
  if (boss) {
    app.addHook('onReady', async () => { await registerJobs(app, { pollingIntervalSeconds: deps.jobPollingSeconds }) })
    app.addHook('onClose', async () => { await stopBoss(boss) })
  }
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
