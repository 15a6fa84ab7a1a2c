// Sandbox mode: the built-in Haravan simulator runs in-process and the demo shops are installed through the real OAuth path.
// The simulator itself (scripts/haravan-sim/) is loaded by the composition root (server/index.ts) only when sandbox is
// on, and handed in here as `startSimulator`: nothing under server/ imports scripts/.
import type { AddressInfo } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import type { App } from './app.ts'
import { VIETGUYS_API_URL, type Config } from './config.ts'

/** What the sandbox asks of the simulator: its URLs, the demo shops and their data, closing it. */
export interface SandboxSimulator {
  url: string
  accountsUrl: string
  apiUrl: string
  webhookApiUrl: string
  /** the VietGuys stand-in: its send endpoint, the SMS page and the IP echo */
  vietguysUrl: string
  smsPageUrl: string
  ipEchoUrl: string
  /** the page where a paid order is placed as a demo customer (Haravan's webhooks follow) */
  orderPageUrl: string
  addShop (shop: { orgid: string, name: string, handle: string }): unknown
  seedDemoData (orgid: string, opts: { customers: number, orders: number, seed: number }): void
  close (): Promise<void>
}

/** The app's side of the simulator: its credentials, where the OAuth redirects and the webhooks go. */
export interface SimulatorOptions {
  clientId: string
  clientSecret: string
  verifyToken: string
  redirectUris: string[]
  webhookUrl: string
}

/** Starts a simulator on an ephemeral port (scripts/haravan-sim's startHaravanSim). */
export type StartSimulator<S extends SandboxSimulator> = (opts: SimulatorOptions) => Promise<S>

export interface Sandbox<S extends SandboxSimulator = SandboxSimulator> {
  /** The config to build the app with: Haravan URLs point at the simulator. */
  config: Config
  sim: S
  /** Installs the demo shops; returns the admin URL of each one installed. */
  installDemoShops (app: App): Promise<string[]>
  close (): Promise<void>
}

export const DEMO_CUSTOMERS = 300
export const DEMO_ORDERS = 900
const DEMO_SEED = 20_240_601

export function sandboxShopIds (count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(1_000_000_001 + i))
}

/** The lines `npm start` prints on their own, apart from the log: the first thing a newcomer looks for. */
export function sandboxBanner (urls: string[]): string {
  return urls.length === 0 ? '' : `\n${urls.map((url) => `  Sandbox: open ${url}`).join('\n')}\n\n`
}

export const sandboxShopName = (i: number) => (i === 0 ? 'Cửa hàng Demo' : `Cửa hàng Demo ${i + 1}`)

/** Starts the simulator (ephemeral port) with the app's credentials and the demo shops; call before buildApp. */
export async function startSandbox<S extends SandboxSimulator> (config: Config, log: FastifyBaseLogger, startSimulator: StartSimulator<S>): Promise<Sandbox<S>> {
  const h = config.haravan
  const sim = await startSimulator({
    clientId: h.clientId,
    clientSecret: h.clientSecret,
    verifyToken: h.webhookVerifyToken,
    redirectUris: [`${config.appUrl}/install/login`, `${config.appUrl}/install/grandservice`],
    webhookUrl: `${config.appUrl}/webhooks/haravan`,
  })
  const ids = sandboxShopIds(config.sandboxShops)
  // Same order and seed on every start → the same Haravan ids, so a persisted ./data stays consistent.
  for (const [i, orgid] of ids.entries()) {
    sim.addShop({ orgid, name: sandboxShopName(i), handle: `demo${i + 1}` })
    if (config.sandboxDemoData) sim.seedDemoData(orgid, { customers: DEMO_CUSTOMERS, orders: DEMO_ORDERS, seed: DEMO_SEED + i })
  }
  log.info({ url: sim.url, shops: ids.length, demoData: config.sandboxDemoData }, 'Haravan simulator started')
  // The simulator plays VietGuys too, unless VIETGUYS_API_URL names another endpoint.
  const vietguysApiUrl = config.messaging.vietguysApiUrl === VIETGUYS_API_URL ? sim.vietguysUrl : config.messaging.vietguysApiUrl
  if (vietguysApiUrl === sim.vietguysUrl) log.info(`Sandbox: SMS go to the VietGuys simulator; see them at ${sim.smsPageUrl}`)
  log.info(`Sandbox: place a paid order as a demo customer (points, thank-you campaigns, codes used) at ${sim.orderPageUrl}`)
  log.info(`Sandbox: email of shops without their own SMTP goes to ${config.smtpUrl ? config.smtpUrl.replace(/\/\/[^@/]*@/, '//') : `${config.dataDir}/outbox`}`)
  const sandboxConfig: Config = {
    ...config,
    haravan: { ...h, accountsUrl: sim.accountsUrl, apiUrl: sim.apiUrl, webhookApiUrl: sim.webhookApiUrl },
    messaging: { ...config.messaging, vietguysApiUrl, ipEchoUrl: sim.ipEchoUrl },
  }

  return {
    config: sandboxConfig,
    sim,
    async installDemoShops (app) {
      // Talk to the app where it actually listens; redirect URIs keep the configured APP_URL.
      const addr = app.server.address() as AddressInfo
      const base = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
      const urls: string[] = []
      for (const orgid of ids) {
        try {
          await installOverOAuth(base, orgid)
          const url = `${config.appUrl}/sandbox/open?orgid=${orgid}`
          log.info(`Sandbox: open ${url}`)
          urls.push(url)
        } catch (err) {
          log.error({ err, orgid }, 'sandbox: installing the demo shop through OAuth failed')
        }
      }
      return urls
    },
    close: () => sim.close(),
  }
}

/** What a merchant's browser does: follow the redirects and submit the form_post pages (asking the sim for JSON). */
export async function installOverOAuth (appBase: string, orgid: string): Promise<string> {
  // reconnect=1: the simulator is new on each start, so an installed shop needs fresh tokens from it.
  const start = await fetch(`${appBase}/install/start?orgid=${orgid}&reconnect=1`, { redirect: 'manual' })
  let location = expectRedirect(start, 'GET /install/start')
  for (const step of ['login', 'install']) {
    const authorize = await fetch(location, { headers: { accept: 'application/json' } })
    if (authorize.status !== 200) throw new Error(`authorize (${step}) answered ${authorize.status}: ${await authorize.text()}`)
    const { action, fields } = await authorize.json() as { action: string, fields: Record<string, string> }
    const callback = new URL(action)
    const res = await fetch(`${appBase}${callback.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    })
    location = expectRedirect(res, `POST ${callback.pathname}`)
    if (location.startsWith('/#token=')) return location.slice('/#token='.length)
  }
  throw new Error(`the OAuth install of ${orgid} did not end with a session`)
}

function expectRedirect (res: Response, what: string): string {
  const location = res.headers.get('location')
  if (res.status !== 302 || !location) throw new Error(`${what} answered ${res.status} instead of a redirect`)
  return location
}
