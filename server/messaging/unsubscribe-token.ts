// Signed unsubscribe tokens (/u/:token): shop, customer and channel, with an expiry; short enough for an SMS.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Channel } from './rules.ts'

/** Links in messages stay valid this long (a customer may open an old mail). */
export const UNSUBSCRIBE_TTL_DAYS = 400

export interface UnsubscribeClaims { shopId: string, customerId: number, channel: Channel, expiresAt: Date }

// A key of its own, derived from the session secret: a session token can never pass for an unsubscribe token.
export const unsubscribeKey = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('tich-diem/unsubscribe/v1').digest()

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16).toString('base64url')

export function createUnsubscribeToken (key: Buffer, claims: Omit<UnsubscribeClaims, 'expiresAt'>, now: Date, ttlDays = UNSUBSCRIBE_TTL_DAYS): string {
  const exp = Math.floor(now.getTime() / 1000) + ttlDays * 86400
  const payload = `${claims.shopId}.${claims.customerId}.${claims.channel === 'email' ? 'e' : 's'}.${exp.toString(36)}`
  return `${payload}.${sign(key, payload)}`
}

export type TokenCheck = { ok: true, claims: UnsubscribeClaims } | { ok: false, reason: 'invalid' | 'expired' }

/** Forged or malformed → invalid; a genuine token past its expiry → expired. */
export function verifyUnsubscribeToken (key: Buffer, token: string, now: Date): TokenCheck {
  const m = /^(\d{1,20})\.(\d{1,20})\.([es])\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/.exec(token)
  if (!m) return { ok: false, reason: 'invalid' }
  const [, shopId, customer, ch, exp, sig] = m as unknown as [string, string, string, string, string, string]
  const expected = Buffer.from(sign(key, `${shopId}.${customer}.${ch}.${exp}`))
  if (!timingSafeEqual(expected, Buffer.from(sig))) return { ok: false, reason: 'invalid' }
  const expiresAt = new Date(parseInt(exp, 36) * 1000)
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, claims: { shopId, customerId: Number(customer), channel: ch === 'e' ? 'email' : 'sms', expiresAt } }
}
