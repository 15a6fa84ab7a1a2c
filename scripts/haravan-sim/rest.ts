// The admin REST pipeline every /com/ call goes through: org token, leaky bucket, faults, content type, scopes, log.
import { bearer, json, type Ctx, type Handler, type Reply } from './http.ts'
import type { OAuthServer } from './oauth.ts'
import type { LeakyBuckets } from './rate-limit.ts'
import type { ShopState, SimStore } from './store.ts'
import type { RequestLogEntry } from './types.ts'

export type Emit = (shop: ShopState, topic: string, resource: unknown) => void

export interface RestDeps {
  store: SimStore
  oauth: OAuthServer
  buckets: LeakyBuckets
  requestLog: RequestLogEntry[]
  emit: Emit
  pageLimit: number
  bucketSize: number
}

export type RestHandler = (ctx: Ctx, shop: ShopState) => Reply | Promise<Reply>

const UNAUTHORIZED = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }

/** scope: what the token must have; a write_ scope also satisfies the matching read_ scope. */
function scopeAllowed (granted: string[], scope: string): boolean {
  return granted.includes(scope) || granted.includes(scope.replace('.read_', '.write_'))
}

async function guarded (deps: RestDeps, ctx: Ctx, scope: string, handler: RestHandler): Promise<{ reply: Reply, orgid?: string }> {
  const token = deps.oauth.verifyAccess(bearer(ctx.req))
  // Only org tokens (obtained with grant_service) open the admin API; a login token is refused.
  const shop = token?.kind === 'org' ? deps.store.shops.get(token.orgid) : undefined
  if (!token || !shop) return { reply: json(401, UNAUTHORIZED) }
  const rate = deps.buckets.take(shop.orgid)
  const headers = { 'x-haravan-api-call-limit': rate.header }
  const orgid = shop.orgid
  if (!rate.allowed) {
    const msg = `Exceeded ${deps.bucketSize} calls per second for api client. Reduce request rates to resume uninterrupted service.`
    return { reply: json(429, { errors: msg }, { ...headers, 'retry-after': '2.0' }), orgid }
  }
  if (shop.failNext.n > 0) {
    shop.failNext.n -= 1
    return { reply: json(shop.failNext.status, { errors: 'Simulated failure' }, headers), orgid }
  }
  const isWrite = ctx.method === 'POST' || ctx.method === 'PUT'
  if (isWrite && !(ctx.req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return { reply: json(400, { errors: 'Content-Type must be application/json' }, headers), orgid }
  }
  if (!scopeAllowed(token.scope, scope)) {
    return { reply: json(403, { errors: `[API] This action requires merchant approval for ${scope} scope.` }, headers), orgid }
  }
  const reply = await handler(ctx, shop)
  return { reply: { ...reply, headers: { ...reply.headers, ...headers } }, orgid }
}

export function restRoute (deps: RestDeps, scope: string, handler: RestHandler): Handler {
  return async (ctx) => {
    const { reply, orgid } = await guarded(deps, ctx, scope, handler)
    const entry: RequestLogEntry = { method: ctx.method, path: ctx.path, status: reply.status, at: deps.store.now() }
    if (orgid) entry.orgid = orgid
    deps.requestLog.push(entry)
    return reply
  }
}

export const notFound = (): Reply => json(404, { errors: 'Not Found' })
export const unprocessable = (errors: Record<string, string[]>): Reply => json(422, { errors })

export function idParam (ctx: Ctx): number {
  return Number(ctx.params[0])
}
