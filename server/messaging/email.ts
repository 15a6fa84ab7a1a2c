// The email channel: a pooled nodemailer SMTP transport per shop account, and marketing mail with one-click unsubscribe.
import nodemailer, { type Transporter } from 'nodemailer'
import type { EmailAccount } from './settings.ts'

export interface OutgoingEmail {
  to: string
  subject: string
  text: string
  html?: string
  headers?: Record<string, string>
}

export interface EmailSender {
  send (mail: OutgoingEmail): Promise<{ messageId: string }>
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A marketing email as Decree 91 and RFC 8058 want it: `List-Unsubscribe` (the https link), `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click`, and a visible link at the foot of both the HTML and the text part.
 */
export function buildMarketingEmail (mail: { to: string, subject: string, html: string, text?: string }, unsubscribeUrl: string): OutgoingEmail {
  const footerText = `Bạn nhận được thư này vì đã đồng ý nhận tin từ cửa hàng. Từ chối nhận email quảng cáo: ${unsubscribeUrl}`
  const footerHtml = '<p style="font-size:12px;color:#666">Bạn nhận được thư này vì đã đồng ý nhận tin từ cửa hàng. ' +
    `<a href="${escapeHtml(unsubscribeUrl)}">Từ chối nhận email quảng cáo</a></p>`
  const text = mail.text ?? mail.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
  return {
    to: mail.to,
    subject: mail.subject,
    html: `${mail.html}\n${footerHtml}`,
    text: `${text}\n\n${footerText}`,
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  }
}

export interface SmtpTimeouts { connectionMs: number, greetingMs: number, socketMs: number }
const DEFAULT_TIMEOUTS: SmtpTimeouts = { connectionMs: 15_000, greetingMs: 15_000, socketMs: 60_000 }

export function smtpTransport (account: EmailAccount, opts: { pool: boolean, timeouts?: SmtpTimeouts, maxConnections?: number }): Transporter {
  const t = opts.timeouts ?? DEFAULT_TIMEOUTS
  return nodemailer.createTransport({
    host: account.host,
    port: account.port,
    secure: account.security === 'tls',
    requireTLS: account.security === 'starttls',
    ignoreTLS: account.security === 'none',
    auth: account.username ? { user: account.username, pass: account.password ?? '' } : undefined,
    // Few connections: a merchant's mailbox (Gmail) throttles parallel sessions long before we are fast enough.
    ...(opts.pool ? { pool: true, maxConnections: opts.maxConnections ?? 3, maxMessages: 100 } : {}),
    connectionTimeout: t.connectionMs,
    greetingTimeout: t.greetingMs,
    socketTimeout: t.socketMs,
    logger: false,
    debug: false,
  })
}

/** Pooled transports, one per shop, rebuilt when the shop saves other settings; closed with the app. */
export class SmtpPools {
  private pools = new Map<string, { version: string, transport: Transporter }>()
  /** `maxConnections` per SMTP host (3 when not given, see smtpTransport). */
  constructor (private readonly timeouts?: SmtpTimeouts, private readonly maxConnections?: (host: string) => number) {}

  sender (shopId: string, account: EmailAccount): EmailSender {
    let entry = this.pools.get(shopId)
    if (!entry || entry.version !== account.version) {
      entry?.transport.close()
      entry = { version: account.version, transport: smtpTransport(account, { pool: true, timeouts: this.timeouts, maxConnections: this.maxConnections?.(account.host) }) }
      this.pools.set(shopId, entry)
    }
    const transport = entry.transport
    const from = { name: account.fromName, address: account.fromAddress }
    return {
      async send (mail) {
        const info = await transport.sendMail({ from, ...mail })
        return { messageId: String(info.messageId) }
      },
    }
  }

  close (): void {
    for (const { transport } of this.pools.values()) transport.close()
    this.pools.clear()
  }
}
