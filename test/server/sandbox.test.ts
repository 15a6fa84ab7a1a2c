// Sandbox start-up: the simulator in-process, demo shops installed through the real OAuth path, /sandbox/open → a session.
import { Writable } from 'node:stream'
import t from 'tap'
import { eq } from 'drizzle-orm'
import { pino } from 'pino'
import { shops } from '../../db/schema/index.ts'
import { startHaravanSim } from '../../scripts/haravan-sim/index.ts'
import { buildApp } from '../../server/app.ts'
import { sandboxBanner, startSandbox } from '../../server/sandbox.ts'
import { freshDatabase, testConfig } from '../helper.ts'

const ORG = '1000000001'

function captureLog () {
  const lines: string[] = []
  const log = pino({ level: 'info' }, new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } }))
  return { log, lines }
}

async function startOnce (t: Tap, database: Awaited<ReturnType<typeof freshDatabase>>) {
  const config = testConfig({ SANDBOX_DEMO_DATA: '0', SANDBOX_SHOPS: '2' })
  const { log, lines } = captureLog()
  const sandbox = await startSandbox(config, log, startHaravanSim)
  const app = await buildApp({ config: sandbox.config, database, logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const urls = await sandbox.installDemoShops(app)
  return { app, sandbox, lines, urls, close: async () => { await sandbox.close(); await app.close() } }
}
interface Tap { teardown: (fn: () => unknown) => void }

async function openSession (app: Awaited<ReturnType<typeof startOnce>>['app'], orgid: string) {
  const open = await app.inject({ url: `/sandbox/open?orgid=${orgid}` })
  const launch = await app.inject({ url: String(open.headers.location) })
  const token = String(launch.headers.location).replace('/#token=', '')
  return await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${token}` } })
}

t.test('startSandbox installs the demo shops through OAuth and /sandbox/open leads to a working session', async (t) => {
  const database = await freshDatabase(t)
  const first = await startOnce(t, database)
  t.teardown(first.close)
  t.equal(first.sandbox.sim.customers(ORG).length, 0, 'SANDBOX_DEMO_DATA=0: no demo customers')
  t.ok(first.sandbox.config.haravan.accountsUrl.startsWith('http://127.0.0.1:'), 'Haravan URLs point at the simulator')
  t.ok(first.sandbox.sim.isInstalled(ORG), 'the simulator issued an org token')
  const [shop] = await first.app.db.select().from(shops).where(eq(shops.shopId, ORG))
  t.match(shop, { status: 'installed', sandbox: true, name: 'Cửa hàng Demo', domain: 'demo1.myharavan.com' })
  t.ok(shop?.accessTokenEnc)
  const res = await openSession(first.app, ORG)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { orgid: ORG, name: 'Cửa hàng Demo', sandbox: true })
  t.match((await openSession(first.app, '1000000002')).json(), { orgid: '1000000002', name: 'Cửa hàng Demo 2' })
  t.ok(first.lines.some((l) => l.includes(`Sandbox: open ${first.app.config.appUrl}/sandbox/open?orgid=${ORG}`)))
  const appUrl = first.app.config.appUrl
  t.same(first.urls, [`${appUrl}/sandbox/open?orgid=${ORG}`, `${appUrl}/sandbox/open?orgid=1000000002`], 'the installed shops\' URLs')
  t.equal(sandboxBanner(first.urls), `\n  Sandbox: open ${appUrl}/sandbox/open?orgid=${ORG}\n  Sandbox: open ${appUrl}/sandbox/open?orgid=1000000002\n\n`, 'printed on plain lines of their own')
  t.equal(sandboxBanner([]), '', 'nothing when no shop was installed')
  await first.close()

  // A restart with the same database: a new simulator, the shop reinstalled with fresh tokens.
  const second = await startOnce(t, database)
  t.teardown(second.close)
  const [again] = await second.app.db.select().from(shops).where(eq(shops.shopId, ORG))
  t.not(again?.accessTokenEnc, shop?.accessTokenEnc, 'tokens replaced')
  t.ok(second.sandbox.sim.isInstalled(ORG))
  t.equal((await openSession(second.app, ORG)).statusCode, 200)
})

t.test('demo data is seeded deterministically', async (t) => {
  const config = testConfig({ SANDBOX_SHOPS: '1' })
  const { log } = captureLog()
  const a = await startSandbox(config, log, startHaravanSim)
  t.teardown(() => a.close())
  const b = await startSandbox(config, log, startHaravanSim)
  t.teardown(() => b.close())
  t.ok(a.sim.customers(ORG).length >= 200, 'a few hundred customers')
  t.ok(a.sim.orders(ORG).length >= 200, 'and orders')
  t.same(a.sim.customers(ORG).map((c) => c.id), b.sim.customers(ORG).map((c) => c.id))
  t.same(a.sim.customers(ORG).slice(0, 5).map((c) => c.phone), b.sim.customers(ORG).slice(0, 5).map((c) => c.phone))
})
