// The admin's static files: precompressed (br, gzip), hashed assets cached for a year, index.html always revalidated.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { UI_DIST } from '../../server/plugins/spa.ts'
import { build } from '../helper.ts'

const assets = readdirSync(join(UI_DIST, 'assets'))
const script = assets.find((name) => name.endsWith('.js'))!

t.test('a hashed script is served brotli- or gzip-compressed as the browser asks, cached immutably', async (t) => {
  const { app } = await build(t)
  const plain = await app.inject({ url: `/assets/${script}` })
  t.equal(plain.statusCode, 200)
  t.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable')

  const br = await app.inject({ url: `/assets/${script}`, headers: { 'accept-encoding': 'br, gzip' } })
  t.equal(br.headers['content-encoding'], 'br', 'brotli when the browser accepts it')
  t.ok(br.rawPayload.length < plain.rawPayload.length / 2, `brotli is much smaller (${br.rawPayload.length} of ${plain.rawPayload.length} bytes)`)
  t.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable')

  const gz = await app.inject({ url: `/assets/${script}`, headers: { 'accept-encoding': 'gzip' } })
  t.equal(gz.headers['content-encoding'], 'gzip', 'gzip otherwise')
})

t.test('index.html and the favicon are revalidated, every page route gets index.html', async (t) => {
  const { app } = await build(t)
  const page = await app.inject({ url: '/members' })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['cache-control'], 'no-cache')
  t.match(page.body, /<link rel="icon" type="image\/svg\+xml" href="\/favicon.svg"/)
  const icon = await app.inject({ url: '/favicon.svg' })
  t.equal(icon.statusCode, 200)
  t.match(icon.headers['content-type'], /image\/svg\+xml/)
  t.equal(icon.headers['cache-control'], 'no-cache')
})

t.test('every script the build emits is under 200 KB', async (t) => {
  const { statSync } = await import('node:fs')
  for (const name of assets.filter((n) => n.endsWith('.js'))) {
    const size = statSync(join(UI_DIST, 'assets', name)).size
    t.ok(size < 200_000, `${name} is ${size} bytes`)
  }
})
