// Shared setup for messaging tests: customers written through the real Haravan upsert path, and a local SMTP peer.
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import type { Db } from '../../db/client.ts'
import { haravanCustomerSchema } from '../../server/haravan/mappers.ts'
import { upsertCustomer } from '../../server/haravan/store.ts'

interface Teardown { teardown (fn: () => unknown): void }

let version = 0
/** Writes (or updates) a customer as a Haravan webhook or sync would; each call is a newer version. */
export async function haravanCustomer (db: Db, shopId: string, c: { id: number, email?: string | null, phone?: string | null, acceptsMarketing?: boolean }, now: Date) {
  version++
  const payload = haravanCustomerSchema.parse({
    id: c.id,
    first_name: 'Lan',
    last_name: 'Nguyễn',
    email: c.email ?? `khach${c.id}@example.vn`,
    phone: c.phone ?? '0912345678',
    accepts_marketing: c.acceptsMarketing ?? false,
    updated_at: new Date(Date.UTC(2026, 0, 1) + version * 1000).toISOString(),
  })
  return upsertCustomer(db, shopId, payload, now)
}

export interface ReceivedMail { from: string, to: string[], raw: string, user: string | undefined }

export interface SmtpPeer { port: number, received: ReceivedMail[], server: SMTPServer }

/**
 * A real SMTP server on an ephemeral port, plain (no STARTTLS) so tests need no certificate: it accepts `user` /
 * `password`, answers 535 to any other password, and `quota: true` makes it answer Gmail's 550 5.4.5 at RCPT.
 */
export async function startSmtpPeer (t: Teardown, opts: { user: string, password: string, quota?: () => boolean, extra?: SMTPServerOptions }): Promise<SmtpPeer> {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth (auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) return cb(null, { user: auth.username })
      const err = new Error('5.7.8 Username and Password not accepted. For more information, go to https://support.google.com/mail/?p=BadCredentials') as Error & { responseCode: number }
      err.responseCode = 535
      cb(err)
    },
    onRcptTo (_address, _session, cb) {
      if (opts.quota?.()) {
        const err = new Error('5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852') as Error & { responseCode: number }
        err.responseCode = 550
        return cb(err)
      }
      cb()
    },
    onData (stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map(r => r.address), raw: Buffer.concat(chunks).toString('utf8'), user: session.user as string | undefined })
        cb()
      })
    },
    ...opts.extra,
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { port: (server.server.address() as AddressInfo).port, received, server }
}
