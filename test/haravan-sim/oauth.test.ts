// The simulated accounts host: form_post authorize, code exchange, refresh, id_token and token rules.
import t from 'tap'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { api, authorize, CLIENT_ID, fakeClock, install, LOGIN_SCOPE, REDIRECT_URI, simFor, tokenRequest } from './helpers.ts'

const ORG = '1000000001'

t.test('discovery points at a JWKS that verifies the id_token of the form_post', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Cửa hàng Hoa Mai' })
  const disco = await (await fetch(`${sim.accountsUrl}/.well-known/openid-configuration`)).json() as Record<string, string>
  t.equal(disco.issuer, sim.url)
  t.equal(disco.authorization_endpoint, `${sim.url}/connect/authorize`)
  const alt = await (await fetch(`${sim.accountsUrl}/.well-known/jwks`)).json() as { keys: { kid: string }[] }
  t.ok(alt.keys[0]?.kid, 'JWKS also served at /.well-known/jwks')

  const { action, fields } = await authorize(sim, { orgid: ORG, scope: LOGIN_SCOPE })
  t.equal(action, REDIRECT_URI)
  t.same(Object.keys(fields).sort(), ['code', 'id_token', 'scope', 'session_state', 'state'])
  t.equal(fields.state, 'state-1')
  const jwks = createRemoteJWKSet(new URL(disco.jwks_uri ?? ''))
  const { payload, protectedHeader } = await jwtVerify(fields.id_token ?? '', jwks, { issuer: sim.url, audience: CLIENT_ID })
  t.equal(protectedHeader.alg, 'RS256')
  t.ok(protectedHeader.kid)
  t.match(payload, { nonce: 'nonce-1', orgid: ORG, orgname: 'Cửa hàng Hoa Mai', role: ['admin'] })
  t.ok(payload.sub && payload.email && payload.name && payload.iat && payload.exp)
  t.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600)
})

t.test('without Accept: application/json authorize returns an auto-submitting HTML form', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const q = new URLSearchParams({ response_mode: 'form_post', response_type: 'code id_token', scope: LOGIN_SCOPE, client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, nonce: 'n', state: 's' })
  const res = await fetch(`${sim.accountsUrl}/connect/authorize?${q}`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /text\/html/)
  const html = await res.text()
  t.match(html, `action="${REDIRECT_URI}"`)
  t.match(html, /method="post"/)
  for (const name of ['code', 'id_token', 'scope', 'state', 'session_state']) t.match(html, `name="${name}"`)
  t.match(html, /document\.forms\[0\]\.submit\(\)/)
})

t.test('an unknown client_id is refused with 400', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const q = new URLSearchParams({ response_type: 'code id_token', scope: LOGIN_SCOPE, client_id: 'nope', redirect_uri: REDIRECT_URI })
  const res = await fetch(`${sim.accountsUrl}/connect/authorize?${q}`, { headers: { accept: 'application/json' } })
  t.equal(res.status, 400)
})

t.test('install code gives an org token the REST API accepts; the code is single use', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { fields } = await authorize(sim, { orgid: ORG })
  const code = fields.code ?? ''
  const wrong = await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: 'http://evil.test/cb' })
  t.equal(wrong.status, 400, 'redirect_uri must match')
  t.equal(wrong.body.error, 'invalid_grant')
  const again = await authorize(sim, { orgid: ORG })
  const first = await tokenRequest(sim, { grant_type: 'authorization_code', code: again.fields.code ?? '', redirect_uri: REDIRECT_URI })
  t.equal(first.status, 200)
  t.match(first.body, { token_type: 'Bearer', expires_in: 3600, access_token: String, refresh_token: String, id_token: String })
  const reuse = await tokenRequest(sim, { grant_type: 'authorization_code', code: again.fields.code ?? '', redirect_uri: REDIRECT_URI })
  t.equal(reuse.body.error, 'invalid_grant', 'a code works once')
  const badSecret = await tokenRequest(sim, { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI, client_secret: 'bad' })
  t.equal(badSecret.body.error, 'invalid_client')

  const shop = await api(sim, String(first.body.access_token), '/com/shop.json')
  t.equal(shop.status, 200)
  const body = await shop.json() as { shop: Record<string, unknown> }
  t.match(body.shop, { id: Number(ORG), name: 'Shop', currency: 'VND', timezone: '(GMT+07:00) Hanoi', myharavan_domain: 'shop.myharavan.com' })
  t.ok(sim.isInstalled(ORG))
})

t.test('a login-only token opens userinfo but not the REST API', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const tokens = await install(sim, ORG, LOGIN_SCOPE)
  t.notOk(tokens.refresh_token, 'no offline_access, no refresh token')
  t.equal((await api(sim, tokens.access_token, '/com/customers.json')).status, 401)
  const info = await fetch(`${sim.accountsUrl}/connect/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  t.match(await info.json(), { orgid: ORG, role: ['admin'] })
})

t.test('refresh issues a new access token and the old one stops working', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const tokens = await install(sim, ORG)
  const refreshed = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal(refreshed.status, 200)
  const fresh = String(refreshed.body.access_token)
  t.not(fresh, tokens.access_token)
  t.equal((await api(sim, tokens.access_token, '/com/shop.json')).status, 401)
  t.equal((await api(sim, fresh, '/com/shop.json')).status, 200)
  const bogus = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: 'nope' })
  t.equal(bogus.body.error, 'invalid_grant')
})

t.test('expireToken makes the current token 401 until the app refreshes', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const tokens = await install(sim, ORG)
  sim.expireToken(ORG)
  t.equal((await api(sim, tokens.access_token, '/com/shop.json')).status, 401)
  const refreshed = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
  t.equal((await api(sim, String(refreshed.body.access_token), '/com/shop.json')).status, 200)
})

t.test('per-shop token lifetime is reported in expires_in and enforced on the clock', async (t) => {
  const clock = fakeClock()
  const sim = await simFor(t, { now: clock.now })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  sim.setTokenLifetime(ORG, 60)
  const tokens = await install(sim, ORG)
  t.equal(tokens.expires_in, 60)
  t.equal((await api(sim, tokens.access_token, '/com/shop.json')).status, 200)
  clock.advance(61_000)
  t.equal((await api(sim, tokens.access_token, '/com/shop.json')).status, 401)
})

t.test('only an admin can authorize grant_service', async (t) => {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORG, name: 'Shop' })
  sim.setLoginUser({ sub: '42', orgid: ORG, role: 'staff', email: 'nv@shop.vn', name: 'Nhân viên' })
  const denied = await authorize(sim, { orgid: ORG })
  t.equal(denied.fields.error, 'access_denied')
  t.notOk(denied.fields.code)
  t.equal(denied.fields.state, 'state-1')
  const login = await authorize(sim, { orgid: ORG, scope: LOGIN_SCOPE })
  t.ok(login.fields.code, 'a staff member can still log in')
  sim.setLoginUser({ sub: '43', orgid: ORG, role: ['staff', 'admin'] })
  t.ok((await authorize(sim, { orgid: ORG })).fields.code, 'role may be an array containing admin')
})
