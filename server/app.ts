// buildApp(deps): the whole HTTP app as a function of its dependencies; it never reads env or the wall clock itself.
import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyServerOptions } from 'fastify'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import type PgBoss from 'pg-boss'
import type { Database } from '../db/client.ts'
import { keepStatisticsFresh } from '../db/statistics.ts'
import type { HaravanClient } from './haravan/client.ts'
import installRoutes from './auth/oauth.ts'
import type { Config } from './config.ts'
import { createMailer, type Mailer } from './mail.ts'
import { stopBoss } from './jobs/boss.ts'
import { registerJobs } from './jobs/index.ts'
import authPlugin from './plugins/auth.ts'
import campaignsPlugin from './campaigns/wiring.ts'
import contextPlugin from './plugins/context.ts'
import errorHandler from './plugins/error-handler.ts'
import haravanPlugin from './plugins/haravan.ts'
import messagingPlugin, { type MessagingPluginOptions } from './plugins/messaging.ts'
import spaPlugin from './plugins/spa.ts'
import webhooksPlugin from '../webhooks/plugin.ts'
import healthRoutes from './routes/health.ts'
import { cleanJson, cleanText } from './text.ts'
import apiRoutes from './routes/index.ts'
import unsubscribeRoutes from './routes/unsubscribe.ts'
import { useVietnameseZodMessages } from './zod-vi.ts'

export interface AppDeps {
  config: Config
  database: Database
  /** A started pg-boss, or null where no background work is needed (some tests). */
  boss?: PgBoss | null
  /** How often idle workers poll (seconds); tests lower it. */
  jobPollingSeconds?: number
  clock?: () => Date
  /**
   * The Haravan client of this app (app.haravan); default one built from the config, its tokens read from the
   * database. One per app: its callers share one leaky bucket per shop.
   */
  haravan?: HaravanClient
  /** A pino instance (server/index.ts) or logger options (tests pass false). */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger']
  uiDistDir?: string
  /** The CSV upload size limit in bytes (default 200 MiB; tests lower it). */
  maxUploadBytes?: number
  /** Outgoing mail; default createMailer(config) (SMTP_URL, or .eml files in DATA_DIR/outbox). */
  mailer?: Mailer
  /** Messaging overrides for tests: an SMS provider, shorter SMTP timeouts. */
  messaging?: MessagingPluginOptions
}

// Secrets never reach the log, whatever object carries them.
export const LOG_REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-haravan-hmacsha256"]', 'req.headers["x-haravan-hmac-sha256"]',
  'res.headers["set-cookie"]', '*.access_token', '*.refresh_token', '*.id_token', '*.client_secret', '*.password',
  '*.accessToken', '*.refreshToken', '*.token', '*.smtpPassword',
  '*.pwd', '*.pass', '*.passwordEnc', '*.auth', 'req.body.password',
]

/**
 * A request URL as logged: the path, and of the query only its parameter names. Query values carry secrets
 * (hub.verify_token, the launch URL's hmac and session) and personal data (a search for a name or phone).
 */
export function loggedUrl (url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()].map(k => k.slice(0, 40))
  return names.length === 0 ? url.slice(0, q) : `${url.slice(0, q)}?${[...new Set(names)].map(n => `${encodeURIComponent(n)}=…`).join('&')}`
}

export function loggerOptions (config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: LOG_REDACT, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string, url: string, hostname?: string, ip?: string }) => ({ method: req.method, url: loggedUrl(req.url), host: req.hostname }),
    },
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
    // Haravan's deliveries are not logged one by one (two lines each, thousands a second at peak): the inbox records
    // every one, the batcher logs a summary a minute, and failures are logged where they happen (webhooks/).
    logController: new LogController({ disableRequestLogging: (request: { method?: string, url?: string }) => request.method === 'POST' && request.url?.startsWith('/webhooks/') === true }),
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  // Admin inputs and search queries are cleaned before validation (server/text.ts): a NUL or a lone surrogate typed
  // into a form or the search box never reaches the database. Webhook bodies are bytes here; webhooks/body.ts cleans them.
  app.addHook('preValidation', async (request) => {
    if (request.url.startsWith('/webhooks/')) return
    if (request.query && typeof request.query === 'object') request.query = cleanJson(request.query, 8)
    if (request.params && typeof request.params === 'object') request.params = cleanJson(request.params, 2)
    const body = request.body
    if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && Object.getPrototypeOf(body) === Object.prototype) request.body = cleanJson(body)
    else if (Array.isArray(body)) request.body = cleanJson(body)
    else if (typeof body === 'string') request.body = cleanText(body)
  })

  await app.register(contextPlugin, { config, database: deps.database, clock: deps.clock ?? (() => new Date()), boss: deps.boss ?? null, mailer: deps.mailer ?? createMailer(config) })
  await app.register(haravanPlugin, { client: deps.haravan })
  await app.register(errorHandler)
  await app.register(messagingPlugin, deps.messaging ?? {})
  await app.register(campaignsPlugin)
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
  await app.register(apiRoutes, { prefix: '/api', maxUploadBytes: deps.maxUploadBytes })
  await app.register(installRoutes)
  await app.register(webhooksPlugin)
  await app.register(unsubscribeRoutes)
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(spaPlugin, { distDir: deps.uiDistDir })

  // While closing, a connection whose last request finishes is closed as soon as it is idle. (Fastify closes the idle
  // ones once, when close starts; a keep-alive client whose request was in flight then held the close for the 72 s
  // keep-alive timeout, and SIGTERM with it.)
  let sweeper: NodeJS.Timeout | undefined
  app.addHook('preClose', async () => { sweeper = setInterval(() => app.server.closeIdleConnections(), 100).unref() })
  app.addHook('onClose', async () => { clearInterval(sweeper) })

  if (deps.database.kind === 'postgres') {
    // The hot tables' planner statistics, fresh while a new shop's traffic grows them (db/statistics.ts).
    let statistics: ReturnType<typeof keepStatisticsFresh> | undefined
    app.addHook('onReady', async () => { statistics = keepStatisticsFresh(deps.database.db, app.log) })
    app.addHook('onClose', async () => { await statistics?.stop() })
  }

  const boss = deps.boss
  // Closing the app finishes running jobs (or leaves them to expire and retry) before the database goes.
  if (boss) {
    app.addHook('onReady', async () => { await registerJobs(app, { pollingIntervalSeconds: deps.jobPollingSeconds }) })
    app.addHook('onClose', async () => { await stopBoss(boss) })
  }
  return app
}

export type App = Awaited<ReturnType<typeof buildApp>>
