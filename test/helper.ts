// build(t): a real app on a fresh database per test file — in-memory PGlite, or a new Postgres database when DATABASE_URL is set.
import { randomBytes } from 'node:crypto'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import postgres from 'postgres'
import { openPglite, openPostgres, type Database } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { shops } from '../db/schema/index.ts'
import { buildApp, type App } from '../server/app.ts'
import { mintSessionToken as mint } from '../server/auth/session.ts'
import { loadConfig, type Config } from '../server/config.ts'
import { startBoss } from '../server/jobs/boss.ts'

export const DEMO_SHOP_ID = '1000000001'
export const DEMO_SHOP_NAME = 'Cửa hàng Demo'

interface Teardown { teardown (fn: () => unknown): void }

// initdb + migrations once per test process; every later PGlite starts from the dump (about 3× faster).
let snapshot: Promise<Blob> | undefined
function migratedSnapshot (): Promise<Blob> {
  snapshot ??= (async () => {
    const template = await openPglite()
    await migrate(template.db)
    const blob = await template.snapshot!()
    await template.close()
    return blob
  })()
  return snapshot
}

/** A fresh, migrated database and the function that removes it. */
async function createDatabase (): Promise<{ database: Database, dispose: () => Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL
  if (!baseUrl) {
    const database = await openPglite(undefined, { fromSnapshot: await migratedSnapshot() })
    return { database, dispose: () => database.close() }
  }
  const name = `tichdiem_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  const database = await openPostgres(url.toString(), { max: 5 })
  await migrate(database.db)
  return {
    database,
    async dispose () {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** A fresh, migrated database that disappears with the test. */
export async function freshDatabase (t: Teardown): Promise<Database> {
  const { database, dispose } = await createDatabase()
  t.teardown(dispose)
  return database
}

export function testConfig (overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: join(tmpdir(), 'tich-diem-test'),
    SESSION_SECRET: 'test-session-secret-0123456789abcdef0123456789',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
    APP_URL: 'http://127.0.0.1:3000',
    ...overrides,
  })
}

export interface BuildOptions {
  /** Start pg-boss and the workers (slower; only tests of background work need it). */
  jobs?: boolean
  /** Install the demo shop (default true). */
  installShop?: boolean
  clock?: () => Date
  env?: NodeJS.ProcessEnv
  /** The CSV upload size limit (default the app's). */
  maxUploadBytes?: number
  /** A logger to read what the app logs (default: none). */
  logger?: FastifyBaseLogger
}

export interface Built { app: App, shopId: string, database: Database, config: Config }

export async function build (t: Teardown, opts: BuildOptions = {}): Promise<Built> {
  const { database, dispose } = await createDatabase()
  const config = testConfig(opts.env)
  const boss = opts.jobs ? await startBoss(database, { onError: () => {} }) : null
  const app = await buildApp({ config, database, boss, clock: opts.clock, logger: opts.logger ?? false, jobPollingSeconds: 0.5, maxUploadBytes: opts.maxUploadBytes })
  // One teardown, in order: the app (and its jobs) first, then the database under it.
  t.teardown(async () => { await app.close(); await dispose() })
  await app.ready()
  if (opts.installShop !== false) await installShop(app, DEMO_SHOP_ID, DEMO_SHOP_NAME)
  return { app, shopId: DEMO_SHOP_ID, database, config }
}

export async function installShop (app: App, shopId: string, name: string) {
  await app.db.insert(shops).values({ shopId, name, domain: `shop${shopId}.myharavan.com`, status: 'installed', installedAt: app.clock() })
    .onConflictDoUpdate({ target: shops.shopId, set: { status: 'installed', name } })
}

export function mintSessionToken (app: App, shopId: string, opts: { sub?: string, ttlSeconds?: number, now?: Date } = {}) {
  return mint(app.config.sessionSecret, { orgid: shopId, sub: opts.sub ?? 'user-1' }, { now: opts.now ?? app.clock(), ttlSeconds: opts.ttlSeconds })
}

export async function authHeaders (app: App, shopId: string = DEMO_SHOP_ID) {
  return { authorization: `Bearer ${await mintSessionToken(app, shopId)}` }
}

/** A local port nobody listens on now (for a server a test starts, or one that must refuse connections). */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
