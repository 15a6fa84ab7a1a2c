// Benchmark: a campaign of N emails (default 100,000) to a local SMTP server through the real sending loop, beside a bare
// nodemailer pool to the same server in the same run. Usage: DATABASE_URL=postgres://… npm run bench:campaign [-- --recipients 100000] [--lanes 2]
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { openPostgres, queryRows } from '../../db/client.ts'
import { migrate } from '../../db/migrate.ts'
import { shops } from '../../db/schema/index.ts'
import { buildApp } from '../../server/app.ts'
import { createCampaign } from '../../server/campaigns/store.ts'
import { loadConfig } from '../../server/config.ts'
import { smtpTransport } from '../../server/messaging/email.ts'
import { campaignConnections } from '../../server/campaigns/pools.ts'
import { putEmailSettings } from '../../server/messaging/settings.ts'

const { values: args } = parseArgs({ options: { recipients: { type: 'string', default: '100000' }, baseline: { type: 'string', default: '20000' }, lanes: { type: 'string' } } })
const N = Number(args.recipients)
const BASE = Number(args.baseline)
const base = process.env.DATABASE_URL
if (!base) { console.error('DATABASE_URL is required (a Postgres server; the bench creates its own database)'); process.exit(2) }
const SHOP = '1000000001'
const DB_NAME = 'tichdiem_bench_campaign'

const sink = fork(fileURLToPath(new URL('./smtp-sink.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
const [portLine] = await once(sink.stdout!, 'data') as [Buffer]
const port = Number(portLine.toString().trim())

const admin = postgres(base, { max: 1, onnotice: () => {} })
await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
await admin.unsafe(`create database ${DB_NAME}`)
const url = new URL(base)
url.pathname = `/${DB_NAME}`
const database = await openPostgres(url.toString(), { max: 8 })
await migrate(database.db)
const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: join(tmpdir(), 'tich-diem-bench'), SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789', ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), LOG_LEVEL: 'silent', APP_URL: 'https://tichdiem.example.vn' })
const app = await buildApp({ config, database, boss: null, logger: false })
await app.ready()
const db = app.db
await db.insert(shops).values({ shopId: SHOP, name: 'Cửa hàng Bench', status: 'installed', installedAt: new Date() })
await db.execute(sql`insert into customers (shop_id, id, full_name, first_name, email, accepts_marketing)
  select ${SHOP}, i, 'Nguyễn Thị Khách ' || i, 'Khách ' || i, 'kh' || i || '@example.vn', true from generate_series(1, ${N}) i`)
await db.execute(sql`insert into members (shop_id, customer_id, email, activation_source, points_available) select ${SHOP}, i, 'kh' || i || '@example.vn', 'auto', i % 5000 from generate_series(1, ${N}) i`)
await db.execute(sql`vacuum analyze customers`)
await db.execute(sql`vacuum analyze members`)
await putEmailSettings(db, config.encryptionKey, SHOP, { host: '127.0.0.1', port, security: 'none', username: '', fromName: 'Cửa hàng Bench', fromAddress: 'shop@example.vn', dailyLimit: 1_000_000 }, new Date())
const html = '<p>Chào {{ho_ten}}, bạn đang có {{diem}} điểm (hạng {{hang}}). Ghé {{ten_cua_hang}} cuối tuần này nhé!</p>'

// Baseline: the same pooled transport (same connection count), nothing but sendMail, as many in flight as the campaign uses.
const transport = smtpTransport({ host: '127.0.0.1', port, security: 'none', username: '', password: null, fromName: 'Cửa hàng Bench', fromAddress: 'shop@example.vn', dailyLimit: 1_000_000, pausedUntil: null, pauseReason: null, version: 'x' }, { pool: true, maxConnections: campaignConnections('127.0.0.1') })
let sentBase = 0
const t0 = performance.now()
await Promise.all(Array.from({ length: 64 }, async () => {
  while (sentBase < BASE) {
    const i = ++sentBase
    await transport.sendMail({ from: 'shop@example.vn', to: `kh${i}@example.vn`, subject: `Khách ${i} ơi, tin mới`, html: html.replace('{{ho_ten}}', `Nguyễn Thị Khách ${i}`), text: 'x' })
  }
}))
const baseRate = BASE / ((performance.now() - t0) / 1000)
transport.close()
console.log(`bare nodemailer pool: ${BASE.toLocaleString('en')} mails at ${baseRate.toFixed(0)} /s`)

const row = await createCampaign(db, SHOP, { name: 'Bench', type: 'announcement', channels: ['email'], audience: { all: true }, email: { subject: '{{ten}} ơi, tin mới', html } }, 'bench', new Date())
const engine = app.campaigns.engine
// --lanes N: batches in flight at once (the engine's default otherwise), to compare
if (args.lanes) app.campaigns.deps.lanes = Number(args.lanes)
let peak = 0
const before = process.memoryUsage().rss // the bare pool's run is in this process too
const samples: number[] = []
const sampler = setInterval(() => { const rss = process.memoryUsage().rss; peak = Math.max(peak, rss); samples.push(rss) }, 250)
const t1 = performance.now()
await engine.start({ shopId: SHOP, name: 'Cửa hàng Bench', timezone: 'Asia/Ho_Chi_Minh' }, row.id, undefined, 'bench')
const outcome = await engine.run(SHOP, row.id)
const seconds = (performance.now() - t1) / 1000
clearInterval(sampler)
const [counts] = await queryRows<{ sent: unknown }>(db, sql`select count(*) filter (where status = 'sent')::int as sent from messages where shop_id = ${SHOP} and source_id = ${row.id}`)
const rate = Number(counts?.sent) / seconds
const mb = (b: number) => (b / 1048576).toFixed(0)
const q = (p: number) => mb(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0)
console.log(`campaign (${outcome.state}): ${Number(counts?.sent).toLocaleString('en')} sent in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} /s (snapshot + bookkeeping included), ${(rate / baseRate).toFixed(2)} of the bare pool`)
const peakAt = samples.indexOf(Math.max(...samples)) / Math.max(1, samples.length)
console.log(`RSS: ${mb(before)} MB before the campaign; peak ${mb(peak)} MB (at ${(peakAt * 100).toFixed(0)}% of the run); at 10% / 50% / 90% of the run ${q(0.1)} / ${q(0.5)} / ${q(0.9)} MB`)
sink.send('count')
const [received] = await once(sink, 'message') as [number]
console.log(`SMTP server received ${received.toLocaleString('en')} (baseline + campaign)`)
sink.kill()
await app.close()
await database.close()
await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
await admin.end()
