// POST/GET /webhooks/haravan: raw body → HMAC → topic and shop → inbox + apply; the handshake answers hub.challenge.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { UnauthorizedError } from '../server/errors.ts'
import { safeEqual } from './hmac.ts'
import { BATCHED_CUSTOMER_TOPICS, BATCHED_ORDER_TOPICS } from './batch.ts'
import { emptyBody, parseWebhookBody, readBody, type ReceivedBody } from './body.ts'
import { receiveDelivery, receiveInvalid, type Delivery, type DeliveryOutcome } from './inbox.ts'
import type { ParsedCustomer, ParsedOrder } from '../server/haravan/mappers.ts'
import { canonicalTopic, topicHandlerFor, UNINSTALL_TOPIC } from './topics/index.ts'
import { uninstallBodyProblem } from './topics/app.ts'
import { LoopTurns } from './turns.ts'

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

/** The signature header is base64 of 32 bytes; compared in constant time against the digest of every byte read. */
function signatureMatches (body: ReceivedBody, given: string | undefined): boolean {
  return given !== undefined && safeEqual(given, body.hmac)
}

/** Encapsulated (not fastify-plugin wrapped): its raw-body parser applies to these routes only. */
export default async function webhookRoutes (app: FastifyInstance) {
  const turns = new LoopTurns()
  // The HMAC is over the exact bytes Haravan sent, so every body is read here as bytes, whatever its content type,
  // hashed as it streams in and kept only up to the limit (body.ts).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, payload, done) => {
    readBody(payload, app.config.haravan.clientSecret).then((body) => { done(null, body) }, (err: Error) => { done(err, undefined) })
  })

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
    const received = (request.body as ReceivedBody | undefined) ?? emptyBody(app.config.haravan.clientSecret)
    const signature = header(request, 'x-haravan-hmacsha256') ?? header(request, 'x-haravan-hmac-sha256')
    if (app.config.haravan.clientSecret === '' || !signatureMatches(received, signature)) {
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
      log.info({ topic: rawTopic.slice(0, 100) }, 'webhook with an unknown topic ignored')
      return reply.send({ ok: true, result: 'unknown_topic' })
    }

    // Its own turn of the event loop (turns.ts): a batch's database answers do not wait behind a burst of parses.
    await turns.next()
    const body = parseWebhookBody(received)
    const shopId = orgIdOf(request, topic, body.ok ? body.value : undefined)
    if (!shopId || !/^\d{1,20}$/.test(shopId)) {
      log.warn({ topic }, 'webhook without a usable org id ignored')
      return reply.send({ ok: true, result: 'unknown_shop' })
    }
    const now = app.clock()
    const delivery = (text: string): Delivery => ({ shopId, topic, body: text, bodyHash: received.sha256, now })

    let outcome: DeliveryOutcome
    if (!body.ok) {
      outcome = await receiveInvalid(app.db, delivery(body.kept), body.error, false, body.refused)
    } else {
      if (body.cut) log.warn({ shopId, topic }, 'webhook body nested deeper than the limit: the deepest values were dropped')
      const parsed = handler.parse(body.value)
      const problem = parsed.ok && topic === UNINSTALL_TOPIC ? uninstallBodyProblem(body.value, shopId) : undefined
      outcome = !parsed.ok
        ? await receiveInvalid(app.db, delivery(body.json), parsed.error, true)
        : problem !== undefined
          ? await receiveInvalid(app.db, delivery(body.json), problem, true, true)
          : BATCHED_ORDER_TOPICS.has(topic)
            ? await app.orderBatcher.submit(delivery(body.json), parsed.value as ParsedOrder)
            : BATCHED_CUSTOMER_TOPICS.has(topic)
              ? await app.orderBatcher.submitCustomer(delivery(body.json), parsed.value as ParsedCustomer)
              : await receiveDelivery(app.db, delivery(body.json), parsed.value)
    }
    const { result, error } = outcome
    if (result === 'unknown_shop' || result === 'shop_uninstalled') {
      log.info({ shopId, topic, result }, 'webhook ignored')
    } else if (result === 'failed' || result === 'refused') {
      log.warn({ shopId, topic, result, error }, result === 'failed' ? 'webhook stored as failed; the retry job will try again' : 'webhook refused and recorded')
    }
    // 200 whenever the delivery is either stored or deliberately ignored: a non-2xx only makes Haravan resend it.
    return reply.send({ ok: true, result })
  })
}
