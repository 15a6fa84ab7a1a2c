// Shared test helpers: start a sim, run the OAuth install over HTTP, and a small webhook receiver.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startHaravanSim, type HaravanSim, type SimOptions } from '../../scripts/haravan-sim/index.ts'

export const CLIENT_ID = 'test-client-id'
export const CLIENT_SECRET = 'test-client-secret'
export const VERIFY_TOKEN = 'test-verify-token'
export const REDIRECT_URI = 'http://app.test/install/grandservice'
export const LOGIN_SCOPE = 'openid profile email org userinfo'
export const INSTALL_SCOPE = 'openid profile email org userinfo grant_service wh_api offline_access ' +
  'com.read_customers com.write_customers com.read_orders com.read_shop com.write_discounts'

interface Tap { teardown: (fn: () => unknown) => void }

export async function simFor (t: Tap, opts: Partial<SimOptions> = {}): Promise<HaravanSim> {
  const sim = await startHaravanSim({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, verifyToken: VERIFY_TOKEN, ...opts })
  t.teardown(() => sim.close())
  return sim
}

/** A controllable clock for rate-limit and expiry tests. */
export function fakeClock (start = '2026-11-20T03:00:00.000Z'): { now: () => Date, advance: (ms: number) => void } {
  let t = Date.parse(start)
  return { now: () => new Date(t), advance: (ms) => { t += ms } }
}

export interface AuthorizeResult { action: string, fields: Record<string, string> }

export async function authorize (sim: HaravanSim, params: Record<string, string> = {}): Promise<AuthorizeResult> {
  const q = new URLSearchParams({
    response_mode: 'form_post',
    response_type: 'code id_token',
    scope: INSTALL_SCOPE,
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    nonce: 'nonce-1',
    state: 'state-1',
    ...params
  })
  const res = await fetch(`${sim.accountsUrl}/connect/authorize?${q}`, { headers: { accept: 'application/json' } })
  if (res.status !== 200) throw new Error(`authorize answered ${res.status}`)
  return await res.json() as AuthorizeResult
}

export async function tokenRequest (sim: HaravanSim, form: Record<string, string>): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await fetch(`${sim.accountsUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...form })
  })
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

export interface Tokens { access_token: string, refresh_token: string, expires_in: number, id_token: string, scope: string }

/** The full install: authorize with the install scope, then exchange the code. */
export async function install (sim: HaravanSim, orgid: string, scope = INSTALL_SCOPE): Promise<Tokens> {
  const { fields } = await authorize(sim, { orgid, scope })
  const code = fields.code
  if (!code) throw new Error(`no code: ${JSON.stringify(fields)}`)
  const { status, body } = await tokenRequest(sim, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI })
  if (status !== 200) throw new Error(`token exchange answered ${status}`)
  return body as unknown as Tokens
}

export async function api (sim: HaravanSim, token: string, path: string, init: { method?: string, body?: unknown, contentType?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json'
  return await fetch(`${sim.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
  })
}

export interface Received { topic: string, orgid: string, hmac: string, contentType: string, raw: string }

export interface Receiver {
  url: string
  received: Received[]
  handshakes: number
  /** decides the status of each POST; default 200 */
  respond: (r: Received, index: number) => number
  /** what the handshake echoes; default the real challenge */
  echo: (challenge: string, verifyToken: string | null) => string
}

export async function startReceiver (t: Tap): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    received: [],
    handshakes: 0,
    respond: () => 200,
    echo: (c, token) => (token === VERIFY_TOKEN ? c : 'wrong')
  }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x')
    if (req.method === 'GET') {
      receiver.handshakes += 1
      res.end(receiver.echo(u.searchParams.get('hub.challenge') ?? '', u.searchParams.get('hub.verify_token')))
      return
    }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r: Received = {
        topic: String(req.headers['x-haravan-topic']),
        orgid: String(req.headers['x-haravan-org-id']),
        hmac: String(req.headers['x-haravan-hmacsha256']),
        contentType: String(req.headers['content-type']),
        raw: Buffer.concat(chunks).toString('utf8')
      }
      receiver.received.push(r)
      res.statusCode = receiver.respond(r, receiver.received.length - 1)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/haravan`
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  return receiver
}

export async function subscribe (sim: HaravanSim, token: string): Promise<{ status: number, body: { error: boolean, message: string } }> {
  const res = await fetch(`${sim.webhookApiUrl}/api/subscribe`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}'
  })
  return { status: res.status, body: await res.json() as { error: boolean, message: string } }
}
