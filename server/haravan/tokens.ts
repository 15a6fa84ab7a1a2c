// Haravan org tokens at rest: encrypted in `shops`, refreshed ahead of expiry or after a 401, one refresh at a time per shop.
import { eq } from 'drizzle-orm'
import { request as undiciRequest } from 'undici'
import type { Db } from '../../db/client.ts'
import { shops } from '../../db/schema/index.ts'
import type { Config } from '../config.ts'
import { decryptSecret, encryptSecret } from '../crypto.ts'
import { createHaravanClient, type ClientLogger, type HaravanClient, type TokenProvider } from './client.ts'

/** Refresh when the access token has less than this left. */
export const REFRESH_AHEAD_MS = 5 * 60_000

export class ShopNotInstalledError extends Error {
  constructor (readonly shopId: string) {
    super(`Shop ${shopId} has not installed Tích Điểm (or uninstalled it): no Haravan token to use`)
    this.name = 'ShopNotInstalledError'
  }
}

export class TokenEndpointError extends Error {
  constructor (readonly status: number, readonly body: unknown, what: string) {
    super(`Haravan /connect/token (${what}) answered ${status}: ${JSON.stringify(body).slice(0, 300)}`)
    this.name = 'TokenEndpointError'
  }
}

export interface TokenResponse {
  access_token: string
  token_type?: string
  expires_in?: number
  refresh_token?: string
  id_token?: string
  scope?: string
}

/** POST {accountsUrl}/connect/token, form-encoded with the client credentials (HARAVAN.md §OAuth 3). */
export async function tokenEndpoint (haravan: Config['haravan'], form: Record<string, string>, what: string): Promise<TokenResponse> {
  const res = await undiciRequest(new URL('/connect/token', haravan.accountsUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...form, client_id: haravan.clientId, client_secret: haravan.clientSecret }).toString(),
  })
  const text = await res.body.text()
  let body: unknown = text
  try { body = JSON.parse(text) } catch {}
  if (res.statusCode !== 200 || typeof (body as TokenResponse)?.access_token !== 'string') throw new TokenEndpointError(res.statusCode, body, what)
  return body as TokenResponse
}

/** The columns a fresh token response sets; the old refresh token is kept when none comes back. */
export function sealedTokenColumns (key: Buffer, shopId: string, tokens: TokenResponse, now: Date) {
  return {
    accessTokenEnc: encryptSecret(key, shopId, tokens.access_token),
    ...(tokens.refresh_token ? { refreshTokenEnc: encryptSecret(key, shopId, tokens.refresh_token) } : {}),
    tokenExpiresAt: tokens.expires_in ? new Date(now.getTime() + tokens.expires_in * 1000) : null,
    ...(tokens.scope ? { scopes: tokens.scope } : {}),
    updatedAt: now,
  }
}

export interface TokenStoreDeps {
  db: Db
  config: Pick<Config, 'encryptionKey' | 'haravan'>
  clock?: () => Date
  logger?: ClientLogger
}

export function createTokenStore (deps: TokenStoreDeps): TokenProvider {
  const { db, config } = deps
  const clock = deps.clock ?? (() => new Date())
  const key = config.encryptionKey
  // Single flight within the process; `for update` below covers other instances.
  const inflight = new Map<string, Promise<string>>()

  async function readRow (shopId: string) {
    const [row] = await db.select().from(shops).where(eq(shops.shopId, shopId)).limit(1)
    if (!row || row.status !== 'installed' || !row.accessTokenEnc) throw new ShopNotInstalledError(shopId)
    return row
  }

  const dueSoon = (expiresAt: Date | null) => expiresAt !== null && expiresAt.getTime() - clock().getTime() < REFRESH_AHEAD_MS

  async function doRefresh (shopId: string, rejected: string | null): Promise<string> {
    return await db.transaction(async (tx) => {
      const [row] = await tx.select().from(shops).where(eq(shops.shopId, shopId)).for('update')
      if (!row || row.status !== 'installed' || !row.accessTokenEnc) throw new ShopNotInstalledError(shopId)
      const current = decryptSecret(key, shopId, row.accessTokenEnc)
      // Another caller (or instance) refreshed while we waited for the lock: use its token.
      if (current !== rejected && !dueSoon(row.tokenExpiresAt)) return current
      if (!row.refreshTokenEnc) throw new TokenEndpointError(0, 'no refresh token stored (offline_access missing?)', 'refresh')
      const tokens = await tokenEndpoint(config.haravan, { grant_type: 'refresh_token', refresh_token: decryptSecret(key, shopId, row.refreshTokenEnc) }, 'refresh')
      await tx.update(shops).set(sealedTokenColumns(key, shopId, tokens, clock())).where(eq(shops.shopId, shopId))
      deps.logger?.debug({ shopId }, 'Haravan token refreshed')
      return tokens.access_token
    })
  }

  function refresh (shopId: string, rejected: string | null): Promise<string> {
    let p = inflight.get(shopId)
    if (!p) {
      p = doRefresh(shopId, rejected).finally(() => inflight.delete(shopId))
      inflight.set(shopId, p)
    }
    return p
  }

  return {
    async get (shopId) {
      const row = await readRow(shopId)
      const current = decryptSecret(key, shopId, row.accessTokenEnc!)
      if (!dueSoon(row.tokenExpiresAt)) return current
      try {
        return await refresh(shopId, current)
      } catch (err) {
        // Ahead-of-time refresh failed but the token still works for a while: use it, the 401 path retries later.
        if (err instanceof ShopNotInstalledError || (row.tokenExpiresAt && row.tokenExpiresAt <= clock())) throw err
        deps.logger?.warn({ shopId, err }, 'Haravan token refresh ahead of expiry failed; using the current token')
        return current
      }
    },
    refresh: (shopId, rejected) => refresh(shopId, rejected),
  }
}

/**
 * The app's Haravan client, its tokens read from `shops`. buildApp makes one per app (app.haravan, unless given one):
 * every caller in the app shares it, hence one leaky bucket per shop.
 */
export function createAppHaravanClient (deps: TokenStoreDeps): HaravanClient {
  return createHaravanClient({
    apiUrl: deps.config.haravan.apiUrl,
    webhookApiUrl: deps.config.haravan.webhookApiUrl,
    tokens: createTokenStore(deps),
    clock: deps.clock,
    logger: deps.logger,
  })
}
