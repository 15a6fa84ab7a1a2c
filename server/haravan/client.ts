// Haravan admin REST + webhook-subscription client on undici: per-shop leaky bucket, 429/5xx retries, one token refresh on 401.
import { cleanText, parseCleanJson } from '../text.ts'
import { Agent, request as undiciRequest, type Dispatcher } from 'undici'
import { ShopBuckets } from './rate-limit.ts'
import type { HaravanCustomer, HaravanDiscount, HaravanOrder, HaravanShop, WebhookSubscription } from './wire.ts'

export interface TokenProvider {
  /** A usable access token for the shop (refreshed ahead of expiry). Throws for a shop that is not installed. */
  get (shopId: string): Promise<string>
  /** Called after `rejected` got a 401: returns a fresh token (or one another caller already refreshed). */
  refresh (shopId: string, rejected: string): Promise<string>
}

export interface ClientLogger {
  warn (obj: object, msg?: string): void
  debug (obj: object, msg?: string): void
}

export interface HaravanClientOptions {
  apiUrl: string
  webhookApiUrl: string
  tokens: TokenProvider
  clock?: () => Date
  logger?: ClientLogger
  sleep?: (ms: number) => Promise<void>
  /** Attempts for 5xx and network errors (default 5), with doubling delays from retryBaseMs (default 500 ms). */
  maxAttempts?: number
  retryBaseMs?: number
  /** 429 answers tolerated for one call before giving up (default 10). */
  max429?: number
  bucket?: { capacity?: number, leakPerSecond?: number, headroom?: number }
  dispatcher?: Dispatcher
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
}

export class HaravanApiError extends Error {
  constructor (readonly status: number, readonly body: unknown, readonly method: string, readonly path: string, readonly shopId: string) {
    super(`Haravan ${method} ${path} for shop ${shopId} answered ${status === 0 ? 'with a network error' : status}: ${describe(body)}`)
    this.name = 'HaravanApiError'
  }
}

function describe (body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return (text ?? '').slice(0, 300)
}

export const PAGE_LIMIT = 50
const sharedAgent = new Agent({ connections: 16, headersTimeout: 30_000, bodyTimeout: 60_000 })

export type HaravanClient = ReturnType<typeof createHaravanClient>

export function createHaravanClient (opts: HaravanClientOptions) {
  const clock = opts.clock ?? (() => new Date())
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const maxAttempts = opts.maxAttempts ?? 5
  const retryBaseMs = opts.retryBaseMs ?? 500
  const max429 = opts.max429 ?? 10
  const buckets = new ShopBuckets({ ...opts.bucket, clock, sleep })
  const dispatcher = opts.dispatcher ?? sharedAgent
  const log = opts.logger

  async function call<T> (base: 'api' | 'webhook', shopId: string, method: string, path: string, ro: RequestOptions = {}): Promise<T> {
    const url = new URL(path, base === 'api' ? opts.apiUrl : opts.webhookApiUrl)
    for (const [k, v] of Object.entries(ro.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v))
    const hasBody = ro.body !== undefined
    let token = await opts.tokens.get(shopId)
    let refreshed = false
    let failures = 0
    let throttled = 0
    for (;;) {
      // The webhook host is not behind the REST bucket.
      if (base === 'api') await buckets.take(shopId)
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
      if (hasBody) headers['content-type'] = 'application/json'
      let status: number
      let text: string
      let resHeaders: Record<string, string | string[] | undefined>
      try {
        const res = await undiciRequest(url, { method: method as Dispatcher.HttpMethod, headers, body: hasBody ? JSON.stringify(ro.body) : undefined, dispatcher })
        status = res.statusCode
        resHeaders = res.headers
        text = await res.body.text()
      } catch (err) {
        // Network errors are retried like 5xx (a duplicate POST of a discount is refused by code uniqueness).
        failures += 1
        if (failures >= maxAttempts) throw new HaravanApiError(0, err instanceof Error ? err.message : String(err), method, path, shopId)
        log?.warn({ shopId, method, path, err, attempt: failures }, 'Haravan request failed, retrying')
        await sleep(backoff(failures))
        continue
      }
      const limitHeader = resHeaders['x-haravan-api-call-limit']
      if (base === 'api') buckets.observe(shopId, Array.isArray(limitHeader) ? limitHeader[0] : limitHeader)
      const body = parse(text)
      if (status >= 200 && status < 300) return body as T
      if (status === 429 && throttled < max429) {
        throttled += 1
        if (base === 'api') buckets.fill(shopId)
        const retryAfter = Number(header(resHeaders, 'retry-after'))
        const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 2000
        log?.warn({ shopId, method, path, waitMs }, 'Haravan rate limit hit (429), waiting Retry-After')
        await sleep(waitMs)
        continue
      }
      if (status === 401 && !refreshed) {
        refreshed = true
        token = await opts.tokens.refresh(shopId, token)
        continue
      }
      if (status >= 500 && failures + 1 < maxAttempts) {
        failures += 1
        log?.warn({ shopId, method, path, status, attempt: failures }, 'Haravan answered 5xx, retrying')
        await sleep(backoff(failures))
        continue
      }
      throw new HaravanApiError(status, body, method, path, shopId)
    }
  }

  function backoff (attempt: number): number {
    return Math.min(30_000, retryBaseMs * 2 ** (attempt - 1))
  }

  function request<T = unknown> (shopId: string, method: string, path: string, ro?: RequestOptions): Promise<T> {
    return call<T>('api', shopId, method, path, ro)
  }

  /** Every record of a list, ascending id, 50 per call, following since_id until a short page. */
  async function * paginate<T extends { id: number }> (shopId: string, path: string, key: string, query: RequestOptions['query'] = {}): AsyncGenerator<T> {
    let sinceId = query.since_id !== undefined ? Number(query.since_id) : 0
    for (;;) {
      const page = await request<Record<string, T[] | undefined>>(shopId, 'GET', path, { query: { ...query, limit: PAGE_LIMIT, since_id: sinceId } })
      const items = page[key] ?? []
      for (const item of items) {
        yield item
        if (item.id > sinceId) sinceId = item.id
      }
      if (items.length < PAGE_LIMIT) return
    }
  }

  return {
    request,
    paginate,
    buckets,
    async getShop (shopId: string): Promise<HaravanShop> {
      return (await request<{ shop: HaravanShop }>(shopId, 'GET', '/com/shop.json')).shop
    },
    listCustomers (shopId: string, query: RequestOptions['query'] = {}): AsyncGenerator<HaravanCustomer> {
      return paginate<HaravanCustomer>(shopId, '/com/customers.json', 'customers', query)
    },
    /** Always status=any: the list otherwise hides cancelled and closed orders. */
    listOrders (shopId: string, query: RequestOptions['query'] = {}): AsyncGenerator<HaravanOrder> {
      return paginate<HaravanOrder>(shopId, '/com/orders.json', 'orders', { ...query, status: 'any' })
    },
    async getOrder (shopId: string, orderId: number | string): Promise<HaravanOrder> {
      return (await request<{ order: HaravanOrder }>(shopId, 'GET', `/com/orders/${orderId}.json`)).order
    },
    /** Throws HaravanApiError 403 when the shop refuses the discount scope (private-app only in the docs). */
    async createDiscount (shopId: string, discount: Record<string, unknown>): Promise<HaravanDiscount> {
      return (await request<{ discount: HaravanDiscount }>(shopId, 'POST', '/com/discounts.json', { body: { discount } })).discount
    },
    /** POST {webhookApiUrl}/api/subscribe with `{}`; throws HaravanApiError when Haravan refuses (e.g. the handshake failed). */
    async subscribeWebhooks (shopId: string): Promise<{ error: boolean, message: string }> {
      const res = await call<{ error: boolean, message: string }>('webhook', shopId, 'POST', '/api/subscribe', { body: {} })
      if (res?.error) throw new HaravanApiError(200, res, 'POST', '/api/subscribe', shopId)
      return res
    },
    async listWebhookSubscriptions (shopId: string): Promise<WebhookSubscription[]> {
      return await call<WebhookSubscription[]>('webhook', shopId, 'GET', '/api/subscribe')
    },
  }
}

function header (headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

function parse (text: string): unknown {
  if (text === '') return null
  // Customers' own typing comes back here too (backfill, reconciliation): cleaned like a webhook body.
  try { return parseCleanJson(text) } catch { return cleanText(text) }
}
