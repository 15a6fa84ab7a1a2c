// Campaign test peers and data: a real SMTP server that keeps every mail (decoded), members with consent, the shop's SMTP settings.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { and, eq, inArray } from 'drizzle-orm'
import { SMTPServer } from 'smtp-server'
import { customers } from '../../db/schema/index.ts'
import type { App } from '../../server/app.ts'
import { seedCustomers, type SeedCustomer } from '../segments/seed.ts'

interface Tap { teardown (fn: () => unknown): void }

export interface Mail { to: string[], raw: string, subject: string, body: string, headers: string }

/** Quoted-printable and base64 bodies back to text, so a test can read what the customer reads. */
export function decodeMail (raw: string): { subject: string, body: string, headers: string } {
  const [headers = '', ...rest] = raw.split(/\r?\n\r?\n/)
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ')
  const subjectLine = /^Subject: (.*)$/mi.exec(unfolded)?.[1] ?? ''
  const subject = subjectLine.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')))
  const bodyRaw = rest.join('\n\n')
  const body = /Content-Transfer-Encoding: base64/i.test(raw)
    ? bodyRaw.split(/\r?\n\r?\n/).map(p => (/^[A-Za-z0-9+/=\r\n]+$/.test(p.trim()) ? Buffer.from(p, 'base64').toString('utf8') : p)).join('\n')
    : qp(bodyRaw)
  return { subject, body, headers: unfolded }
}

function qp (s: string): string {
  const soft = s.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) { bytes.push(parseInt(soft.slice(i + 1, i + 3), 16)); i += 2 } else bytes.push(...Buffer.from(soft[i]!, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

export async function smtpPeer (t: Tap) {
  const mails: Mail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        mails.push({ to: session.envelope.rcptTo.map(r => r.address), raw, ...decodeMail(raw) })
        callback()
      })
    },
  })
  // A client killed mid-session (the SIGKILL test) resets its connections; a real server logs that and goes on.
  server.on('error', () => {})
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  return { port: (server.server.address() as AddressInfo).port, mails }
}

export async function useSmtp (app: App, headers: Record<string, string>, port: number, dailyLimit = 10_000) {
  const res = await app.inject({
    method: 'PUT',
    url: '/api/settings/email',
    headers,
    payload: { host: '127.0.0.1', port, security: 'none', fromName: 'Cửa hàng Demo', fromAddress: 'shop@example.vn', dailyLimit },
  })
  if (res.statusCode !== 200) throw new Error(`PUT /api/settings/email: ${res.statusCode} ${res.body}`)
}

/** Members (customer + member rows); `consent` ids accept marketing (Haravan's flag). */
export async function seedMembers (app: App, shopId: string, rows: SeedCustomer[], consent: number[]) {
  await seedCustomers(app.db, shopId, rows.map(r => ({ ...r, member: r.member ?? {} })))
  if (consent.length > 0) await app.db.update(customers).set({ acceptsMarketing: true }).where(and(eq(customers.shopId, shopId), inArray(customers.id, consent)))
}

export async function createCampaign (app: App, headers: Record<string, string>, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: body })
  if (res.statusCode !== 201) throw new Error(`POST /api/campaigns: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string, status: string }
}

export const announcement = (extra: Record<string, unknown> = {}) => ({
  name: 'Khai trương chi nhánh mới',
  type: 'announcement',
  channels: ['email'],
  audience: { all: true },
  email: { subject: '{{ten}} ơi, cửa hàng mới', html: '<p>Chào {{ho_ten}}, bạn có {{diem}} điểm.</p>' },
  ...extra,
})

export interface Sms { u: string, from: string, phone: string, sms: string, bid: string }

export interface VietGuysAnswer { error: number | string, delayMs?: number }

/**
 * A VietGuys stand-in: the same form POST, answering `{ error: 0, msgid, carrier }` (or what `answer` says for a form,
 * e.g. `{ error: -5 }`), keeping every SMS it accepted and the most requests it ever had in flight at once.
 */
export async function vietGuysPeer (t: Tap, answer?: (form: Sms) => VietGuysAnswer | undefined) {
  const { createServer } = await import('node:http')
  const sent: Sms[] = []
  const peer = { url: '', sent, requests: 0, inFlight: 0, maxInFlight: 0 }
  const server = createServer((req, res) => {
    let body = ''
    peer.requests += 1
    peer.inFlight += 1
    peer.maxInFlight = Math.max(peer.maxInFlight, peer.inFlight)
    req.on('data', (c: Buffer) => { body += c.toString() })
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body)) as unknown as Sms
      const a = answer?.(form) ?? { error: 0 }
      setTimeout(() => {
        peer.inFlight -= 1
        if (String(a.error) === '0') sent.push(form)
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(String(a.error) === '0' ? { error: 0, msgid: String(sent.length), carrier: 'viettel' } : { error: a.error }))
      }, a.delayMs ?? 0)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/index.php`
  return peer
}

export async function useSms (app: App, headers: Record<string, string>) {
  const res = await app.inject({ method: 'PUT', url: '/api/settings/sms', headers, payload: { brandname: 'DEMO', username: 'demo', password: 'mat-khau' } })
  if (res.statusCode !== 200) throw new Error(`PUT /api/settings/sms: ${res.statusCode} ${res.body}`)
}
