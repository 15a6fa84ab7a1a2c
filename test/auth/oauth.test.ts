// The OAuth install through the app over HTTP against the simulator: login, install consent, token storage, refusals.
import t from 'tap'
import { and, eq } from 'drizzle-orm'
import { activityLog, oauthStates, shops } from '../../db/schema/index.ts'
import { decryptSecret } from '../../server/crypto.ts'
import { simFor, startReceiver, CLIENT_ID } from '../haravan-sim/helpers.ts'
import { appWithSim, authorizeAt, installThroughApp, ORG, startInstall, submit } from './helpers.ts'

t.test('/install/start redirects to authorize with the login scopes and form_post', async (t) => {
  const { base, sim, app } = await appWithSim(t)
  const location = new URL(await startInstall(base))
  t.equal(location.origin + location.pathname, `${sim.accountsUrl}/connect/authorize`)
  const q = location.searchParams
  t.equal(q.get('response_mode'), 'form_post')
  t.equal(q.get('response_type'), 'code id_token')
  t.equal(q.get('scope'), 'openid profile email org userinfo')
  t.equal(q.get('client_id'), CLIENT_ID)
  t.equal(q.get('redirect_uri'), `${app.config.appUrl}/install/login`)
  t.equal(q.get('orgid'), ORG)
  t.ok(q.get('state') && q.get('nonce'))
  const [row] = await app.db.select().from(oauthStates).where(eq(oauthStates.state, q.get('state') ?? ''))
  t.equal(row?.purpose, 'login')
  t.ok(row && row.expiresAt.getTime() - Date.now() > 9 * 60_000, 'about ten minutes to live')
})

t.test('a full install stores the shop with encrypted tokens, subscribes webhooks and gives a working session', async (t) => {
  const { base, sim, app } = await appWithSim(t)
  const receiver = await startReceiver(t)
  sim.setWebhookUrl(receiver.url)
  const session = await installThroughApp(base)

  const [shop] = await app.db.select().from(shops).where(eq(shops.shopId, ORG))
  t.match(shop, { status: 'installed', name: 'Cửa hàng Demo', domain: 'cua-hang-demo.myharavan.com', timezone: 'Asia/Ho_Chi_Minh', email: 'admin@cua-hang-demo.vn' })
  t.ok(shop?.accessTokenEnc?.startsWith('v1.'), 'access token sealed')
  t.ok(shop?.refreshTokenEnc?.startsWith('v1.'), 'refresh token sealed')
  t.ok(shop?.tokenExpiresAt && shop.tokenExpiresAt.getTime() > Date.now() + 50 * 60_000, 'expires_at from expires_in')
  t.match(shop?.scopes, /grant_service/)
  const token = decryptSecret(app.config.encryptionKey, ORG, shop?.accessTokenEnc ?? '')
  t.not(shop?.accessTokenEnc, token, 'the column is not the plaintext')
  t.notMatch(shop?.accessTokenEnc ?? '', token)
  const res = await fetch(`${sim.apiUrl}/com/shop.json`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(res.status, 200, 'the stored token is the org token')

  t.equal(sim.subscriptions(ORG).length > 0, true, 'webhooks subscribed')
  const logRows = await app.db.select().from(activityLog).where(and(eq(activityLog.shopId, ORG), eq(activityLog.action, 'app.installed')))
  t.equal(logRows.length, 1)

  const api = await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${session}` } })
  t.equal(api.statusCode, 200)
  t.match(api.json(), { orgid: ORG, name: 'Cửa hàng Demo' })

  // Opening again: the shop is installed, so the login alone gives a session (no second consent).
  const again = await submit(base, await authorizeAt(await startInstall(base)))
  t.equal(again.status, 302)
  t.match(again.headers.get('location'), /^\/#token=/)
})

t.test('the install succeeds even when the webhook subscription fails', async (t) => {
  const { base, app, sim } = await appWithSim(t)
  sim.setWebhookUrl(`${base}/webhooks/nowhere`)
  await installThroughApp(base)
  const [shop] = await app.db.select().from(shops).where(eq(shops.shopId, ORG))
  t.equal(shop?.status, 'installed')
  t.equal(sim.subscriptions(ORG).length, 0)
  const [row] = await app.db.select().from(activityLog).where(eq(activityLog.shopId, ORG))
  t.match(row?.details, { webhooks: 'failed' })
})

t.test('state is single use: replaying the callback is refused', async (t) => {
  const { base } = await appWithSim(t)
  const post = await authorizeAt(await startInstall(base))
  t.equal((await submit(base, post)).status, 302)
  const replay = await submit(base, post)
  t.equal(replay.status, 400)
  t.match(await replay.text(), /không hợp lệ hoặc đã hết hạn/)
  const forged = await submit(base, { ...post, fields: { ...post.fields, state: 'made-up' } })
  t.equal(forged.status, 400)
})

t.test('a login state cannot answer the install callback', async (t) => {
  const { base } = await appWithSim(t)
  const post = await authorizeAt(await startInstall(base))
  const res = await submit(base, { action: 'http://x/install/grandservice', fields: post.fields })
  t.equal(res.status, 400)
})

t.test('a non-admin is refused with a clear Vietnamese page', async (t) => {
  const { base, sim, app } = await appWithSim(t)
  sim.setLoginUser({ sub: '200000999', orgid: ORG, orgname: 'Cửa hàng Demo', role: ['staff'] })
  const res = await submit(base, await authorizeAt(await startInstall(base)))
  t.equal(res.status, 403)
  t.match(res.headers.get('content-type'), /text\/html/)
  t.match(await res.text(), /Chỉ quản trị viên \(admin\) của cửa hàng mới cài đặt được ứng dụng/)
  t.equal((await app.db.select().from(shops)).length, 0)
})

t.test('a single "admin" role string is enough', async (t) => {
  const { base, sim } = await appWithSim(t)
  sim.setLoginUser({ sub: '200000998', orgid: ORG, orgname: 'Cửa hàng Demo', role: 'admin' })
  t.ok(await installThroughApp(base))
})

t.test('an error in the form_post (access_denied) shows a clear page', async (t) => {
  const { base } = await appWithSim(t)
  const post = await authorizeAt(await startInstall(base))
  const res = await submit(base, { action: post.action, fields: { error: 'access_denied', error_description: 'denied', state: post.fields.state ?? '' } })
  t.equal(res.status, 403)
  t.match(await res.text(), /Đăng nhập Haravan đã bị huỷ/)
})

t.test('reinstall after the shop was marked uninstalled works and refreshes the tokens', async (t) => {
  const { base, app } = await appWithSim(t)
  await installThroughApp(base)
  const [before] = await app.db.select().from(shops).where(eq(shops.shopId, ORG))
  await app.db.update(shops).set({ status: 'uninstalled', uninstalledAt: new Date() }).where(eq(shops.shopId, ORG))
  const session = await installThroughApp(base)
  const [after] = await app.db.select().from(shops).where(eq(shops.shopId, ORG))
  t.equal(after?.status, 'installed')
  t.equal(after?.uninstalledAt, null)
  t.not(after?.accessTokenEnc, before?.accessTokenEnc)
  t.equal((await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${session}` } })).statusCode, 200)
  const rows = await app.db.select().from(activityLog).where(eq(activityLog.shopId, ORG))
  t.equal(rows.length, 2)
  t.match(rows[1]?.details, { reinstall: true, previousStatus: 'uninstalled' })
})

t.test('an id_token with the wrong nonce is rejected', async (t) => {
  const { base, app } = await appWithSim(t)
  const location = new URL(await startInstall(base))
  location.searchParams.set('nonce', 'not-the-stored-nonce')
  const res = await submit(base, await authorizeAt(location.toString()))
  t.equal(res.status, 401)
  t.match(await res.text(), /Không xác thực được/)
  t.equal((await app.db.select().from(shops)).length, 0)
})

t.test('an id_token issued for another client (aud) is rejected', async (t) => {
  // The accounts host knows the app as another client: its id_tokens carry that audience.
  const other = await simFor(t, { clientId: 'someone-else' })
  other.addShop({ orgid: ORG, name: 'Cửa hàng Demo' })
  const { base } = await appWithSim(t, { env: { HARAVAN_ACCOUNTS_URL: other.accountsUrl } })
  const location = new URL(await startInstall(base))
  location.searchParams.set('client_id', 'someone-else')
  const res = await submit(base, await authorizeAt(location.toString()))
  t.equal(res.status, 401)
})
