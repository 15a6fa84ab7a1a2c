// A worker killed (SIGKILL) in the middle of a campaign, then the campaign run again: nobody gets the same message
// twice; what was in flight at the kill is marked unknown and not resent. Real Postgres only: two processes share it.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../../db/client.ts'
import { authHeaders, build } from '../helper.ts'
import { announcement, createCampaign, smtpPeer, useSmtp } from './helpers.ts'

const RECIPIENTS = 3000
const CHILD = fileURLToPath(new URL('./run-child.ts', import.meta.url))

t.test('a campaign killed mid-way and restarted sends each recipient at most once', {
  skip: process.env.DATABASE_URL ? false : 'needs real Postgres (set DATABASE_URL): a second process must reach the database',
}, async (t) => {
  const smtp = await smtpPeer(t)
  const { app, shopId, database } = await build(t)
  const headers = await authHeaders(app)
  await useSmtp(app, headers, smtp.port)
  await app.db.execute(sql`insert into customers (shop_id, id, full_name, email, accepts_marketing)
    select ${shopId}, g, 'Khách ' || g, 'k' || g || '@example.vn', true from generate_series(1, ${RECIPIENTS}) g`)
  await app.db.execute(sql`insert into members (shop_id, customer_id, email, activation_source) select ${shopId}, g, 'k' || g || '@example.vn', 'manual' from generate_series(1, ${RECIPIENTS}) g`)
  const { id } = await createCampaign(app, headers, announcement())
  t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })).statusCode, 202)

  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, database.url as string, shopId, id], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  for (let i = 0; i < 3000 && smtp.mails.length < 300 && child.exitCode === null; i++) await new Promise(resolve => setTimeout(resolve, 10))
  child.kill('SIGKILL')
  await once(child, 'exit')
  t.equal(output, '', 'killed before it finished')
  const before = smtp.mails.length
  t.ok(before > 0 && before < RECIPIENTS, `killed part-way (${before} mails)`)

  t.same(await app.campaigns.engine.run(shopId, id), { state: 'finished' }, 'the next run finishes the campaign')
  const perAddress = new Map<string, number>()
  for (const m of smtp.mails) perAddress.set(m.to[0]!, (perAddress.get(m.to[0]!) ?? 0) + 1)
  t.equal([...perAddress.values()].filter(n => n > 1).length, 0, 'nobody got two')
  const rows = await queryRows<{ status: string, n: unknown }>(app.db, sql`select status, count(*)::int as n from messages
    where shop_id = ${shopId} and source_type = 'campaign' and source_id = ${id} group by status`)
  const by = Object.fromEntries(rows.map(r => [r.status, Number(r.n)]))
  t.equal((by.sent ?? 0) + (by.unknown ?? 0), RECIPIENTS, 'every recipient is sent or unknown, none twice')
  t.equal(by.queued ?? 0, 0)
  t.ok(perAddress.size >= by.sent!, 'every sent message reached the server')
  t.ok(perAddress.size <= RECIPIENTS)
  t.comment(`unknown after the kill: ${by.unknown ?? 0}, mails received: ${smtp.mails.length}`)
  const view = (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json()
  t.equal(view.stats.unknown, by.unknown ?? 0, 'the unknown ones are shown')
})
