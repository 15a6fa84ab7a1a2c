// OAuth install (HARAVAN.md): /install/start → authorize (login) → POST /install/login → authorize (install) → POST /install/grandservice.
// Not @fastify/oauth2: it expects a query-string callback and one redirect URI, while Haravan posts `code id_token`
// with form_post to two different redirect URIs and we must check the nonce in the id_token ourselves.
import { randomBytes } from 'node:crypto'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { request as undiciRequest } from 'undici'
import { completeInstall } from '../haravan/install.ts'
import { tokenEndpoint } from '../haravan/tokens.ts'
import { registerSandboxOpen } from './launch.ts'
import { sendPage } from './pages.ts'
import { mintSessionToken } from './session.ts'
import { isShopInstalled, saveOAuthState, takeOAuthState, type Purpose } from './store.ts'

export const LOGIN_SCOPES = 'openid profile email org userinfo'
export const INSTALL_SCOPES = 'openid profile email org userinfo grant_service wh_api offline_access ' +
  'com.read_customers com.write_customers com.read_orders com.read_shop com.write_discounts'
const STATE_TTL_MS = 10 * 60_000

export interface IdentityClaims { sub: string, orgid: string, orgname: string, roles: string[], email?: string, name?: string }

// Discovery and JWKS per accounts host; jose's remote set refetches on an unknown kid (key rotation).
const issuers = new Map<string, Promise<{ issuer: string, jwks: ReturnType<typeof createRemoteJWKSet> }>>()
function issuerFor (accountsUrl: string) {
  let p = issuers.get(accountsUrl)
  if (!p) {
    p = (async () => {
      const res = await undiciRequest(new URL('/.well-known/openid-configuration', accountsUrl), { headers: { accept: 'application/json' } })
      if (res.statusCode !== 200) throw new Error(`OIDC discovery at ${accountsUrl} answered ${res.statusCode}`)
      const disco = await res.body.json() as { issuer?: string, jwks_uri?: string }
      if (!disco.issuer || !disco.jwks_uri) throw new Error(`OIDC discovery at ${accountsUrl} has no issuer or jwks_uri`)
      return { issuer: disco.issuer, jwks: createRemoteJWKSet(new URL(disco.jwks_uri)) }
    })()
    p.catch(() => issuers.delete(accountsUrl))
    issuers.set(accountsUrl, p)
  }
  return p
}

/** Verifies signature, issuer, audience, lifetime and nonce; returns the claims the app uses. */
export async function verifyIdToken (app: FastifyInstance, idToken: string, nonce: string): Promise<IdentityClaims> {
  const { issuer, jwks } = await issuerFor(app.config.haravan.accountsUrl)
  const { payload } = await jwtVerify(idToken, jwks, { issuer, audience: app.config.haravan.clientId, currentDate: app.clock(), clockTolerance: 120 })
  if (payload.nonce !== nonce) throw new Error('id_token nonce does not match')
  return claimsOf(payload)
}

function claimsOf (p: JWTPayload): IdentityClaims {
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
  const role = p.role
  const roles = (Array.isArray(role) ? role : [role]).map(str).filter(Boolean)
  const claims: IdentityClaims = { sub: str(p.sub), orgid: str(p.orgid), orgname: str(p.orgname), roles }
  if (!claims.sub || !claims.orgid) throw new Error('id_token lacks sub or orgid')
  if (typeof p.email === 'string') claims.email = p.email
  if (typeof p.name === 'string') claims.name = p.name
  return claims
}

const redirectUri = (app: FastifyInstance, step: 'login' | 'grandservice') => `${app.config.appUrl}/install/${step}`

async function newState (app: FastifyInstance, purpose: Purpose, orgid: string | null) {
  const state = randomBytes(24).toString('base64url')
  const nonce = randomBytes(24).toString('base64url')
  const now = app.clock()
  await saveOAuthState(app.db, { state, nonce, purpose, orgid, expiresAt: new Date(now.getTime() + STATE_TTL_MS) }, now)
  return { state, nonce }
}

/** Single use: the row is deleted whether or not the rest of the callback succeeds. */
async function takeState (app: FastifyInstance, state: string | undefined, purposes: Purpose[]) {
  if (!state) return undefined
  const row = await takeOAuthState(app.db, state)
  if (!row || row.expiresAt < app.clock() || !purposes.includes(row.purpose)) return undefined
  return row
}

function authorizeUrl (app: FastifyInstance, scope: string, step: 'login' | 'grandservice', state: string, nonce: string, orgid: string | null): string {
  const q = new URLSearchParams({ response_mode: 'form_post', response_type: 'code id_token', scope, client_id: app.config.haravan.clientId, redirect_uri: redirectUri(app, step), nonce, state })
  if (orgid) q.set('orgid', orgid)
  return `${app.config.haravan.accountsUrl}/connect/authorize?${q.toString().replace(/\+/g, '%20')}`
}

const ORGID = /^\d{1,20}$/
const NOT_ADMIN = 'Chỉ quản trị viên (admin) của cửa hàng mới cài đặt được ứng dụng. Hãy nhờ chủ cửa hàng hoặc một quản trị viên mở Tích Điểm từ trang quản trị Haravan để cài đặt, rồi thử lại.'
const retryLink = (orgid?: string | null) => ({ href: `/install/start${orgid ? `?orgid=${encodeURIComponent(orgid)}` : ''}`, label: 'Thử lại' })

function badState (reply: FastifyReply) {
  return sendPage(reply, 400, {
    title: 'Phiên cài đặt không hợp lệ hoặc đã hết hạn',
    paragraphs: ['Liên kết đăng nhập này đã được dùng hoặc đã quá 10 phút. Hãy mở lại ứng dụng từ trang quản trị Haravan.'],
    englishHint: 'The sign-in state is unknown, already used or expired.',
    link: retryLink(),
  })
}

function oauthError (reply: FastifyReply, body: Record<string, string | undefined>, step: 'login' | 'install', orgid: string | null) {
  const denied = body.error === 'access_denied'
  return sendPage(reply, denied ? 403 : 400, {
    title: denied ? (step === 'install' ? 'Không cài đặt được ứng dụng' : 'Đăng nhập Haravan đã bị huỷ') : 'Haravan báo lỗi khi đăng nhập',
    paragraphs: [denied ? (step === 'install' ? NOT_ADMIN : 'Bạn đã không cho phép Tích Điểm truy cập tài khoản Haravan. Ứng dụng cần quyền này để hoạt động.') : `Mã lỗi: ${body.error}`],
    englishHint: `${body.error}${body.error_description ? `: ${body.error_description}` : ''}`,
    link: retryLink(orgid),
  })
}

async function verifyOrRefuse (app: FastifyInstance, reply: FastifyReply, idToken: string | undefined, nonce: string) {
  try {
    if (!idToken) throw new Error('no id_token in the callback')
    return await verifyIdToken(app, idToken, nonce)
  } catch (err) {
    app.log.warn({ err }, 'install: id_token rejected')
    sendPage(reply, 401, {
      title: 'Không xác thực được đăng nhập Haravan',
      paragraphs: ['Thông tin đăng nhập gửi về từ Haravan không hợp lệ. Hãy thử lại từ trang quản trị Haravan.'],
      englishHint: 'The id_token could not be verified (signature, issuer, audience, expiry or nonce).',
      link: retryLink(),
    })
    return undefined
  }
}

async function sessionRedirect (app: FastifyInstance, reply: FastifyReply, orgid: string, sub: string) {
  const token = await mintSessionToken(app.config.sessionSecret, { orgid, sub }, { now: app.clock() })
  return reply.header('Cache-Control', 'no-store').redirect(`/#token=${token}`, 302)
}

type Form = Record<string, string | undefined>

export default async function installRoutes (app: FastifyInstance) {
  await app.register(formbody)
  // Light: a human install is three requests; the sandbox installs up to 50 shops from localhost at start.
  await app.register(rateLimit, { max: app.config.haravan.sandbox ? 1000 : 60, timeWindow: '1 minute' })

  app.get<{ Querystring: { orgid?: string, reconnect?: string } }>('/install/start', { schema: { hide: true } }, async (request, reply) => {
    const orgid = request.query.orgid && ORGID.test(request.query.orgid) ? request.query.orgid : null
    // reconnect=1: go through the install consent even when the shop looks installed (broken or revoked tokens).
    const purpose: Purpose = request.query.reconnect === '1' ? 'reconnect' : 'login'
    const { state, nonce } = await newState(app, purpose, orgid)
    return reply.header('Cache-Control', 'no-store').redirect(authorizeUrl(app, LOGIN_SCOPES, 'login', state, nonce, orgid), 302)
  })

  app.post<{ Body: Form }>('/install/login', { schema: { hide: true } }, async (request, reply) => {
    const body = request.body ?? {}
    const row = await takeState(app, body.state, ['login', 'reconnect'])
    if (!row) return badState(reply)
    if (body.error) return oauthError(reply, body, 'login', row.orgid)
    const claims = await verifyOrRefuse(app, reply, body.id_token, row.nonce)
    if (!claims) return reply
    if (row.purpose === 'login' && await isShopInstalled(app.db, claims.orgid)) return sessionRedirect(app, reply, claims.orgid, claims.sub)
    if (!claims.roles.includes('admin')) {
      request.log.info({ orgid: claims.orgid, sub: claims.sub }, 'install refused: not an admin')
      return sendPage(reply, 403, { title: 'Không cài đặt được ứng dụng', paragraphs: [NOT_ADMIN], englishHint: 'Only a shop admin can install the app.' })
    }
    const next = await newState(app, 'install', claims.orgid)
    return reply.header('Cache-Control', 'no-store').redirect(authorizeUrl(app, INSTALL_SCOPES, 'grandservice', next.state, next.nonce, claims.orgid), 302)
  })

  app.post<{ Body: Form }>('/install/grandservice', { schema: { hide: true } }, async (request, reply) => {
    const body = request.body ?? {}
    const row = await takeState(app, body.state, ['install'])
    if (!row) return badState(reply)
    if (body.error) return oauthError(reply, body, 'install', row.orgid)
    const claims = await verifyOrRefuse(app, reply, body.id_token, row.nonce)
    if (!claims) return reply
    if (!claims.roles.includes('admin')) return sendPage(reply, 403, { title: 'Không cài đặt được ứng dụng', paragraphs: [NOT_ADMIN] })
    if (row.orgid && row.orgid !== claims.orgid) return badState(reply)
    let tokens
    try {
      tokens = await tokenEndpoint(app.config.haravan, { grant_type: 'authorization_code', code: body.code ?? '', redirect_uri: redirectUri(app, 'grandservice') }, 'authorization_code')
    } catch (err) {
      request.log.error({ err, orgid: claims.orgid }, 'install: code exchange failed')
      return sendPage(reply, 502, {
        title: 'Không nhận được quyền truy cập từ Haravan',
        paragraphs: ['Haravan không cấp mã truy cập cho ứng dụng. Hãy thử cài đặt lại sau ít phút.'],
        englishHint: 'The authorization code exchange at /connect/token failed.',
        link: retryLink(claims.orgid),
      })
    }
    await completeInstall(app, { shopId: claims.orgid, tokens, installedBy: claims.sub, orgname: claims.orgname })
    return sessionRedirect(app, reply, claims.orgid, claims.sub)
  })

  if (app.config.haravan.sandbox) registerSandboxOpen(app)
}
