// webhook.haravan.com/api/subscribe and the signed, retried, asynchronous deliveries to the app.
import { createHmac, randomBytes } from 'node:crypto'
import { bearer, json, type Ctx, type Reply, type Router } from './http.ts'
import { toHaravanJson } from './json.ts'
import type { OAuthServer } from './oauth.ts'
import type { ShopState } from './store.ts'
import type { Delivery, RequestLogEntry, RetryOptions } from './types.ts'

export interface Subscription { id: number, event: string, url: string }

export interface WebhookConfig {
  clientSecret: string
  verifyToken: string
  topics: string[]
  retry: RetryOptions
  timeoutMs: number
  sendDuplicates: number
  webhookUrl?: string
  now: () => Date
}

interface Job { orgid: string, topic: string, url: string, body: string, duplicate: boolean, needsSubscription: boolean }

/** base64 HMAC-SHA256 of the raw body keyed with the app's client secret, as in X-Haravan-Hmacsha256. */
export function signWebhook (rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64')
}

export class Webhooks {
  readonly deliveries: Delivery[] = []
  private readonly subs = new Map<string, Subscription[]>()
  private readonly failures = new Map<string, number>()
  private readonly pending = new Set<Promise<void>>()
  private readonly sleepers = new Set<() => void>()
  private nextSubId = 1_000_001
  private closed = false
  // Aborts in-flight requests on close so a hanging receiver cannot hold the sim open for 5 s.
  private readonly shutdown = new AbortController()

  constructor (private readonly config: WebhookConfig, private readonly oauth: OAuthServer, private readonly requestLog: RequestLogEntry[]) {}

  setWebhookUrl (url: string): void {
    this.config.webhookUrl = url
  }

  setSendDuplicates (n: number): void {
    this.config.sendDuplicates = n
  }

  subscriptions (orgid: string): Subscription[] {
    return this.subs.get(orgid) ?? []
  }

  unsubscribe (orgid: string): void {
    this.subs.delete(orgid)
    this.failures.delete(orgid)
  }

  register (router: Router): void {
    router
      .add('POST', /^\/api\/subscribe$/, (ctx) => this.logged(ctx, (orgid) => this.subscribe(orgid)))
      .add('GET', /^\/api\/subscribe$/, (ctx) => this.logged(ctx, (orgid) => json(200, this.subscriptions(orgid))))
      .add('DELETE', /^\/api\/subscribe$/, (ctx) => this.logged(ctx, (orgid) => {
        this.unsubscribe(orgid)
        return json(200, { error: false, message: 'Unsubscribe success' })
      }))
  }

  private async logged (ctx: Ctx, handler: (orgid: string) => Reply | Promise<Reply>): Promise<Reply> {
    const token = this.oauth.verifyAccess(bearer(ctx.req))
    const ok = token?.kind === 'org' && token.scope.includes('wh_api')
    const reply = ok ? await handler(token.orgid) : json(401, { error: true, message: 'Unauthorized' })
    const entry: RequestLogEntry = { method: ctx.method, path: ctx.path, status: reply.status, at: this.config.now() }
    if (ok) entry.orgid = token.orgid
    this.requestLog.push(entry)
    return reply
  }

  private async subscribe (orgid: string): Promise<Reply> {
    const url = this.config.webhookUrl
    if (!url) return json(400, { error: true, message: 'The app has no webhook URL configured' })
    if (!await this.handshake(url)) {
      return json(400, { error: true, message: 'Webhook URL verification failed (hub.challenge was not echoed)' })
    }
    this.subs.set(orgid, this.config.topics.map((event) => ({ id: this.nextSubId++, event, url })))
    this.failures.delete(orgid)
    return json(200, { error: false, message: 'Subscribe success' })
  }

  private signal (): AbortSignal {
    return AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.config.timeoutMs)])
  }

  private async handshake (url: string): Promise<boolean> {
    const challenge = randomBytes(12).toString('hex')
    const u = new URL(url)
    u.searchParams.set('hub.mode', 'subscribe')
    u.searchParams.set('hub.verify_token', this.config.verifyToken)
    u.searchParams.set('hub.challenge', challenge)
    try {
      const res = await fetch(u, { redirect: 'manual', signal: this.signal() })
      const text = await res.text()
      return res.status === 200 && text.trim() === challenge
    } catch {
      return false
    }
  }

  /** Queues the topic for the shop if it is subscribed; the body is frozen now, as the platform would. */
  emit (shop: ShopState, topic: string, resource: unknown): void {
    const sub = this.subscriptions(shop.orgid).find((s) => s.event === topic)
    if (!sub) return
    const body = toHaravanJson(resource)
    const d = this.config.sendDuplicates
    const extra = d >= 1 ? Math.floor(d) : Math.random() < d ? 1 : 0
    for (let i = 0; i <= extra; i++) {
      this.enqueue({ orgid: shop.orgid, topic, url: sub.url, body, duplicate: i > 0, needsSubscription: true })
    }
  }

  /** app/uninstalled goes out after the subscription is already gone, so it is not tied to it. */
  sendDetached (orgid: string, topic: string, url: string, resource: unknown): Promise<void> {
    return this.enqueue({ orgid, topic, url, body: toHaravanJson(resource), duplicate: false, needsSubscription: false })
  }

  private enqueue (job: Job): Promise<void> {
    const p = this.run(job).finally(() => this.pending.delete(p))
    this.pending.add(p)
    return p
  }

  async flush (): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  close (): void {
    this.closed = true
    this.shutdown.abort()
    for (const wake of this.sleepers) wake()
  }

  private async run (job: Job): Promise<void> {
    const { maxAttempts } = this.config.retry
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
      if (job.needsSubscription && !this.subs.get(job.orgid)?.some((s) => s.event === job.topic)) return
      const { status, error } = await this.post(job)
      const ok = status >= 200 && status < 300
      const entry: Delivery = { topic: job.topic, orgid: job.orgid, url: job.url, status, ok, attempt, duplicate: job.duplicate, at: this.config.now() }
      if (error) entry.error = error
      this.deliveries.push(entry)
      if (ok) {
        this.failures.set(job.orgid, 0)
        return
      }
      const failures = (this.failures.get(job.orgid) ?? 0) + 1
      this.failures.set(job.orgid, failures)
      // After this many consecutive failures Haravan deletes the subscription.
      if (failures >= maxAttempts) {
        if (job.needsSubscription) this.subs.delete(job.orgid)
        return
      }
      if (attempt < maxAttempts) await this.sleep(this.delay(attempt))
    }
  }

  private delay (attempt: number): number {
    const { baseMs, maxMs } = this.config.retry
    return Math.min(maxMs, baseMs * 2 ** (attempt - 1))
  }

  private sleep (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.sleepers.add(wake)
    })
  }

  private async post (job: Job): Promise<{ status: number, error?: string }> {
    try {
      const res = await fetch(job.url, {
        method: 'POST',
        redirect: 'manual', // a 3xx is a failed delivery, never followed
        signal: this.signal(),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-haravan-hmacsha256': signWebhook(job.body, this.config.clientSecret),
          'x-haravan-topic': job.topic,
          'x-haravan-org-id': job.orgid
        },
        body: job.body
      })
      await res.arrayBuffer()
      return { status: res.status }
    } catch (err) {
      return { status: 0, error: err instanceof Error ? err.message : String(err) }
    }
  }
}
