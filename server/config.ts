// The one environment schema (CONTRACT.md): parse process.env into a typed Config, or fail with every problem named.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

// Fixed sandbox credentials: only ever used against the built-in simulator.
export const SANDBOX_CLIENT_ID = 'sandbox-tich-diem'
export const SANDBOX_CLIENT_SECRET = 'sandbox-secret-not-for-production'
export const SANDBOX_VERIFY_TOKEN = 'sandbox-verify-token'

const HARAVAN_ACCOUNTS_URL = 'https://accounts.haravan.com'
const HARAVAN_API_URL = 'https://apis.haravan.com'
const HARAVAN_WEBHOOK_API_URL = 'https://webhook.haravan.com'
// VietGuys' SMS send endpoint (form POST u, pwd, from, phone, sms, bid, json=1).
export const VIETGUYS_API_URL = 'https://cloudsms.vietguys.biz:4438/api/index.php'
// Asked once when VietGuys answers -7, to tell the merchant which IP to whitelist (OUTBOUND_IP skips the question).
const IP_ECHO_URL = 'https://api.ipify.org'

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const optionalString = z.preprocess(emptyToUndefined, z.string().optional())
const optionalUrl = z.preprocess(emptyToUndefined, z.url().optional())
const flag = z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false']).optional())
  .transform((v) => (v === undefined ? undefined : v === '1' || v === 'true'))

const encryptionKey = z.string().refine((v) => {
  try { return Buffer.from(v, 'base64').length === 32 } catch { return false }
}, 'must be 32 bytes encoded as base64 (for example: openssl rand -base64 32)')

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['production', 'development', 'test']).default('development')),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  APP_URL: optionalUrl,
  HARAVAN_CLIENT_ID: optionalString,
  HARAVAN_CLIENT_SECRET: optionalString,
  HARAVAN_WEBHOOK_VERIFY_TOKEN: optionalString,
  HARAVAN_SANDBOX: flag,
  HARAVAN_ACCOUNTS_URL: optionalUrl,
  HARAVAN_API_URL: optionalUrl,
  HARAVAN_WEBHOOK_API_URL: optionalUrl,
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  ENCRYPTION_KEY: z.preprocess(emptyToUndefined, encryptionKey.optional()),
  SMTP_URL: z.preprocess(emptyToUndefined, z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
  VIETGUYS_API_URL: optionalUrl,
  OUTBOUND_IP: z.preprocess(emptyToUndefined, z.union([z.ipv4(), z.ipv6()]).optional()),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Tích Điểm <no-reply@tichdiem.local>')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  SANDBOX_SHOPS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(50).default(1)),
  SANDBOX_DEMO_DATA: flag,
  WEBHOOK_BATCHES_IN_FLIGHT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(16).default(1)),
}).superRefine((env, ctx) => {
  if (env.NODE_ENV === 'production') {
    for (const key of ['SESSION_SECRET', 'ENCRYPTION_KEY'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' })
    }
  }
  const sandbox = env.HARAVAN_SANDBOX ?? env.HARAVAN_CLIENT_ID === undefined
  if (!sandbox) {
    for (const key of ['HARAVAN_CLIENT_ID', 'HARAVAN_CLIENT_SECRET', 'HARAVAN_WEBHOOK_VERIFY_TOKEN'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when HARAVAN_SANDBOX is off' })
    }
  }
  if (env.NODE_ENV === 'production' && sandbox) {
    ctx.addIssue({ code: 'custom', path: ['HARAVAN_SANDBOX'], message: 'the sandbox simulator cannot run in production; set HARAVAN_CLIENT_ID / HARAVAN_CLIENT_SECRET' })
  }
})

export interface Config {
  env: 'production' | 'development' | 'test'
  isProduction: boolean
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  appUrl: string
  haravan: {
    sandbox: boolean
    clientId: string
    clientSecret: string
    webhookVerifyToken: string
    accountsUrl: string
    apiUrl: string
    webhookApiUrl: string
  }
  sessionSecret: string
  encryptionKey: Buffer
  smtpUrl: string | undefined
  mailFrom: string
  messaging: {
    vietguysApiUrl: string
    /** the server's public IP as the operator states it; else asked from ipEchoUrl when needed */
    outboundIp: string | undefined
    ipEchoUrl: string
  }
  logLevel: string
  sandboxShops: number
  sandboxDemoData: boolean
  /** webhook batch transactions one app instance keeps running at once (webhooks/batch.ts) */
  webhookBatchesInFlight: number
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

interface DevSecrets { sessionSecret: string, encryptionKey: string }

// Outside production the secrets are generated once and reused, so sessions and encrypted tokens survive restarts.
function loadOrCreateDevSecrets (dataDir: string): DevSecrets {
  const file = join(dataDir, 'secrets.json')
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>
    if (parsed.sessionSecret && parsed.encryptionKey) return parsed as DevSecrets
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const secrets: DevSecrets = {
    sessionSecret: randomBytes(48).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  }
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 })
  return secrets
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`))
  }
  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  const sandbox = e.HARAVAN_SANDBOX ?? e.HARAVAN_CLIENT_ID === undefined
  const dev = (e.SESSION_SECRET && e.ENCRYPTION_KEY) ? undefined : loadOrCreateDevSecrets(dataDir)
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    haravan: {
      sandbox,
      clientId: e.HARAVAN_CLIENT_ID ?? SANDBOX_CLIENT_ID,
      clientSecret: e.HARAVAN_CLIENT_SECRET ?? SANDBOX_CLIENT_SECRET,
      webhookVerifyToken: e.HARAVAN_WEBHOOK_VERIFY_TOKEN ?? SANDBOX_VERIFY_TOKEN,
      // In sandbox these are replaced by the simulator's URL once it listens (server/index.ts).
      accountsUrl: e.HARAVAN_ACCOUNTS_URL ?? HARAVAN_ACCOUNTS_URL,
      apiUrl: e.HARAVAN_API_URL ?? HARAVAN_API_URL,
      webhookApiUrl: e.HARAVAN_WEBHOOK_API_URL ?? HARAVAN_WEBHOOK_API_URL,
    },
    sessionSecret: e.SESSION_SECRET ?? dev!.sessionSecret,
    encryptionKey: Buffer.from(e.ENCRYPTION_KEY ?? dev!.encryptionKey, 'base64'),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    messaging: {
      // In sandbox these are replaced by the simulator's URLs once it listens (server/sandbox.ts).
      vietguysApiUrl: e.VIETGUYS_API_URL ?? VIETGUYS_API_URL,
      outboundIp: e.OUTBOUND_IP,
      ipEchoUrl: IP_ECHO_URL,
    },
    logLevel: e.LOG_LEVEL,
    sandboxShops: e.SANDBOX_SHOPS,
    sandboxDemoData: e.SANDBOX_DEMO_DATA ?? true,
    webhookBatchesInFlight: e.WEBHOOK_BATCHES_IN_FLIGHT,
  }
}
