// Public shapes of the Haravan simulator: resources as Haravan serialises them, plus the sim's options.

export interface HaravanAddress {
  id: number
  address1: string | null
  address2: string | null
  country: string
  country_code: string
  province: string | null
  province_code: string | null
  district: string | null
  district_code: string | null
  ward: string | null
  ward_code: string | null
  phone: string | null
  first_name?: string | null
  last_name?: string | null
  default: boolean
}

export interface HaravanCustomer {
  id: number
  email: string | null
  phone: string | null
  first_name: string | null
  last_name: string | null
  birthday: string | null
  /** 1 male, 0 female, null unknown */
  gender: 1 | 0 | null
  accepts_marketing: boolean
  addresses: HaravanAddress[]
  default_address: HaravanAddress | null
  orders_count: number
  total_spent: number
  total_paid: number
  last_order_id: number | null
  last_order_name: string | null
  last_order_date: string | null
  /** comma separated, as Haravan sends it */
  tags: string
  note: string | null
  state: string
  verified_email: boolean
  created_at: string
  updated_at: string
}

/** The customer summary embedded in an order. */
export type HaravanOrderCustomer = Pick<HaravanCustomer,
  'id' | 'email' | 'phone' | 'first_name' | 'last_name' | 'orders_count' | 'total_spent' | 'tags' | 'birthday' | 'gender'>

export interface HaravanOrderAddress {
  phone: string | null
  name?: string | null
  address1?: string | null
  province: string | null
  district: string | null
  ward: string | null
}

export interface HaravanLineItem {
  id: number
  product_id: number
  variant_id: number
  title: string
  quantity: number
  price: number
  total_discount: number
  sku: string | null
}

export interface HaravanTransaction {
  id: number
  kind: 'capture' | 'sale' | 'refund' | 'void' | 'authorization'
  amount: number
  gateway: string
  order_id: number
  status?: string
  created_at?: string
}

export interface HaravanRefund {
  id: number
  order_id: number
  created_at: string
  note: string | null
  refund_line_items: unknown[]
  transactions: HaravanTransaction[]
}

export type FinancialStatus = 'pending' | 'authorized' | 'partially_paid' | 'paid' | 'partially_refunded' | 'refunded' | 'voided'
export type FulfillmentStatus = 'notfulfilled' | 'partial' | 'fulfilled'

export interface HaravanOrder {
  id: number
  name: string
  number: number
  order_number: string
  email: string | null
  contact_email: string | null
  currency: 'VND'
  created_at: string
  updated_at: string
  customer: HaravanOrderCustomer | null
  billing_address: HaravanOrderAddress | null
  shipping_address: HaravanOrderAddress | null
  financial_status: FinancialStatus
  fulfillment_status: FulfillmentStatus
  cancel_reason: string | null
  cancelled_at: string | null
  cancelled_status: 'uncancelled' | 'cancelled'
  confirmed_status: 'confirmed' | 'unconfirmed'
  closed_status: 'unclosed' | 'closed'
  closed_at: string | null
  gateway: string
  source_name: string
  location_id: number
  line_items: HaravanLineItem[]
  discount_codes: { code: string, amount: number, type?: string }[]
  subtotal_price: number
  total_discounts: number
  total_line_items_price: number
  total_price: number
  total_tax: number
  shipping_lines: { code: string | null, price: number, title: string }[]
  refunds: HaravanRefund[]
  transactions: HaravanTransaction[]
  note: string | null
  note_attributes: unknown[]
  tags: string | null
}

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

export interface HaravanShop {
  id: number
  name: string
  email: string
  myharavan_domain: string
  domain: string
  currency: 'VND'
  timezone: string
  iana_timezone: string
  money_format: string
  money_with_currency_format: string
  country_code: string
  province: string
  created_at: string
}

export interface HaravanDiscount {
  id: number
  code: string
  discount_type: 'fixed_amount' | 'percentage' | 'shipping'
  value: number
  starts_at: string | null
  ends_at: string | null
  usage_limit: number | null
  times_used: number
  once_per_customer: boolean
  minimum_order_amount: number | null
  applies_to_resource: string | null
  entitled_customer_ids: number[]
  status: 'enabled' | 'disabled'
  created_at: string
  updated_at: string
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
