// Webhook signatures: base64 HMAC-SHA256 of the raw body keyed with the app's client secret (X-Haravan-Hmacsha256).
import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * True when `header` is the signature of exactly these bytes. Compared in constant time; a missing header, a second
 * header (joined with ', ' by Node) or one of the wrong length is simply false.
 */
export function verifyHmac (raw: Buffer | string, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || secret === '') return false
  const given = Buffer.from(header.trim(), 'utf8')
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('base64'), 'utf8')
  if (given.length !== expected.length) return false
  return timingSafeEqual(given, expected)
}

/** Constant-time comparison of two secrets (the hub.verify_token handshake). */
export function safeEqual (a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}
