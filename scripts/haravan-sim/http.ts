// A minimal router over node:http: the sim needs exact control of headers, status and body bytes.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { toHaravanJson } from './json.ts'

export interface Ctx {
  req: IncomingMessage
  method: string
  path: string
  query: URLSearchParams
  body: string
  params: string[]
}

export interface Reply {
  status: number
  /** serialised with Haravan's money formatting unless `text` is given */
  json?: unknown
  text?: string
  headers?: Record<string, string>
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>

interface Route { method: string, pattern: RegExp, handler: Handler }

export class Router {
  private readonly routes: Route[] = []

  add (method: string, pattern: RegExp, handler: Handler): this {
    this.routes.push({ method, pattern, handler })
    return this
  }

  /** undefined: no path matched; 'method': the path exists with other methods. */
  match (method: string, path: string): { handler: Handler, params: string[] } | 'method' | undefined {
    let pathMatched = false
    for (const r of this.routes) {
      const m = r.pattern.exec(path)
      if (!m) continue
      pathMatched = true
      if (r.method === method) return { handler: r.handler, params: m.slice(1).map((p) => p ?? '') }
    }
    return pathMatched ? 'method' : undefined
  }
}

export async function readBody (req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > limit) throw new Error('body too large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function send (res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers }
  let body = ''
  if (reply.text !== undefined) {
    body = reply.text
    headers['content-type'] ??= 'text/plain; charset=utf-8'
  } else if (reply.json !== undefined) {
    body = toHaravanJson(reply.json)
    headers['content-type'] = 'application/json; charset=utf-8'
  }
  headers['content-length'] = String(Buffer.byteLength(body))
  res.writeHead(reply.status, headers)
  res.end(body)
}

export function json (status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body }
}

export function parseJsonBody (ctx: Ctx): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(ctx.body || '{}')
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

export function bearer (req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  const m = h ? /^Bearer\s+(.+)$/i.exec(h) : null
  return m?.[1]?.trim()
}
