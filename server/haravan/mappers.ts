// Haravan customer/order payloads (webhook bodies and REST resources): lenient zod schemas and pure mappers to our rows.
import { z } from 'zod'
import type { customers, orders } from '../../db/schema/index.ts'
import { parseHaravanMoney } from '../imports/amount.ts'
import { normalizeVietnamPhone } from '../loyalty/phone.ts'

export type CustomerRow = typeof customers.$inferInsert
export type OrderRow = typeof orders.$inferInsert

// ---------- schema building blocks (unknown fields pass; null wherever Haravan sends null) ----------

const haravanId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)])
  .refine((n) => Number.isSafeInteger(n), 'id is not a safe integer')

// Money arrives as a decimal number or string; parsed to integer đồng here, so a bad amount fails validation.
const money = z.union([z.number(), z.string()]).nullish().transform((v, ctx) => {
  try {
    return parseHaravanMoney(v)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message })
    return z.NEVER
  }
})

/**
 * An order's amounts: whole đồng between 0 and 10^13 (ten thousand billion đồng, far above any real order). A
 * negative total, shipping line or discount, or 1e308, makes the delivery invalid (recorded, never points).
 */
export const MAX_ORDER_VND = 10_000_000_000_000
const orderAmount = money.refine((v) => v >= 0 && v <= MAX_ORDER_VND, `amount must be between 0 and ${MAX_ORDER_VND} đồng`)
// Refund transactions are read by their size (refundedAmount); the sign varies between Haravan's endpoints.
const refundAmount = money.refine((v) => Math.abs(v) <= MAX_ORDER_VND, `amount must be at most ${MAX_ORDER_VND} đồng`)

const timestamp = z.string().nullish().transform((v, ctx) => {
  if (v === null || v === undefined || v.trim() === '') return null
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) {
    // The value is not quoted: issues go to the log and the inbox's last_error.
    ctx.addIssue({ code: 'custom', message: 'not a timestamp' })
    return z.NEVER
  }
  return d
})

// A text field sent as a number (an order_number of 100020, a phone of 912345678) is that number's text: a stray
// number type in a field we only store or match must not cost the merchant the order or the customer.
const text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v)))
const numberish = z.union([z.number(), z.string()]).nullish()

const customerAddressSchema = z.looseObject({
  address1: text,
  province: text,
  province_code: text,
  district: text,
  ward: text,
  phone: text,
  default: z.boolean().nullish(),
})

export const haravanCustomerSchema = z.looseObject({
  id: haravanId,
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  birthday: text,
  gender: numberish,
  accepts_marketing: z.boolean().nullish(),
  addresses: z.array(customerAddressSchema).nullish(),
  default_address: customerAddressSchema.nullish(),
  orders_count: z.number().int().nullish(),
  total_spent: money,
  last_order_date: timestamp,
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  state: text,
  created_at: timestamp,
  updated_at: timestamp,
})
/** A customer payload after validation: ids as numbers, money in whole đồng, timestamps as Date (wire shape: HaravanCustomer). */
export type ParsedCustomer = z.output<typeof haravanCustomerSchema>

const orderAddressSchema = z.object({ phone: text })

const transactionSchema = z.object({ kind: text, amount: refundAmount, status: text })

export const haravanOrderSchema = z.object({
  id: haravanId,
  name: text,
  order_number: text,
  email: text,
  contact_email: text,
  customer: z.looseObject({ id: haravanId, email: text, phone: text }).nullish(),
  billing_address: orderAddressSchema.nullish(),
  shipping_address: orderAddressSchema.nullish(),
  total_price: orderAmount,
  subtotal_price: orderAmount,
  total_discounts: orderAmount,
  discount_codes: z.array(z.object({ code: text })).nullish(),
  shipping_lines: z.array(z.object({ price: orderAmount })).nullish(),
  refunds: z.array(z.object({ transactions: z.array(transactionSchema).nullish() })).nullish(),
  financial_status: text,
  fulfillment_status: text,
  cancelled_at: timestamp,
  cancel_reason: text,
  source_name: text,
  gateway: text,
  created_at: timestamp,
  updated_at: timestamp,
})
/** An order payload after validation: ids as numbers, amounts in whole đồng, timestamps as Date (wire shape: HaravanOrder). */
export type ParsedOrder = z.output<typeof haravanOrderSchema>

/** orders/delete (and customers/delete) carry only the id. */
export const haravanIdOnlySchema = z.looseObject({ id: haravanId })

// ---------- search ----------

/**
 * The one search normaliser, for stored search_text and for what is typed in the search box:
 * lower case, diacritics removed (đ → d), whitespace collapsed, and separators inside digit runs dropped
 * so '0912 345 678', '0912.345.678' and '+84 912 345 678' all become plain digits.
 */
export function searchKey (input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\+(?=\d)/g, '')
    .replace(/(\d)[\s.\-()]+(?=\d)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * What the search box matches: name, the email's local part and the phone as people type it.
 * Only the local part: with the domain, 'mai' would match every @gmail.com customer; a query containing
 * '@' is matched against the email column instead (server/segments/compile.ts).
 */
export function customerSearchText (name: string, email: string | null | undefined, phone: string | null | undefined): string {
  return [name, email?.split('@')[0] ?? '', ...phoneSearchForms(phone)].map(searchKey).filter(Boolean).join(' ')
}

/** The phone the ways people type it: 0912345678 and 84912345678 (a search for 912345678 matches both); raw digits when invalid. */
export function phoneSearchForms (phone: string | null | undefined): string[] {
  if (!phone) return []
  const parsed = normalizeVietnamPhone(phone)
  if (!parsed.ok) {
    const digits = phone.replace(/\D/g, '')
    return digits ? [digits] : []
  }
  const national = parsed.national
  return [national, `84${national.slice(1)}`]
}

// ---------- customers ----------

/** Vietnamese order: family name first ('Nguyễn Thị' + 'Lan' → 'Nguyễn Thị Lan'). */
export function fullName (lastName: string | null | undefined, firstName: string | null | undefined): string {
  return [lastName, firstName].map((s) => (s ?? '').trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ')
}

const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh'
const vnDate = new Intl.DateTimeFormat('en-CA', { timeZone: VN_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })

/**
 * Haravan sends birthdays as timestamps ('1992-10-14T00:00:00Z'). Midnight (or a bare date) is read as written;
 * any other time is an instant whose calendar day in Vietnam is the birthday (e.g. 1992-10-13T17:00:00Z → 1992-10-14).
 */
export function birthdayDate (v: string | null | undefined): string | null {
  if (!v) return null
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$/.exec(v.trim())
  if (m) return m[1] ?? null
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return null
  return vnDate.format(d)
}

export function genderOf (g: number | string | null | undefined): 'male' | 'female' | 'unknown' {
  if (g === 1 || g === '1') return 'male'
  if (g === 0 || g === '0') return 'female'
  return 'unknown'
}

export function splitTags (tags: string | string[] | null | undefined): string[] {
  const list = Array.isArray(tags) ? tags : (tags ?? '').split(',')
  return list.map((t) => t.trim()).filter(Boolean)
}

function phoneE164 (phone: string | null | undefined): string | null {
  if (!phone) return null
  const r = normalizeVietnamPhone(phone)
  return r.ok ? r.e164 : null
}

export function mapCustomer (shopId: string, c: ParsedCustomer, now: Date): CustomerRow {
  const name = fullName(c.last_name, c.first_name)
  const email = c.email?.trim() || null
  const phone = c.phone?.trim() || null
  const address = c.default_address ?? c.addresses?.find((a) => a.default) ?? c.addresses?.[0] ?? null
  return {
    shopId,
    id: c.id,
    email,
    phone,
    phoneE164: phoneE164(phone),
    firstName: c.first_name,
    lastName: c.last_name,
    fullName: name,
    // Each part normalised on its own: searchKey joins digit runs, which would glue the phone forms together.
    searchText: customerSearchText(name, email, phone),
    birthday: birthdayDate(c.birthday),
    gender: genderOf(c.gender),
    province: address?.province ?? null,
    provinceCode: address?.province_code ?? null,
    district: address?.district ?? null,
    ward: address?.ward ?? null,
    address: address?.address1 ?? null,
    tags: splitTags(c.tags),
    acceptsMarketing: c.accepts_marketing ?? false,
    state: c.state,
    haravanOrdersCount: c.orders_count ?? 0,
    haravanTotalSpent: c.total_spent,
    lastOrderAt: c.last_order_date,
    haravanCreatedAt: c.created_at,
    haravanUpdatedAt: c.updated_at,
    syncedAt: now,
  }
}

// ---------- orders ----------

/** Refunds = the refund transactions (failed ones excluded); a 'refunded' order without any is refunded in full. */
export function refundedAmount (o: ParsedOrder): number {
  let sum = 0
  for (const r of o.refunds ?? []) {
    for (const tr of r.transactions ?? []) {
      if (tr.kind !== 'refund') continue
      if (tr.status && /^(failure|error|failed)$/i.test(tr.status)) continue
      sum += Math.abs(tr.amount)
    }
  }
  if (sum === 0 && o.financial_status === 'refunded') return o.total_price
  return Math.min(sum, o.total_price)
}

/** POS orders may have no customer: the phone comes from the customer, else billing, else shipping (the first valid one). */
export function orderPhone (o: ParsedOrder): string | null {
  for (const candidate of [o.customer?.phone, o.billing_address?.phone, o.shipping_address?.phone]) {
    const e164 = phoneE164(candidate)
    if (e164) return e164
  }
  return null
}

export function mapOrder (shopId: string, o: ParsedOrder, now: Date): OrderRow {
  return {
    shopId,
    id: o.id,
    name: o.name ?? o.order_number,
    customerId: o.customer?.id ?? null,
    email: (o.email || o.customer?.email || o.contact_email)?.trim() || null,
    phoneE164: orderPhone(o),
    totalPrice: o.total_price,
    subtotalPrice: o.subtotal_price,
    shippingPrice: (o.shipping_lines ?? []).reduce((s, l) => s + l.price, 0),
    totalDiscounts: o.total_discounts,
    discountCodes: (o.discount_codes ?? []).flatMap(d => d.code ? [d.code.trim().toUpperCase()] : []),
    refundedAmount: refundedAmount(o),
    financialStatus: o.financial_status,
    fulfillmentStatus: o.fulfillment_status,
    cancelledAt: o.cancelled_at,
    cancelReason: o.cancel_reason,
    sourceName: o.source_name,
    gateway: o.gateway,
    haravanCreatedAt: o.created_at,
    haravanUpdatedAt: o.updated_at,
    syncedAt: now,
  }
}
