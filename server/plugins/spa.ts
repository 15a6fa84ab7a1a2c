// Serves the built admin SPA; unknown GETs of page routes fall back to index.html, never /api or asset paths.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { appRoot } from '../../db/app-root.ts'
import { handleLaunch, isLaunchRequest } from '../auth/launch.ts'
import { sendError } from './error-handler.ts'

export const UI_DIST = join(appRoot(import.meta.url), 'embedded-ui', 'dist')

const NOT_BUILT_HTML = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Tích Điểm</title>
<body style="font-family:sans-serif;padding:2rem"><h1>Tích Điểm</h1>
<p>Giao diện quản trị chưa được build. Hãy chạy <code>npm run build:ui</code> (hoặc <code>npm start</code>, lệnh này tự build).</p>
<p>The admin UI has not been built. Run <code>npm run build:ui</code>.</p></body></html>`

// Paths that belong to the server: a miss there is a JSON 404, never the SPA.
const SERVER_PREFIXES = ['/api/', '/api', '/webhooks', '/install', '/assets/', '/healthz', '/openapi.json']

function isPageRoute (request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const path = request.url.split('?')[0] ?? '/'
  if (SERVER_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : p + '/'))) return false
  // A path with a file extension is a missing asset, not a page.
  return !/\.[a-z0-9]+$/i.test(path)
}

async function spaPlugin (app: FastifyInstance, opts: { distDir?: string }) {
  const dist = opts.distDir ?? UI_DIST
  const indexFile = join(dist, 'index.html')
  const built = existsSync(indexFile)
  // Read once: index.html is tiny and changes only with a new build (a restart).
  const indexHtml = built ? readFileSync(indexFile, 'utf8') : NOT_BUILT_HTML

  if (built) {
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      // The build writes .br and .gz siblings (embedded-ui/vite.config.ts): served by Accept-Encoding, no CPU per request.
      preCompressed: true,
      setHeaders (res, path) {
        // Files under assets/ carry a content hash in their name, so they never change; anything else may.
        res.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })
  }

  const sendIndex = (reply: FastifyReply) => reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml)
  // `/` is also the embedded launch URL (orgid, shop, timestamp, hmac): verified and redirected with a session token.
  app.get('/', { schema: { hide: true } }, (req, reply) => isLaunchRequest(req) ? handleLaunch(app, req, reply) : sendIndex(reply))

  app.setNotFoundHandler((request, reply) => {
    if (isPageRoute(request)) return sendIndex(reply)
    return sendError(reply, request, 404, `Không tìm thấy ${request.method} ${request.url.split('?')[0]}`)
  })
}

export default fp(spaPlugin, { name: 'spa' })
