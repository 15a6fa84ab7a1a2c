// POST/GET /webhooks/haravan: raw body → HMAC → topic and shop → inbox + apply; the handshake answers hub.challenge.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { UnauthorizedError } from '../server/errors.ts'
import { safeEqual, verifyHmac } from './hmac.ts'
import { BATCHED_ORDER_TOPICS } from './batch.ts'
import { bodyHash, receiveDelivery, receiveInvalid, type Delivery } from './inbox.ts'
import type { HaravanOrder } from '../server/haravan/mappers.ts'
import { canonicalTopic, topicHandlerFor, UNINSTALL_TOPIC } from './topics/index.ts'

const EMPTY = Buffer.alloc(0)

function header (request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name]
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}

// app/uninstalled may come without the org header; its body names the org.
function orgIdOf (request: FastifyRequest, topic: string, body: unknown): string | undefined {
  const fromHeader = header(request, 'x-haravan-org-id')
  if (fromHeader) return fromHeader
  if (topic !== UNINSTALL_TOPIC || typeof body !== 'object' || body === null) return undefined
  const org = (body as { org_id?: unknown }).org_id
  return typeof org === 'number' || (typeof org === 'string' && org !== '') ? String(org) : undefined
}

function parseJson (text: string): { ok: true, value: unknown } | { ok: false, error: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` }
  }
}

/** Encapsulated (not fastify-plugin wrapped): its raw-body parser applies to these routes only. */
export default async function webhookRoutes (app: FastifyInstance) {
  // The HMAC is over the exact bytes Haravan sent, so every body here stays a Buffer, whatever its content type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })

  app.get('/webhooks/haravan', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const token = query['hub.verify_token']
    if (typeof token !== 'string' || !safeEqual(token, app.config.haravan.webhookVerifyToken)) {
      throw new UnauthorizedError('hub.verify_token không khớp (verify token mismatch)')
    }
    return reply.type('text/plain; charset=utf-8').send(String(query['hub.challenge'] ?? ''))
  })

  // helmet: false — a machine-to-machine JSON answer needs none of the browser headers, and they cost per delivery.
  app.post('/webhooks/haravan', { schema: { hide: true }, helmet: false }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : EMPTY
    const signature = header(request, 'x-haravan-hmacsha256') ?? header(request, 'x-haravan-hmac-sha256')
    if (!verifyHmac(raw, signature, app.config.haravan.clientSecret)) {
      throw new UnauthorizedError('Chữ ký webhook không hợp lệ (invalid webhook signature)')
    }
    const rawTopic = header(request, 'x-haravan-topic') ?? ''
    const topic = canonicalTopic(rawTopic)
    const log = request.log

    // Test deliveries from the partner dashboard: acknowledge, no business logic.
    if (request.headers['x-haravan-test'] !== undefined) {
      log.info({ topic }, 'haravan test webhook acknowledged')
      return reply.send({ ok: true, result: 'test' })
    }
    const handler = topicHandlerFor(topic)
    if (!handler) {
      log.info({ topic: rawTopic }, 'webhook with an unknown topic ignored')
      return reply.send({ ok: true, result: 'unknown_topic' })
    }

    const body = raw.toString('utf8')
    const json = parseJson(body)
    const shopId = orgIdOf(request, topic, json.ok ? json.value : undefined)
    if (!shopId || !/^\d{1,20}$/.test(shopId)) {
      log.warn({ topic }, 'webhook without a usable org id ignored')
      return reply.send({ ok: true, result: 'unknown_shop' })
    }
    const now = app.clock()
    const delivery: Delivery = { shopId, topic, body, bodyHash: bodyHash(raw), now }

    let outcome
    if (!json.ok) {
      outcome = await receiveInvalid(app.db, delivery, json.error, false)
    } else {
      const parsed = handler.parse(json.value)
      outcome = !parsed.ok
        ? await receiveInvalid(app.db, delivery, parsed.error, true)
        : BATCHED_ORDER_TOPICS.has(topic)
          ? await app.orderBatcher.submit(delivery, parsed.value as HaravanOrder)
          : await receiveDelivery(app.db, delivery, parsed.value)
    }
    const { result, error } = outcome
    if (result === 'unknown_shop' || result === 'shop_uninstalled') {
      log.info({ shopId, topic, result }, 'webhook ignored')
    } else if (result === 'failed') {
      log.warn({ shopId, topic, error }, 'webhook stored as failed; the retry job will try again')
    }
    // 200 whenever the delivery is either stored or deliberately ignored: a non-2xx only makes Haravan resend it.
    return reply.send({ ok: true, result })
  })
}
