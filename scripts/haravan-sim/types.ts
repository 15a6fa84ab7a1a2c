// The simulator's own shapes: what tests and the demo seed pass in, its delivery and request logs, its options.
// Haravan's resources themselves are the wire types in server/haravan/wire.ts.
import type { HaravanCustomer, HaravanAddress, HaravanLineItem, HaravanOrder } from '../../server/haravan/wire.ts'

/** What tests and the demo seed pass to create or patch a customer: addresses partial, tags a string or a list. */
export type CustomerInput = Omit<Partial<HaravanCustomer>, 'addresses' | 'tags'> & {
  addresses?: Partial<HaravanAddress>[]
  tags?: string | string[]
}

/** What tests and the demo seed pass to create an order: the customer by id, line items partial. */
export type OrderInput = Omit<Partial<HaravanOrder>, 'customer' | 'line_items'> & {
  customer?: { id: number } | null
  line_items?: Partial<HaravanLineItem>[]
}

export interface Delivery {
  topic: string
  orgid: string
  url: string
  /** HTTP status of the attempt; 0 when it timed out or could not connect */
  status: number
  ok: boolean
  attempt: number
  duplicate: boolean
  at: Date
  error?: string
}

export interface RequestLogEntry {
  method: string
  path: string
  orgid?: string
  status: number
  at: Date
}

export interface LoginUser {
  sub: string
  orgid: string
  orgname?: string
  role: string | string[]
  email?: string
  name?: string
}

export interface RetryOptions {
  /** first retry delay */
  baseMs: number
  /** cap of the doubling delay */
  maxMs: number
  /** attempts per delivery, and consecutive failures after which the subscription is deleted */
  maxAttempts: number
}

export interface SimOptions {
  port?: number
  host?: string
  clientId: string
  clientSecret: string
  verifyToken?: string
  now?: () => Date
  /** default 80 calls leaking 4 per second */
  rateLimit?: { bucket: number, leakPerSecond: number }
  /** default 50 */
  pageLimit?: number
  /** the app's webhook callback, used by POST /api/subscribe */
  webhookUrl?: string
  /** topics chosen "in the partner dashboard" */
  topics?: string[]
  /** default 200 ms doubling, capped at 3 s, 19 attempts */
  retry?: Partial<RetryOptions>
  /** per attempt, default 5000 (Haravan's timeout) */
  deliveryTimeoutMs?: number
  /** < 1: probability that a delivery is sent twice; >= 1: extra copies of every delivery */
  sendDuplicates?: number
  /** if given, authorize and token reject other redirect URIs */
  redirectUris?: string[]
  /** numeric app id put into app/uninstalled payloads */
  appId?: number
}

export const DEFAULT_TOPICS = [
  'app/uninstalled', 'customers/create', 'customers/update',
  'orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'orders/fulfilled', 'orders/delete'
]
