// The rules every message obeys at the moment it is sent (Decree 91/2020 and the shop's limits). Pure functions.
import { localParts, offsetMinutes } from '../segments/time.ts'

export type Channel = 'email' | 'sms'
export type MessageKind = 'advertising' | 'care'
export type ConsentState = 'consented' | 'refused' | 'unknown'

/** Why a message is not sent; stored as the message's reason and translated by the UI. */
export type SkipReason = 'no_contact' | 'refused' | 'no_consent' | 'recipient_cap' | 'not_configured'

export const ADVERTISING_WINDOW = { startHour: 7, endHour: 22 } as const
/** At most this many advertising messages per phone (SMS) or address (email) in any 24 h, across all campaigns. */
export const ADVERTISING_CAP_PER_DAY = 3
export const DAY_MS = 24 * 60 * 60 * 1000

/** Advertising goes only to who consented; customer care to whoever has not refused; nothing without an address. */
export function eligibility (kind: MessageKind, consent: ConsentState, recipient: string | null | undefined): { ok: true } | { ok: false, reason: SkipReason } {
  if (!recipient) return { ok: false, reason: 'no_contact' }
  if (consent === 'refused') return { ok: false, reason: 'refused' }
  if (kind === 'advertising' && consent !== 'consented') return { ok: false, reason: 'no_consent' }
  return { ok: true }
}

/** The UTC instant of local `hour`:00 on the local day `daysFromToday` after `at`'s local day. */
function localHour (at: Date, timeZone: string, daysFromToday: number, hour: number): Date {
  const p = localParts(at, timeZone)
  const wall = Date.UTC(p.year, p.month - 1, p.day + daysFromToday, hour)
  // Two passes settle the offset next to a DST change (Vietnam has none; other shops' zones may).
  let guess = wall - offsetMinutes(new Date(wall), timeZone) * 60000
  guess = wall - offsetMinutes(new Date(guess), timeZone) * 60000
  return new Date(guess)
}

/**
 * Advertising SMS go out only 07:00–22:00 in the shop's time zone: `at` itself when it is inside the window,
 * otherwise the next 07:00 (later ones wait, they are not dropped).
 */
export function nextAdvertisingInstant (at: Date, timeZone: string, window: { startHour: number, endHour: number } = ADVERTISING_WINDOW): Date {
  const hour = localParts(at, timeZone).hour
  if (hour >= window.startHour && hour < window.endHour) return at
  return localHour(at, timeZone, hour < window.startHour ? 0 : 1, window.startHour)
}

/**
 * A rolling-window cap: given the instants of what was already sent (or claimed) to one recipient, or by one shop,
 * may one more go at `now`? If not, `notBefore` is when the oldest counted one leaves the window.
 */
export function rollingCap (sentAt: readonly Date[], now: Date, limit: number, windowMs: number = DAY_MS): { ok: true } | { ok: false, notBefore: Date } {
  const from = now.getTime() - windowMs
  const inWindow = sentAt.map(d => d.getTime()).filter(t => t > from && t <= now.getTime()).sort((a, b) => a - b)
  if (inWindow.length < limit) return { ok: true }
  // One more fits once all but limit-1 of them are older than the window.
  return { ok: false, notBefore: new Date(inWindow[inWindow.length - limit]! + windowMs) }
}

const QC = '[QC]'

/** An advertising SMS: starts with [QC] and ends with how to refuse (Decree 91/2020). Applying it twice changes nothing. */
export function frameAdvertisingSms (text: string, refusal: string): string {
  let body = text.trim()
  if (body.toUpperCase().startsWith(QC)) body = body.slice(QC.length).trim()
  if (body.endsWith(refusal)) body = body.slice(0, -refusal.length).trim()
  return `${QC} ${body} ${refusal}`
}

/** The refusal line of an advertising SMS (no diacritics: it must not turn the text into Unicode). */
export const smsRefusal = (unsubscribeUrl: string) => `Tu choi QC: ${unsubscribeUrl}`
