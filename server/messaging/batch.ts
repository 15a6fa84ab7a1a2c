// Sending many messages of one source and channel at once: the one writer of messaging's rules and of its claim-once log.
/*
 * send() is a batch of one; a campaign sends a batch of hundreds. Either way, in this order and set-based:
 *   consent and address (eligibility) → channel configured → the mailbox's quota pause, the SMS window (07:00–22:00)
 *   → under the per-recipient locks, the 3-per-24 h advertising cap → under the mailbox lock, the shop's daily email
 *   limit → claims and skips inserted in one statement (on conflict: claimed before, never sent twice) → sent with
 *   bounded concurrency → outcomes written in one statement. A refusal that proves nothing went out (an SMTP quota
 *   answer, an SMS account error) releases its claim, so the message can go once the cause is fixed.
 */
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import type { Mailer } from '../mail.ts'
import { consentStates } from './consent.ts'
import { buildMarketingEmail, type EmailSender, type OutgoingEmail, type SmtpPools } from './email.ts'
import { emailWindow, recentAdvertising, insertMessages, releaseClaims, settleMessages, textArray, type LogRow, type NewMessage, type Settled } from './log.ts'
import { ADVERTISING_CAP_PER_DAY, DAY_MS, eligibility, rollingCap, frameAdvertisingSms, nextAdvertisingInstant, smsRefusal, type Channel, type ConsentState, type MessageKind, type SkipReason } from './rules.ts'
import { loadEmailAccount, loadSmsAccount, pauseEmail, type EmailAccount } from './settings.ts'
import { countSmsParts } from './sms-text.ts'
import { providerPhone, smsFailureScope, type SmsProvider, type SmsResult } from './sms-provider.ts'
import { describeSmtpError } from './smtp-errors.ts'

export interface BatchItem {
  /** the caller's name for this message (its result is returned under it) */
  key: string
  /** the customer it is for; required for advertising (consent, unsubscribe link) */
  customerId?: number | null
  /** an email address, or an E.164 phone (+84…) */
  to: string | null
  /** repeats of one source to one recipient ('2026' for a yearly birthday); '' for a one-off */
  occurrence?: string
  email?: { subject: string, html: string, text?: string }
  sms?: { text: string }
}

export interface BatchRequest {
  shopId: string
  channel: Channel
  kind: MessageKind
  /** what sends it: one message per (source, recipient, channel, occurrence), ever */
  source: { type: string, id: string }
  items: BatchItem[]
}

export type SendResult =
  | { status: 'sent', messageId: string, providerId: string | null }
  | { status: 'failed' | 'unknown', messageId: string, reason: string }
  | { status: 'skipped', reason: SkipReason }
  /**
   * nothing claimed: try again at notBefore (the 07:00–22:00 window, the shop's daily limit, a quota pause, the SMS
   * provider busy or refusing the account — `reason` 'provider', with its words in `detail`)
   */
  | { status: 'deferred', notBefore: Date, reason: 'window' | 'daily_limit' | 'paused' | 'provider', detail?: string }
  /** this message was claimed before (sent, failed, or unknown after a crash): never sent twice */
  | { status: 'duplicate' }

export interface BatchOptions {
  /** campaign mail has pools of its own (see campaigns/pools.ts) */
  pools?: SmtpPools
  /** messages in flight at once */
  concurrency?: number
  /**
   * A campaign stops at an SMS account error (wrong password, IP not whitelisted, no balance …) instead of failing
   * every recipient with it: the message is released and the batch answers `halt` with the provider's reason.
   */
  haltOnAccountError?: boolean
}

export interface BatchResult {
  results: Map<string, SendResult>
  /** an SMS account error stopped the batch (haltOnAccountError): the campaign is held with this reason */
  halt: string | null
}

export interface BatchDeps {
  db: Db
  clock: () => Date
  encryptionKey: Buffer
  sandbox: boolean
  mailer: Mailer
  pools: SmtpPools
  sms: SmsProvider
  unsubscribeUrl (shopId: string, customerId: number, channel: Channel): string
  smsReason (result: Extract<SmsResult, { ok: false }>): Promise<string>
  quotaPauseEnd (shopId: string, limit: number, now: Date): Promise<Date>
  shopTimeZone (shopId: string): Promise<string>
}

/** SMS requests in flight at once to the provider (one HTTP request per message). */
export const SMS_CONCURRENCY = 16

/** How long a busy SMS provider (or a refused connection) is left alone before the next try. */
export const SMS_BUSY_RETRY_MS = 5 * 60_000

const plainText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()

type Stop = { quota: string } | { sms: string, account: boolean }

interface Pending { item: BatchItem, message: NewMessage, status: 'queued' | 'skipped', reason: SkipReason | null, text: string }

export function createBatchSender (deps: BatchDeps) {
  const { db } = deps

  async function sendBatch (req: BatchRequest, opts: BatchOptions = {}): Promise<BatchResult> {
    const now = deps.clock()
    const { shopId, channel, kind } = req
    const results = new Map<string, SendResult>()
    if (req.items.length === 0) return { results, halt: null }
    const customerIds = [...new Set(req.items.flatMap(i => (i.customerId != null ? [i.customerId] : [])))]
    const [consents, emailAccount, smsAccount] = await Promise.all([
      consentStates(db, shopId, customerIds, channel),
      channel === 'email' ? loadEmailAccount(db, deps.encryptionKey, shopId) : null,
      channel === 'sms' ? loadSmsAccount(db, deps.encryptionKey, shopId) : null,
    ])
    // Without the shop's own SMTP only the sandbox sends (to DATA_DIR/outbox); in production the channel is off.
    const configured = channel === 'email' ? emailAccount !== null || deps.sandbox : smsAccount !== null
    const frameSms = channel === 'sms' && kind === 'advertising'
    const rows: Pending[] = req.items.map((item) => {
      let text = item.sms?.text ?? ''
      if (frameSms && item.customerId != null) text = frameAdvertisingSms(text, smsRefusal(deps.unsubscribeUrl(shopId, item.customerId, 'sms')))
      const message: NewMessage = {
        shopId,
        channel,
        kind,
        customerId: item.customerId ?? null,
        recipient: item.to ?? '',
        sourceType: req.source.type,
        sourceId: req.source.id,
        occurrence: item.occurrence,
        subject: item.email?.subject ?? null,
        parts: channel === 'sms' ? countSmsParts(text).parts : null,
      }
      // Without a customer there is no consent to check: only customer care (tests, mail to the merchant) goes.
      const consent: ConsentState = item.customerId != null ? consents.get(item.customerId) ?? 'unknown' : 'unknown'
      const ok = eligibility(kind, consent, item.to)
      if (!ok.ok) return { item, message, status: 'skipped', reason: ok.reason, text }
      if (!configured) return { item, message, status: 'skipped', reason: 'not_configured', text }
      return { item, message, status: 'queued', reason: null, text }
    })

    // The whole batch waits (nothing claimed) for a quota pause to end, or for 07:00 for advertising SMS.
    let waitAll: SendResult | null = null
    if (emailAccount?.pausedUntil && emailAccount.pausedUntil > now) waitAll = { status: 'deferred', notBefore: emailAccount.pausedUntil, reason: 'paused' }
    if (frameSms && rows.some(r => r.status === 'queued')) {
      const at = nextAdvertisingInstant(now, await deps.shopTimeZone(shopId))
      if (at > now) waitAll = { status: 'deferred', notBefore: at, reason: 'window' }
    }
    const deferred = new Set<Pending>()
    if (waitAll) {
      for (const r of rows) if (r.status === 'queued') { deferred.add(r); results.set(r.item.key, waitAll) }
    }

    const since = new Date(now.getTime() - DAY_MS)
    const logged = rows.filter(r => !deferred.has(r))
    const claims = await db.transaction(async (tx) => {
      const wanted = () => logged.filter(r => r.status === 'queued')
      if (kind === 'advertising' && wanted().length > 0) {
        const addresses = [...new Set(wanted().map(r => r.item.to!))].sort()
        // One lock per (shop, channel, recipient), taken in one sorted pass: no deadlock with another batch.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${textArray(addresses.map(a => `${shopId}:${channel}:${a}`))}::text[]) as k order by k`)
        const recent = await recentAdvertising(tx, shopId, channel, addresses, since, ADVERTISING_CAP_PER_DAY)
        for (const r of wanted()) {
          // Two customers sharing an address count together, in this batch as across batches.
          const sent = recent.get(r.item.to!) ?? []
          if (rollingCap(sent, now, ADVERTISING_CAP_PER_DAY).ok) recent.set(r.item.to!, [now, ...sent])
          else { r.status = 'skipped'; r.reason = 'recipient_cap' }
        }
      }
      if (emailAccount && wanted().length > 0) {
        // Every email of the shop counts against its mailbox's daily limit; one lock per mailbox.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${shopId}:email-limit`}))`)
        const window = await emailWindow(tx, shopId, since, now, emailAccount.dailyLimit, wanted().length)
        const room = Math.max(0, emailAccount.dailyLimit - window.used)
        const over = wanted().slice(room)
        if (over.length > 0) {
          // The rest is not logged at all until a slot frees: when the oldest counted mail leaves the 24 h window.
          const notBefore = new Date(Math.max(window.freesAt?.getTime() ?? 0, now.getTime() + 60_000))
          for (const r of over) { deferred.add(r); results.set(r.item.key, { status: 'deferred', notBefore, reason: 'daily_limit' }) }
        }
      }
      const toLog = logged.filter(r => !deferred.has(r))
      const won = await insertMessages(tx, toLog.map((r): LogRow => ({ message: r.message, status: r.status, reason: r.reason })), now)
      const out = new Map<Pending, string>()
      toLog.forEach((r, i) => {
        const id = won.get(i)
        if (r.status === 'skipped') results.set(r.item.key, { status: 'skipped', reason: r.reason! })
        else if (id) out.set(r, id)
        else results.set(r.item.key, { status: 'duplicate' })
      })
      return out
    })

    const settled: Settled[] = []
    const released: { key: string, id: string }[] = []
    // The first refusal that proves nothing went out stops the batch: a quota answer (SMTP) or a provider error (SMS).
    let stop: Stop | null = null
    const queue = [...claims]
    const emailSender = channel === 'email' ? senderFor(shopId, emailAccount, opts.pools ?? deps.pools) : null
    let next = 0
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? (channel === 'sms' ? SMS_CONCURRENCY : 64), queue.length) }, async () => {
      while (next < queue.length) {
        const [r, id] = queue[next++]!
        if (stop) { released.push({ key: r.item.key, id }); continue }
        if (channel === 'sms') {
          const answer = await deps.sms.send(smsAccount!, { phone: providerPhone(r.item.to!), text: r.text, trackingId: id })
          if (answer.ok) {
            settled.push({ id, status: 'sent', reason: null, providerId: answer.providerId })
            results.set(r.item.key, { status: 'sent', messageId: id, providerId: answer.providerId })
            continue
          }
          const reason = await deps.smsReason(answer)
          const scope = answer.definite ? smsFailureScope(answer.code) : 'message'
          if (opts.haltOnAccountError && scope !== 'message') {
            stop ??= { sms: reason, account: scope === 'account' }
            released.push({ key: r.item.key, id })
            continue
          }
          const status = answer.definite ? 'failed' : 'unknown'
          settled.push({ id, status, reason, providerId: null })
          results.set(r.item.key, { status, messageId: id, reason })
          continue
        }
        const mail: OutgoingEmail = kind === 'advertising'
          ? buildMarketingEmail({ to: r.item.to!, ...r.item.email! }, deps.unsubscribeUrl(shopId, r.item.customerId!, 'email'))
          : { to: r.item.to!, subject: r.item.email!.subject, html: r.item.email!.html, text: r.item.email!.text ?? plainText(r.item.email!.html) }
        try {
          const info = await emailSender!.send(mail)
          settled.push({ id, status: 'sent', reason: null, providerId: info.messageId })
          results.set(r.item.key, { status: 'sent', messageId: id, providerId: info.messageId })
        } catch (err) {
          const failure = describeSmtpError(err, emailAccount ? `${emailAccount.host}:${emailAccount.port}` : 'SMTP')
          if (failure.quota && emailAccount) {
            stop ??= { quota: failure.message }
            released.push({ key: r.item.key, id })
            continue
          }
          const status = failure.definite ? 'failed' : 'unknown'
          settled.push({ id, status, reason: failure.message, providerId: null })
          results.set(r.item.key, { status, messageId: id, reason: failure.message })
        }
      }
    }))
    await settleMessages(db, shopId, settled, deps.clock())
    // Refused before acceptance: nothing went out, so these may be claimed again once the cause is gone.
    await releaseClaims(db, shopId, released.map(r => r.id))
    let halt: string | null = null
    const stopped = stop as Stop | null
    if (stopped) {
      let result: SendResult
      if ('quota' in stopped) {
        // The mailbox stops until its window frees; every sender of the shop waits for it.
        const until = await deps.quotaPauseEnd(shopId, emailAccount!.dailyLimit, deps.clock())
        await pauseEmail(db, shopId, until, stopped.quota)
        result = { status: 'deferred', notBefore: until, reason: 'paused' }
      } else {
        result = { status: 'deferred', notBefore: new Date(deps.clock().getTime() + SMS_BUSY_RETRY_MS), reason: 'provider', detail: stopped.sms }
        if (stopped.account) halt = stopped.sms
      }
      for (const r of released) results.set(r.key, result)
    }
    return { results, halt }
  }

  function senderFor (shopId: string, account: EmailAccount | null, pools: SmtpPools): EmailSender {
    if (account) return pools.sender(shopId, account)
    return { send: async (mail) => ({ messageId: (await deps.mailer.sendMail(mail)).messageId }) }
  }

  return { sendBatch }
}
