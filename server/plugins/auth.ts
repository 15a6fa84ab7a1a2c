// Admin API authentication: a Bearer session token (CONTRACT.md) for an installed shop, exposed as request.shop.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { and, eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import { verifySessionToken } from '../auth/session.ts'
import { UnauthorizedError } from '../errors.ts'

export interface ShopContext {
  shopId: string
  name: string
  domain: string | null
  timezone: string
  sandbox: boolean
  userId: string
}

declare module 'fastify' {
  interface FastifyRequest {
    shop: ShopContext
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>
  }
}

function bearerToken (request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1] ?? null
}

async function authPlugin (app: FastifyInstance) {
  app.decorateRequest('shop', null as unknown as ShopContext)
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const token = bearerToken(request)
    if (!token) throw new UnauthorizedError('Thiếu phiên làm việc: hãy mở ứng dụng từ trang quản trị Haravan')
    const session = await verifySessionToken(app.config.sessionSecret, token, app.clock())
    if (!session) throw new UnauthorizedError()
    // The shop must be installed now: an uninstalled shop's old tokens stop working at once.
    const [shop] = await app.db.select({
      shopId: shops.shopId, name: shops.name, domain: shops.domain, timezone: shops.timezone, sandbox: shops.sandbox,
    }).from(shops).where(and(eq(shops.shopId, session.orgid), eq(shops.status, 'installed'))).limit(1)
    if (!shop) throw new UnauthorizedError('Cửa hàng chưa cài đặt ứng dụng hoặc đã gỡ')
    request.shop = { ...shop, userId: session.sub }
  })
}

export default fp(authPlugin, { name: 'auth', dependencies: ['context'] })
