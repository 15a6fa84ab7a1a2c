// The one door every message goes through: consent, Decree 91 rules, caps and limits, claim-once log, channel, outcome.
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { shops } from '../../db/schema/index.ts'
import type { Config } from '../config.ts'
import type { Mailer } from '../mail.ts'
import { consentStates } from './consent.ts'
import { buildMarketingEmail, SmtpPools, type EmailSender, type OutgoingEmail, type SmtpTimeouts } from './email.ts'
import { claimMessage, recentAdvertising, recentEmails, recordSkipped, releaseClaim, settleMessage, type NewMessage } from './log.ts'
import { outboundIp } from './outbound-ip.ts'
import { ADVERTISING_CAP_PER_DAY, DAY_MS, eligibility, frameAdvertisingSms, nextAdvertisingInstant, rollingCap, smsRefusal, type Channel, type MessageKind, type SkipReason } from './rules.ts'
import { loadEmailAccount, loadSmsAccount, pauseEmail, type EmailAccount } from './settings.ts'
import { countSmsParts } from './sms-text.ts'
import { providerPhone, vietGuysProvider, type SmsProvider, type SmsResult } from './sms-provider.ts'
import { describeSmtpError } from './smtp-errors.ts'
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

export type SendResult =
  | { status: 'sent', messageId: string, providerId: string | null }
  | { status: 'failed' | 'unknown', messageId: string, reason: string }
  | { status: 'skipped', reason: SkipReason }
  /** nothing claimed: try again at notBefore (the 07:00–22:00 window, the shop's daily limit, a quota pause) */
  | { status: 'deferred', notBefore: Date, reason: 'window' | 'daily_limit' | 'paused' }
  /** this message was claimed before (sent, failed, or unknown after a crash): never sent twice */
  | { status: 'duplicate' }

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

// One lock per (shop, channel, recipient) and one per shop mailbox: two senders cannot both take the last slot.
const lock = (tx: Db, key: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${key}))`)

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

  function emailSender (shopId: string, account: EmailAccount | null): EmailSender {
    if (account) return pools.sender(shopId, account)
    return { send: async (mail) => ({ messageId: (await deps.mailer.sendMail(mail)).messageId }) }
  }

  async function send (req: SendRequest): Promise<SendResult> {
    const now = clock()
    const { shopId, channel, kind } = req
    const base: NewMessage = {
      shopId,
      channel,
      kind,
      customerId: req.customerId ?? null,
      recipient: req.to ?? '',
      sourceType: req.source.type,
      sourceId: req.source.id,
      occurrence: req.source.occurrence,
      subject: req.email?.subject ?? null,
    }
    const skip = async (reason: SkipReason): Promise<SendResult> => {
      await recordSkipped(db, base, reason, now)
      return { status: 'skipped', reason }
    }
    const consent = req.customerId != null ? (await consentStates(db, shopId, [req.customerId], channel)).get(req.customerId) ?? 'unknown' : 'unknown'
    // Without a customer there is no consent to check: only customer care (tests, mail to the merchant) goes.
    const ok = eligibility(kind, consent, req.to)
    if (!ok.ok) return await skip(ok.reason)

    const emailAccount = channel === 'email' ? await loadEmailAccount(db, key, shopId) : null
    const smsAccount = channel === 'sms' ? await loadSmsAccount(db, key, shopId) : null
    // Without the shop's own SMTP only the sandbox sends (to DATA_DIR/outbox); in production the channel is off.
    if (channel === 'email' && !emailAccount && !config.haravan.sandbox) return await skip('not_configured')
    if (channel === 'sms' && !smsAccount) return await skip('not_configured')
    if (emailAccount?.pausedUntil && emailAccount.pausedUntil > now) return { status: 'deferred', notBefore: emailAccount.pausedUntil, reason: 'paused' }
    if (channel === 'sms' && kind === 'advertising') {
      const at = nextAdvertisingInstant(now, await shopTimeZone(shopId))
      if (at > now) return { status: 'deferred', notBefore: at, reason: 'window' }
    }

    let text = req.sms?.text ?? ''
    if (channel === 'sms') {
      if (kind === 'advertising') text = frameAdvertisingSms(text, smsRefusal(unsubscribeUrl(shopId, req.customerId!, 'sms')))
      base.parts = countSmsParts(text).parts
    }
    const since = new Date(now.getTime() - DAY_MS)
    const claimed = await db.transaction(async (tx): Promise<SendResult | string> => {
      if (emailAccount) {
        await lock(tx, `${shopId}:email-limit`)
        const cap = rollingCap(await recentEmails(tx, shopId, since, emailAccount.dailyLimit), now, emailAccount.dailyLimit)
        if (!cap.ok) return { status: 'deferred', notBefore: cap.notBefore, reason: 'daily_limit' }
      }
      if (kind === 'advertising') {
        await lock(tx, `${shopId}:${channel}:${req.to}`)
        const cap = rollingCap(await recentAdvertising(tx, shopId, channel, req.to!, since, ADVERTISING_CAP_PER_DAY), now, ADVERTISING_CAP_PER_DAY)
        if (!cap.ok) {
          await recordSkipped(tx, base, 'recipient_cap', now)
          return { status: 'skipped', reason: 'recipient_cap' }
        }
      }
      return await claimMessage(tx, base, now) ?? { status: 'duplicate' }
    })
    if (typeof claimed !== 'string') return claimed
    const messageId = claimed

    if (channel === 'sms') {
      const result = await sms.send(smsAccount!, { phone: providerPhone(req.to!), text, trackingId: messageId })
      if (result.ok) {
        await settleMessage(db, shopId, messageId, { status: 'sent', providerId: result.providerId }, clock())
        return { status: 'sent', messageId, providerId: result.providerId }
      }
      const reason = await smsReason(result)
      const status = result.definite ? 'failed' : 'unknown'
      await settleMessage(db, shopId, messageId, { status, reason }, clock())
      return { status, messageId, reason }
    }

    const mail: OutgoingEmail = kind === 'advertising'
      ? buildMarketingEmail({ to: req.to!, ...req.email! }, unsubscribeUrl(shopId, req.customerId!, 'email'))
      : { to: req.to!, subject: req.email!.subject, html: req.email!.html, text: req.email!.text ?? req.email!.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() }
    try {
      const info = await emailSender(shopId, emailAccount).send(mail)
      await settleMessage(db, shopId, messageId, { status: 'sent', providerId: info.messageId }, clock())
      return { status: 'sent', messageId, providerId: info.messageId }
    } catch (err) {
      const failure = describeSmtpError(err, emailAccount ? `${emailAccount.host}:${emailAccount.port}` : 'SMTP')
      if (failure.quota && emailAccount) {
        // Refused before acceptance: nothing went out. Stop this mailbox until the window frees, and retry then.
        await releaseClaim(db, shopId, messageId)
        const until = await quotaPauseEnd(shopId, emailAccount.dailyLimit, clock())
        await pauseEmail(db, shopId, until, failure.message)
        return { status: 'deferred', notBefore: until, reason: 'paused' }
      }
      const status = failure.definite ? 'failed' : 'unknown'
      await settleMessage(db, shopId, messageId, { status, reason: failure.message }, clock())
      return { status, messageId, reason: failure.message }
    }
  }

  return {
    send,
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
