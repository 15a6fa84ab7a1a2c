// Embedded launch: `/?orgid&shop&timestamp&hmac` signed with the client secret → a session; anything else is refused.
import { createHmac } from 'node:crypto'
import t from 'tap'
import { signLaunchQuery } from '../../server/auth/launch.ts'
import { build, DEMO_SHOP_ID } from '../helper.ts'

const now = () => String(Math.floor(Date.now() / 1000))

t.test('a valid launch redirects with a session token that works on /api/shop', async (t) => {
  const { app, config } = await build(t)
  const query = signLaunchQuery(config.haravan.clientSecret, { orgid: DEMO_SHOP_ID, shop: 'demo.myharavan.com', timestamp: now() })
  const res = await app.inject({ url: `/?${query}` })
  t.equal(res.statusCode, 302)
  const location = res.headers.location as string
  t.match(location, /^\/#token=/)
  const api = await app.inject({ url: '/api/shop', headers: { authorization: `Bearer ${location.slice(8)}` } })
  t.equal(api.statusCode, 200)
  t.match(api.json(), { orgid: DEMO_SHOP_ID })
})

t.test('the hmac covers the query in its original order, wherever hmac sits', async (t) => {
  const { app, config } = await build(t)
  const rest = `timestamp=${now()}&shop=demo.myharavan.com&orgid=${DEMO_SHOP_ID}`
  const hmac = createHmac('sha256', config.haravan.clientSecret).update(rest).digest('hex')
  const [a, b, c] = rest.split('&')
  t.equal((await app.inject({ url: `/?${a}&hmac=${hmac}&${b}&${c}` })).statusCode, 302)
  const sorted = [a, b, c].sort().join('&')
  t.equal((await app.inject({ url: `/?${sorted}&hmac=${hmac}` })).statusCode, 401, 'another order is another message')
})

t.test('a bad hmac is a 401 page', async (t) => {
  const { app } = await build(t)
  const query = signLaunchQuery('not-the-secret', { orgid: DEMO_SHOP_ID, shop: 'demo.myharavan.com', timestamp: now() })
  const res = await app.inject({ url: `/?${query}` })
  t.equal(res.statusCode, 401)
  t.match(res.headers['content-type'], /text\/html/)
  t.match(res.body, /Không mở được ứng dụng/)
  t.equal((await app.inject({ url: `/?orgid=${DEMO_SHOP_ID}&hmac=zz` })).statusCode, 401)
})

t.test('a stale timestamp is a 401', async (t) => {
  const { app, config } = await build(t)
  const stale = String(Math.floor(Date.now() / 1000) - 301)
  const res = await app.inject({ url: `/?${signLaunchQuery(config.haravan.clientSecret, { orgid: DEMO_SHOP_ID, shop: 'x', timestamp: stale })}` })
  t.equal(res.statusCode, 401)
  const future = String(Math.floor(Date.now() / 1000) + 400)
  t.equal((await app.inject({ url: `/?${signLaunchQuery(config.haravan.clientSecret, { orgid: DEMO_SHOP_ID, shop: 'x', timestamp: future })}` })).statusCode, 401)
})

t.test('the injected clock decides what is stale', async (t) => {
  const fixed = new Date('2026-01-01T00:00:00Z')
  const { app, config } = await build(t, { clock: () => fixed })
  const ts = String(fixed.getTime() / 1000 - 100)
  t.equal((await app.inject({ url: `/?${signLaunchQuery(config.haravan.clientSecret, { orgid: DEMO_SHOP_ID, shop: 'x', timestamp: ts })}` })).statusCode, 302)
})

t.test('an unknown shop is sent to the install', async (t) => {
  const { app, config } = await build(t)
  const res = await app.inject({ url: `/?${signLaunchQuery(config.haravan.clientSecret, { orgid: '1000000099', shop: 'x.myharavan.com', timestamp: now() })}` })
  t.equal(res.statusCode, 302)
  t.equal(res.headers.location, '/install/start?orgid=1000000099')
})

t.test('without launch parameters / still serves the SPA', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: '/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/html/)
})

t.test('/sandbox/open signs a launch URL in sandbox mode and does not exist otherwise', async (t) => {
  const { app } = await build(t)
  t.equal(app.config.haravan.sandbox, true)
  const open = await app.inject({ url: `/sandbox/open?orgid=${DEMO_SHOP_ID}` })
  t.equal(open.statusCode, 302)
  const launch = await app.inject({ url: open.headers.location as string })
  t.match(launch.headers.location, /^\/#token=/)

  const real = await build(t, { env: { HARAVAN_CLIENT_ID: 'id', HARAVAN_CLIENT_SECRET: 'secret', HARAVAN_WEBHOOK_VERIFY_TOKEN: 'v' } })
  t.equal(real.app.config.haravan.sandbox, false)
  // No such route: the SPA fallback answers, nothing signs or redirects.
  const none = await real.app.inject({ url: `/sandbox/open?orgid=${DEMO_SHOP_ID}` })
  t.not(none.statusCode, 302)
  t.notOk(none.headers.location)
  t.notOk(real.app.hasRoute({ method: 'GET', url: '/sandbox/open' }))
  t.ok(app.hasRoute({ method: 'GET', url: '/sandbox/open' }))
})
