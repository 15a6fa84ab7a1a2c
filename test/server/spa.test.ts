// The admin's static files: precompressed (br, gzip), hashed assets cached for a year, index.html always revalidated.
import { readFileSync, readdirSync, statSync } from 'node:fs'
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

type Chunk = { file: string, isEntry?: boolean, imports?: string[], dynamicImports?: string[] }
const manifest = JSON.parse(readFileSync(join(UI_DIST, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>
const bytes = (key: string) => statSync(join(UI_DIST, manifest[key]!.file)).size

/** The chunks a key pulls in: its static imports and, below the entry, its own lazy chunks (uPlot's for Tổng quan). */
function reach (key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen
  seen.add(key)
  const chunk = manifest[key]!
  for (const next of [...(chunk.imports ?? []), ...(chunk.isEntry ? [] : chunk.dynamicImports ?? [])]) reach(next, seen)
  return seen
}

t.test('every script the build emits is under 200 KB', async (t) => {
  for (const name of assets.filter((n) => n.endsWith('.js'))) {
    const size = statSync(join(UI_DIST, 'assets', name)).size
    t.ok(size < 200_000, `${name} is ${size} bytes`)
  }
})

t.test('every page loads under 200 KB of JS: the shell plus its own chunks, lazy ones included', async (t) => {
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!
  const shell = reach(entry)
  const shellBytes = [...shell].reduce((sum, key) => sum + bytes(key), 0)
  const pages = manifest[entry]!.dynamicImports ?? []
  t.ok(pages.includes('src/pages/overview.tsx'), 'the routed pages are lazy chunks of the entry')
  t.ok(pages.length >= 10, `${pages.length} lazy pages`)
  const charts = [...reach('src/pages/overview.tsx')].filter((key) => !shell.has(key))
  t.ok(charts.some((key) => /overview-charts/.test(key)), 'Tổng quan counts the uPlot chunk it loads')
  for (const page of pages) {
    const own = [...reach(page)].filter((key) => !shell.has(key))
    const total = own.reduce((sum, key) => sum + bytes(key), shellBytes)
    t.ok(total < 200_000, `${page}: ${total} bytes (shell ${shellBytes})`)
  }
})
