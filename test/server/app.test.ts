// The HTTP shell: health, error shape, security headers, OpenAPI and the SPA fallback that never swallows /api.
import t from 'tap'
import { build, authHeaders } from '../helper.ts'

t.test('GET /healthz answers ok once migrations ran', async (t) => {
  const { app } = await build(t, { installShop: false })
  const res = await app.inject('/healthz')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('unknown /api route is a JSON 404 in the contract error shape, not the SPA', async (t) => {
  const { app, shopId } = await build(t)
  const res = await app.inject({ url: '/api/does-not-exist', headers: await authHeaders(app, shopId) })
  t.equal(res.statusCode, 404)
  t.match(res.headers['content-type'], /application\/json/)
  const body = res.json()
  t.equal(body.statusCode, 404)
  t.equal(body.error, 'Not Found')
  t.type(body.message, 'string')
  t.type(body.reqId, 'string')
})

t.test('unknown /api route without a session is still JSON', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/api/nope')
  t.match(res.headers['content-type'], /application\/json/)
  t.ok([401, 404].includes(res.statusCode))
})

t.test('page routes fall back to the admin HTML; missing assets do not', async (t) => {
  const { app } = await build(t)
  for (const url of ['/', '/members', '/settings/import']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /text\/html/, url)
    t.match(res.body, /<html/i, url)
  }
  const asset = await app.inject('/assets/missing-file.js')
  t.equal(asset.statusCode, 404)
  t.match(asset.headers['content-type'], /application\/json/)
  const post = await app.inject({ method: 'POST', url: '/members' })
  t.equal(post.statusCode, 404)
})

t.test('the admin may be framed only by Haravan admin pages', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/')
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, /frame-ancestors 'self' https:\/\/\*\.myharavan\.com/)
  t.notOk(res.headers['x-frame-options'], 'no X-Frame-Options, which would forbid the iframe')
})

t.test('GET /openapi.json describes the admin API', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.match(doc.openapi, /^3\./)
  t.ok(doc.paths['/api/shop'], 'documents /api/shop')
  t.ok(doc.paths['/healthz'], 'documents /healthz')
})
