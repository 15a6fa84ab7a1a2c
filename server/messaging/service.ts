// The one door every message goes through: consent, Decree 91 rules, caps and limits, claim-once log, channel, outcome.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { shops } from '../../db/schema/index.ts'
import type { Config } from '../config.ts'
import type { Mailer } from '../mail.ts'
import { createBatchSender, type SendResult } from './batch.ts'
import { SmtpPools, type SmtpTimeouts } from './email.ts'
import { recentEmails } from './log.ts'
import { outboundIp } from './outbound-ip.ts'
import { DAY_MS, type Channel, type MessageKind } from './rules.ts'
import { loadEmailAccount } from './settings.ts'
import { vietGuysProvider, type SmsProvider, type SmsResult } from './sms-provider.ts'
import { createUnsubscribeToken, unsubscribeKey } from './unsubscribe-token.ts'

export interface SendRequest {
  shopId: string
  channel: Channel
  kind: MessageKind
  /** the customer it is for; required for advertising (consent, unsubscribe link) */
  customerId?: number | null
  /** an email address, or an E.164 phone (+84…) */
  to: string | null
  /** what sends it: { type: 'campaign', id } …; one message per (source, recipient, channel, occurrence), ever */
  source: { type: string, id: string, occurrence?: string }
  email?: { subject: string, html: string, text?: string }
  sms?: { text: string }
}

export type { SendResult } from './batch.ts'

export interface MessagingDeps {
  db: Db
  config: Pick<Config, 'appUrl' | 'encryptionKey' | 'sessionSecret' | 'messaging' | 'haravan'>
  clock: () => Date
  /** the app's own mailer: a sandbox shop without SMTP writes here (DATA_DIR/outbox) */
  mailer: Mailer
  smsProvider?: SmsProvider
  smtpTimeouts?: SmtpTimeouts
}

export type Messaging = ReturnType<typeof createMessaging>

export function createMessaging (deps: MessagingDeps) {
  const { db, config, clock } = deps
  const key = config.encryptionKey
  const pools = new SmtpPools(deps.smtpTimeouts)
  const sms = deps.smsProvider ?? vietGuysProvider({ url: config.messaging.vietguysApiUrl })
  const tokenKey = unsubscribeKey(config.sessionSecret)

  const unsubscribeUrl = (shopId: string, customerId: number, channel: Channel) =>
    `${config.appUrl}/u/${createUnsubscribeToken(tokenKey, { shopId, customerId, channel }, clock())}`

  async function shopTimeZone (shopId: string): Promise<string> {
    const [row] = await db.select({ tz: shops.timezone }).from(shops).where(eq(shops.shopId, shopId))
    return row?.tz ?? 'Asia/Ho_Chi_Minh'
  }

  /** The reason of an SMS failure; -7 says which IP to whitelist. */
  async function smsReason (result: Extract<SmsResult, { ok: false }>): Promise<string> {
    if (result.code !== '-7') return result.reason
    const found = await outboundIp(config.messaging)
    if (!found) return `${result.reason}. Không tự xác định được IP công khai của máy chủ: hỏi người quản trị máy chủ (hoặc đặt biến OUTBOUND_IP) rồi gửi IP đó cho VietGuys.`
    const note = found.how === 'local' ? ' (địa chỉ máy chủ dùng để kết nối tới VietGuys; nếu máy chủ ra Internet qua NAT, IP công khai có thể khác: đặt biến OUTBOUND_IP)' : ''
    return `${result.reason}. Hãy gửi cho VietGuys địa chỉ IP ${found.ip}${note} để thêm vào whitelist của tài khoản.`
  }

  /** When a quota answer's pause ends: when the oldest email counted in the window leaves it, and at least an hour. */
  async function quotaPauseEnd (shopId: string, limit: number, now: Date): Promise<Date> {
    const recent = await recentEmails(db, shopId, new Date(now.getTime() - DAY_MS), limit)
    const oldest = recent.length > 0 ? Math.min(...recent.map(d => d.getTime())) + DAY_MS : now.getTime() + DAY_MS
    return new Date(Math.max(oldest, now.getTime() + 60 * 60 * 1000))
  }

  const batch = createBatchSender({
    db,
    clock,
    encryptionKey: key,
    sandbox: config.haravan.sandbox,
    mailer: deps.mailer,
    pools,
    sms,
    unsubscribeUrl,
    smsReason,
    quotaPauseEnd,
    shopTimeZone,
  })

  /** One message: a batch of one through the same rules and the same claim. */
  async function send (req: SendRequest): Promise<SendResult> {
    const { results } = await batch.sendBatch({
      shopId: req.shopId,
      channel: req.channel,
      kind: req.kind,
      source: { type: req.source.type, id: req.source.id },
      items: [{ key: '0', customerId: req.customerId ?? null, to: req.to, occurrence: req.source.occurrence, email: req.email, sms: req.sms }],
    })
    return results.get('0')!
  }

  return {
    send,
    /** Many messages of one source and channel (a campaign's batch): the same rules and claim, set-based. */
    sendBatch: batch.sendBatch,
    unsubscribeUrl,
    smsProvider: sms,
    smsReason,
    quotaPauseEnd,
    /** The app's own mail to the merchant (import finished, alerts): the shop's SMTP when configured, else the app mailer. */
    shopMailer (shopId: string): Mailer {
      return {
        async sendMail (message) {
          const account = await loadEmailAccount(db, key, shopId)
          if (account) {
            const result = await send({ shopId, channel: 'email', kind: 'care', to: message.to, source: { type: 'system', id: randomUUID() }, email: { subject: message.subject, html: message.html ?? message.text, text: message.text } })
            if (result.status === 'sent') return { messageId: result.providerId ?? result.messageId }
          }
          // No shop SMTP, or it is paused or failing: the notice still reaches the merchant through the app's mailer.
          return await deps.mailer.sendMail(message)
        },
        close: () => {},
      }
    },
    close: () => pools.close(),
  }
}
