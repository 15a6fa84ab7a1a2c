// The HTTP shell: health, error shape, security headers, OpenAPI and the SPA fallback that never swallows /api.
import http from 'node:http'
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

t.test('closing waits for a request in flight, then closes its keep-alive connection instead of idling 72 s', async (t) => {
  const { app } = await build(t, { installShop: false })
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  const agent = new http.Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  // A POST whose body is still being sent when the close starts: in flight, on a keep-alive connection.
  const req = http.request(`${origin}/webhooks/haravan`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } })
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) }).on('error', reject)
  })
  req.write('{"id":')
  await new Promise((resolve) => setTimeout(resolve, 100))
  const started = Date.now()
  const closed = app.close()
  await new Promise((resolve) => setTimeout(resolve, 100))
  req.end('1}')
  t.equal(await answered, 401, 'the request in flight is answered (unsigned: 401)')
  await closed
  t.ok(Date.now() - started < 10_000, `closed ${Date.now() - started} ms after it began, not after the keep-alive timeout`)
})
