// accounts.haravan.com: OIDC authorize (form_post), token, userinfo, discovery and JWKS.
import { randomBytes } from 'node:crypto'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { bearer, json, type Ctx, type Reply, type Router } from './http.ts'
import type { ShopState, SimStore } from './store.ts'
import type { LoginUser } from './types.ts'
import { authorizePage } from './oauth-page.ts'

export interface TokenRecord {
  token: string
  /** 'org': obtained with grant_service, accepted by REST; 'user': login only */
  kind: 'org' | 'user'
  orgid: string
  claims: LoginUser
  scope: string[]
  expiresAt: number
}

interface CodeRecord { clientId: string, redirectUri: string, scope: string[], nonce: string | null, user: LoginUser, expiresAt: number }
interface RefreshRecord { clientId: string, kind: 'org' | 'user', orgid: string, claims: LoginUser, scope: string[], accessToken: string }

export interface OAuthConfig { clientId: string, clientSecret: string, redirectUris?: string[], issuer: () => string }

const CODE_TTL_MS = 5 * 60_000
const ID_TOKEN_TTL_S = 3600

const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url')

export class OAuthServer {
  private readonly codes = new Map<string, CodeRecord>()
  private readonly access = new Map<string, TokenRecord>()
  private readonly refresh = new Map<string, RefreshRecord>()
  private loginUser: LoginUser | null = null

  private constructor (
    private readonly config: OAuthConfig,
    private readonly store: SimStore,
    private readonly privateKey: CryptoKey,
    private readonly jwk: JWK
  ) {}

  static async create (config: OAuthConfig, store: SimStore): Promise<OAuthServer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const jwk = { ...await exportJWK(publicKey), kid: `sim-${randomToken(6)}`, alg: 'RS256', use: 'sig' }
    return new OAuthServer(config, store, privateKey, jwk)
  }

  setLoginUser (u: LoginUser | null): void {
    this.loginUser = u
  }

  /** A valid (unexpired, unrevoked) access token record, of either kind. */
  verifyAccess (token: string | undefined): TokenRecord | undefined {
    const rec = token ? this.access.get(token) : undefined
    return rec && rec.expiresAt > this.store.now().getTime() ? rec : undefined
  }

  /** Makes the shop's current org access tokens expire now; refresh tokens keep working. */
  expireToken (orgid: string): void {
    for (const rec of this.access.values()) if (rec.orgid === orgid && rec.kind === 'org') rec.expiresAt = 0
  }

  /** Uninstall: every org token and refresh token of the shop stops working. */
  revokeShop (orgid: string): void {
    for (const [k, rec] of this.access) if (rec.orgid === orgid && rec.kind === 'org') this.access.delete(k)
    for (const [k, rec] of this.refresh) if (rec.orgid === orgid && rec.kind === 'org') this.refresh.delete(k)
  }

  hasOrgToken (orgid: string): boolean {
    for (const rec of this.refresh.values()) if (rec.orgid === orgid && rec.kind === 'org') return true
    for (const rec of this.access.values()) if (rec.orgid === orgid && rec.kind === 'org') return true
    return false
  }

  register (router: Router): void {
    router
      .add('GET', /^\/connect\/authorize$/, (ctx) => this.authorize(ctx))
      .add('POST', /^\/connect\/token$/, (ctx) => this.token(ctx))
      .add('GET', /^\/connect\/userinfo$/, (ctx) => this.userinfo(ctx))
      .add('POST', /^\/connect\/userinfo$/, (ctx) => this.userinfo(ctx))
      .add('GET', /^\/\.well-known\/openid-configuration$/, () => json(200, this.discovery()))
      .add('GET', /^\/\.well-known\/openid-configuration\/jwks$/, () => json(200, { keys: [this.jwk] }))
      .add('GET', /^\/\.well-known\/jwks$/, () => json(200, { keys: [this.jwk] }))
  }

  private discovery (): Record<string, unknown> {
    const iss = this.config.issuer()
    return {
      issuer: iss,
      jwks_uri: `${iss}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${iss}/connect/authorize`,
      token_endpoint: `${iss}/connect/token`,
      userinfo_endpoint: `${iss}/connect/userinfo`,
      scopes_supported: ['openid', 'profile', 'email', 'org', 'userinfo', 'grant_service', 'wh_api', 'offline_access',
        'com.read_customers', 'com.write_customers', 'com.read_orders', 'com.write_orders', 'com.read_shop', 'com.write_discounts'],
      response_types_supported: ['code', 'id_token', 'code id_token'],
      response_modes_supported: ['form_post', 'query', 'fragment'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic']
    }
  }

  private resolveUser (orgid: string | null): LoginUser | undefined {
    if (this.loginUser) return this.loginUser
    const shop: ShopState | undefined = orgid ? this.store.shops.get(orgid) : this.store.firstShop()
    if (!shop) return undefined
    return { sub: shop.adminUserId, orgid: shop.orgid, orgname: shop.name, role: ['admin'], email: shop.adminEmail, name: `Chủ shop ${shop.name}` }
  }

  private async authorize (ctx: Ctx): Promise<Reply> {
    const q = ctx.query
    const redirectUri = q.get('redirect_uri')
    if (q.get('client_id') !== this.config.clientId) return json(400, { error: 'invalid_client', error_description: 'Unknown client' })
    if (!redirectUri || (this.config.redirectUris && !this.config.redirectUris.includes(redirectUri))) {
      return json(400, { error: 'invalid_request', error_description: 'Invalid redirect_uri' })
    }
    if (!(q.get('response_type') ?? '').split(' ').includes('code')) return json(400, { error: 'unsupported_response_type' })
    const scope = (q.get('scope') ?? '').split(' ').filter(Boolean)
    const user = this.resolveUser(q.get('orgid'))
    if (!user) return json(400, { error: 'invalid_request', error_description: 'No shop to log in to' })
    const state = q.get('state') ?? ''
    let fields: Record<string, string>
    if (scope.includes('grant_service') && !hasRole(user, 'admin')) {
      // IdentityServer reports authorisation errors to the client through the same form_post.
      fields = { error: 'access_denied', error_description: 'Only a shop admin can install an app', state }
    } else {
      const code = randomToken()
      const nonce = q.get('nonce')
      this.codes.set(code, { clientId: this.config.clientId, redirectUri, scope, nonce, user, expiresAt: this.store.now().getTime() + CODE_TTL_MS })
      const idToken = await this.idToken(user, nonce)
      fields = { code, id_token: idToken, scope: scope.join(' '), state, session_state: `${randomToken(24)}.${randomToken(8)}` }
    }
    if ((ctx.req.headers.accept ?? '').includes('application/json')) return json(200, { action: redirectUri, fields })
    return { status: 200, text: authorizePage(redirectUri, fields), headers: { 'content-type': 'text/html; charset=utf-8' } }
  }

  private async idToken (user: LoginUser, nonce: string | null): Promise<string> {
    const iat = Math.floor(this.store.now().getTime() / 1000)
    const claims: Record<string, unknown> = { sub: user.sub, orgid: user.orgid, orgname: user.orgname ?? '', role: user.role }
    if (nonce) claims.nonce = nonce
    if (user.email) claims.email = user.email
    if (user.name) claims.name = user.name
    return await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.jwk.kid ?? '', typ: 'JWT' })
      .setIssuer(this.config.issuer())
      .setAudience(this.config.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ID_TOKEN_TTL_S)
      .sign(this.privateKey)
  }

  private clientAuthenticated (ctx: Ctx, form: URLSearchParams): boolean {
    let id = form.get('client_id')
    let secret = form.get('client_secret')
    const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '')
    if (basic?.[1]) {
      const [u, p] = Buffer.from(basic[1], 'base64').toString('utf8').split(':')
      id = decodeURIComponent(u ?? '')
      secret = decodeURIComponent(p ?? '')
    }
    return id === this.config.clientId && secret === this.config.clientSecret
  }

  private async token (ctx: Ctx): Promise<Reply> {
    if (!(ctx.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return json(400, { error: 'invalid_request', error_description: 'Form-encoded body expected' })
    }
    const form = new URLSearchParams(ctx.body)
    if (!this.clientAuthenticated(ctx, form)) return json(400, { error: 'invalid_client' })
    const grant = form.get('grant_type')
    if (grant === 'authorization_code') return await this.exchangeCode(form)
    if (grant === 'refresh_token') return await this.refreshGrant(form)
    return json(400, { error: 'unsupported_grant_type' })
  }

  private async exchangeCode (form: URLSearchParams): Promise<Reply> {
    const code = form.get('code') ?? ''
    const rec = this.codes.get(code)
    this.codes.delete(code) // single use, even when the exchange below fails
    if (!rec || rec.expiresAt < this.store.now().getTime() || rec.redirectUri !== form.get('redirect_uri')) {
      return json(400, { error: 'invalid_grant' })
    }
    const kind = rec.scope.includes('grant_service') ? 'org' : 'user'
    const refreshToken = rec.scope.includes('offline_access') ? randomToken() : undefined
    const body = await this.issue(kind, rec.user, rec.scope, rec.nonce, refreshToken)
    return json(200, body)
  }

  private async refreshGrant (form: URLSearchParams): Promise<Reply> {
    const token = form.get('refresh_token') ?? ''
    const rec = this.refresh.get(token)
    if (!rec) return json(400, { error: 'invalid_grant' })
    this.access.delete(rec.accessToken) // the old access token stops working
    return json(200, await this.issue(rec.kind, rec.claims, rec.scope, null, token))
  }

  private async issue (kind: 'org' | 'user', user: LoginUser, scope: string[], nonce: string | null, refreshToken?: string): Promise<Record<string, unknown>> {
    const accessToken = randomToken(48)
    const expiresIn = this.store.shops.get(user.orgid)?.tokenExpiresIn ?? 3600
    this.access.set(accessToken, { token: accessToken, kind, orgid: user.orgid, claims: user, scope, expiresAt: this.store.now().getTime() + expiresIn * 1000 })
    if (refreshToken) this.refresh.set(refreshToken, { clientId: this.config.clientId, kind, orgid: user.orgid, claims: user, scope, accessToken })
    const body: Record<string, unknown> = {
      id_token: await this.idToken(user, nonce),
      access_token: accessToken,
      expires_in: expiresIn,
      token_type: 'Bearer',
      scope: scope.join(' ')
    }
    if (refreshToken) body.refresh_token = refreshToken
    return body
  }

  private userinfo (ctx: Ctx): Reply {
    const rec = this.verifyAccess(bearer(ctx.req))
    if (!rec) return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    const u = rec.claims
    return json(200, { sub: u.sub, orgid: u.orgid, orgname: u.orgname ?? '', role: u.role, email: u.email, name: u.name })
  }
}

export function hasRole (user: LoginUser, role: string): boolean {
  return Array.isArray(user.role) ? user.role.includes(role) : user.role === role
}
