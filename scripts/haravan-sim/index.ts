// The Haravan simulator: one HTTP server playing accounts, apis and webhook hosts, plus a handle for tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { makeActions } from './actions.ts'
import { registerOrderPage } from './order-page.ts'
import type { SandboxSimulator } from '../../server/sandbox.ts'
import { seedDemoData, type SeedOptions } from './demo-data.ts'
import { registerDiscounts } from './discounts.ts'
import { json, readBody, Router, send } from './http.ts'
import { OAuthServer } from './oauth.ts'
import { orderView } from './orders.ts'
import { LeakyBuckets } from './rate-limit.ts'
import { registerCustomers } from './rest-customers.ts'
import { registerOrders } from './rest-orders.ts'
import type { RestDeps } from './rest.ts'
import { SimStore, type NewShop, type SimShop } from './store.ts'
import type { HaravanCustomer, HaravanOrder } from '../../server/haravan/wire.ts'
import { DEFAULT_TOPICS, type CustomerInput, type Delivery, type LoginUser, type OrderInput, type RequestLogEntry, type SimOptions } from './types.ts'
import { Webhooks, type Subscription } from './webhooks.ts'
import { registerVietGuys, VIETGUYS_PATH, type VietGuysSim } from './vietguys.ts'

export type * from './types.ts'
export type { SimShop, NewShop } from './store.ts'
export type { SeedOptions } from './demo-data.ts'
export type { Subscription } from './webhooks.ts'
export type { SimSms, VietGuysSim } from './vietguys.ts'
export { DEFAULT_TOPICS } from './types.ts'
export { signWebhook } from './webhooks.ts'
export { toHaravanJson } from './json.ts'

export const DEFAULT_VERIFY_TOKEN = 'tich-diem-sandbox-verify-token'

/** What the sandbox asks of it (its URLs, the demo shops, closing: server/sandbox.ts), and what tests drive. */
export interface HaravanSim extends SandboxSimulator {
  vietguys: VietGuysSim
  addShop (s: NewShop): SimShop
  shop (orgid: string): SimShop
  customers (orgid: string): HaravanCustomer[]
  orders (orgid: string): HaravanOrder[]
  createCustomer (orgid: string, c: CustomerInput): HaravanCustomer
  updateCustomer (orgid: string, id: number, patch: CustomerInput): HaravanCustomer
  deleteCustomer (orgid: string, id: number): void
  createOrder (orgid: string, o: OrderInput): HaravanOrder
  payOrder (orgid: string, id: number): HaravanOrder
  fulfillOrder (orgid: string, id: number): HaravanOrder
  cancelOrder (orgid: string, id: number, reason?: string): HaravanOrder
  refundOrder (orgid: string, id: number, amount: number): HaravanOrder
  deleteOrder (orgid: string, id: number): void
  seedDemoData (orgid: string, opts?: SeedOptions): void
  uninstall (orgid: string): Promise<void>
  isInstalled (orgid: string): boolean
  deliveries: Delivery[]
  requestLog: RequestLogEntry[]
  setLoginUser (u: LoginUser | null): void
  expireToken (orgid: string): void
  setTokenLifetime (orgid: string, seconds: number): void
  setDiscountsAllowed (orgid: string, allowed: boolean): void
  failNext (orgid: string, n: number, status?: number): void
  setWebhookUrl (url: string): void
  setSendDuplicates (n: number): void
  subscriptions (orgid: string): Subscription[]
  flushWebhooks (): Promise<void>
  close (): Promise<void>
}

function publicHost (host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

async function handle (router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.local')
  const method = req.method ?? 'GET'
  const match = router.match(method, url.pathname)
  if (match === undefined) return send(res, json(404, { errors: 'Not Found' }))
  if (match === 'method') return send(res, json(405, { errors: 'Method Not Allowed' }))
  const body = await readBody(req)
  const reply = await match.handler({ req, method, path: url.pathname, query: url.searchParams, body, params: match.params })
  send(res, reply)
}

export async function startHaravanSim (opts: SimOptions): Promise<HaravanSim> {
  const now = opts.now ?? (() => new Date())
  const store = new SimStore(now)
  const requestLog: RequestLogEntry[] = []
  let url = ''
  const oauth = await OAuthServer.create({ clientId: opts.clientId, clientSecret: opts.clientSecret, redirectUris: opts.redirectUris, issuer: () => url }, store)
  const retry = { baseMs: 200, maxMs: 3000, maxAttempts: 19, ...opts.retry }
  const webhooks = new Webhooks({
    clientSecret: opts.clientSecret,
    verifyToken: opts.verifyToken ?? DEFAULT_VERIFY_TOKEN,
    topics: opts.topics ?? DEFAULT_TOPICS,
    retry,
    timeoutMs: opts.deliveryTimeoutMs ?? 5000,
    sendDuplicates: opts.sendDuplicates ?? 0,
    webhookUrl: opts.webhookUrl,
    now
  }, oauth, requestLog)
  const rate = opts.rateLimit ?? { bucket: 80, leakPerSecond: 4 }
  const buckets = new LeakyBuckets(rate, now)
  const emit: RestDeps['emit'] = (shop, topic, resource) => webhooks.emit(shop, topic, resource)
  const actions = makeActions(store, emit)
  const deps: RestDeps = { store, oauth, buckets, requestLog, emit, pageLimit: opts.pageLimit ?? 50, bucketSize: rate.bucket }

  const router = new Router()
  oauth.register(router)
  registerCustomers(router, deps, actions)
  registerOrders(router, deps)
  registerDiscounts(router, deps)
  webhooks.register(router)
  const vietguys = registerVietGuys(router, now)
  registerOrderPage(router, store, actions)

  const server = createServer((req, res) => {
    handle(router, req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, json(500, { errors: err instanceof Error ? err.message : 'Internal Server Error' }))
      else res.destroy()
    })
  })
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => resolve())
  })
  url = `http://${publicHost(host)}:${(server.address() as AddressInfo).port}`

  const sim: HaravanSim = {
    url,
    accountsUrl: url,
    apiUrl: url,
    webhookApiUrl: url,
    vietguysUrl: `${url}${VIETGUYS_PATH}`,
    smsPageUrl: `${url}/sms`,
    orderPageUrl: `${url}/orders/new`,
    ipEchoUrl: `${url}/ip`,
    vietguys,
    addShop: (s) => store.addShop(s),
    shop: (orgid) => store.shop(orgid),
    customers: (orgid) => [...store.shop(orgid).customers.values()],
    orders: (orgid) => {
      const shop = store.shop(orgid)
      return [...shop.orders.values()].map((o) => orderView(shop, o))
    },
    ...actions,
    seedDemoData: (orgid, o) => seedDemoData(store, store.shop(orgid), o),
    async uninstall (orgid) {
      const shop = store.shop(orgid)
      const sub = webhooks.subscriptions(orgid).find((s) => s.event === 'app/uninstalled')
      oauth.revokeShop(orgid)
      webhooks.unsubscribe(orgid)
      buckets.reset(orgid)
      if (!sub) return
      await webhooks.sendDetached(orgid, 'app/uninstalled', sub.url, {
        org_id: Number(orgid),
        app_id: opts.appId ?? 1000432,
        client_id: opts.clientId,
        event_type: 'app/uninstalled',
        user_id: Number(shop.adminUserId),
        is_salechannel: false,
        is_marketing: false
      })
    },
    isInstalled: (orgid) => oauth.hasOrgToken(orgid),
    deliveries: webhooks.deliveries,
    requestLog,
    setLoginUser: (u) => oauth.setLoginUser(u),
    expireToken: (orgid) => oauth.expireToken(orgid),
    setTokenLifetime: (orgid, seconds) => { store.shop(orgid).tokenExpiresIn = seconds },
    setDiscountsAllowed: (orgid, allowed) => { store.shop(orgid).discountsAllowed = allowed },
    failNext: (orgid, n, status = 500) => { store.shop(orgid).failNext = { n, status } },
    setWebhookUrl: (u) => webhooks.setWebhookUrl(u),
    setSendDuplicates: (n) => webhooks.setSendDuplicates(n),
    subscriptions: (orgid) => webhooks.subscriptions(orgid),
    flushWebhooks: () => webhooks.flush(),
    async close () {
      webhooks.close()
      await webhooks.flush()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
  return sim
}
