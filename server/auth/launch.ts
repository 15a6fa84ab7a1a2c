// Embedded launch: Haravan opens `/?orgid&shop&timestamp&hmac` in its admin iframe; a valid signature yields a session token.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sendPage } from './pages.ts'
import { mintSessionToken } from './session.ts'
import { isShopInstalled, shopDomain } from './store.ts'

export const LAUNCH_MAX_SKEW_SECONDS = 300
// There is no user id in the launch URL, so launch sessions carry this fixed subject.
export const LAUNCH_SUBJECT = 'haravan-admin'

const hmacHex = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('hex')

/** Query string with its hmac: what the Haravan admin builds (parameters in the given order). */
export function signLaunchQuery (secret: string, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString()
  return `${q}&hmac=${hmacHex(secret, q)}`
}

export function isLaunchRequest (request: FastifyRequest): boolean {
  const q = request.query as Record<string, unknown> | undefined
  return typeof q === 'object' && q !== null && 'hmac' in q
}

function rawQuery (request: FastifyRequest): string {
  const url = request.raw.url ?? request.url
  const i = url.indexOf('?')
  return i < 0 ? '' : url.slice(i + 1)
}

/** Checks hmac over the query without it, as received; the decoded form is accepted too (encodings differ between clients). */
export function verifyLaunchHmac (secret: string, query: string): boolean {
  const parts = query.split('&').filter(Boolean)
  const hmacPart = parts.find((p) => p.split('=')[0] === 'hmac')
  const given = hmacPart ? decodeURIComponent(hmacPart.slice(5)) : ''
  if (!/^[0-9a-f]{64}$/i.test(given)) return false
  const rest = parts.filter((p) => p !== hmacPart)
  const decode = (p: string) => { try { return decodeURIComponent(p.replace(/\+/g, ' ')) } catch { return p } }
  const candidates = [rest.join('&'), rest.map(decode).join('&')]
  const givenBuf = Buffer.from(given.toLowerCase(), 'hex')
  return candidates.some((c) => timingSafeEqual(Buffer.from(hmacHex(secret, c), 'hex'), givenBuf))
}

function refuse (reply: FastifyReply, reason: string) {
  return sendPage(reply, 401, {
    title: 'Không mở được ứng dụng',
    paragraphs: ['Liên kết mở ứng dụng không hợp lệ hoặc đã hết hạn. Hãy mở lại Tích Điểm từ mục Ứng dụng trong trang quản trị Haravan.'],
    englishHint: reason,
  })
}

/** GET / with launch parameters: verify, then redirect to the SPA with a session token in the fragment. */
export async function handleLaunch (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const q = request.query as Record<string, string | undefined>
  if (!verifyLaunchHmac(app.config.haravan.clientSecret, rawQuery(request))) {
    request.log.warn({ orgid: q.orgid }, 'launch refused: bad hmac')
    return refuse(reply, 'Invalid launch signature (hmac).')
  }
  const timestamp = Number(q.timestamp)
  if (!Number.isFinite(timestamp) || Math.abs(timestamp - app.clock().getTime() / 1000) > LAUNCH_MAX_SKEW_SECONDS) {
    request.log.warn({ orgid: q.orgid, timestamp: q.timestamp }, 'launch refused: stale timestamp')
    return refuse(reply, 'The launch timestamp is more than 300 s away from the server time.')
  }
  const orgid = q.orgid ?? ''
  if (!/^\d{1,20}$/.test(orgid)) return refuse(reply, 'Missing or malformed orgid.')
  const installed = await isShopInstalled(app.db, orgid)
  reply.header('Cache-Control', 'no-store')
  if (!installed) return reply.redirect(`/install/start?orgid=${encodeURIComponent(orgid)}`, 302)
  const token = await mintSessionToken(app.config.sessionSecret, { orgid, sub: LAUNCH_SUBJECT }, { now: app.clock() })
  return reply.redirect(`/#token=${token}`, 302)
}

/** Sandbox only: plays the Haravan admin, building a correctly signed launch URL for a shop. */
export function registerSandboxOpen (app: FastifyInstance) {
  app.get<{ Querystring: { orgid?: string } }>('/sandbox/open', { schema: { hide: true } }, async (request, reply) => {
    const orgid = request.query.orgid ?? ''
    const query = signLaunchQuery(app.config.haravan.clientSecret, {
      orgid,
      shop: await shopDomain(app.db, orgid) ?? `${orgid}.myharavan.com`,
      timestamp: String(Math.floor(app.clock().getTime() / 1000)),
    })
    return reply.header('Cache-Control', 'no-store').redirect(`/?${query}`, 302)
  })
}
