// Haravan's wire types: customers, orders, the shop, discounts and webhook subscriptions as Haravan serialises them
// (REST bodies and webhook payloads, HARAVAN.md). The client (client.ts) reads them; the simulator
// (scripts/haravan-sim/) builds them. What the app keeps of a payload after validation is ParsedOrder /
// ParsedCustomer (mappers.ts).

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

/** GET {webhookApiUrl}/api/subscribe: one subscription per topic. */
export interface WebhookSubscription { id: number, event: string, url: string }
