// Customer records: building them from partial input, patching, and keeping order statistics consistent.
import { nextId, type ShopState } from './store.ts'
import type { HaravanAddress, HaravanCustomer, HaravanOrder, HaravanOrderCustomer } from '../../server/haravan/wire.ts'
import type { CustomerInput } from './types.ts'

// Fields a caller may set; the statistics are derived from orders and never taken from input.
const WRITABLE = ['email', 'phone', 'first_name', 'last_name', 'birthday', 'gender', 'accepts_marketing',
  'note', 'state', 'verified_email'] as const

export function normalizeTags (tags: unknown): string {
  const list = Array.isArray(tags) ? tags : typeof tags === 'string' ? tags.split(',') : []
  return list.map((t) => String(t).trim()).filter(Boolean).join(',')
}

function buildAddresses (shop: ShopState, input: unknown): HaravanAddress[] {
  if (!Array.isArray(input)) return []
  const list = input.map((a: Partial<HaravanAddress>) => ({
    address1: null,
    address2: null,
    country: 'Vietnam',
    country_code: 'vn',
    province: null,
    province_code: null,
    district: null,
    district_code: null,
    ward: null,
    ward_code: null,
    phone: null,
    ...a,
    id: a.id ?? nextId(shop, 'misc'),
    default: a.default ?? false
  }))
  const first = list[0]
  if (first && !list.some((a) => a.default)) first.default = true
  return list
}

export function buildCustomer (shop: ShopState, input: CustomerInput, at: string): HaravanCustomer {
  const addresses = buildAddresses(shop, input.addresses)
  const customer: HaravanCustomer = {
    id: input.id ?? nextId(shop, 'customer'),
    email: input.email ?? null,
    phone: input.phone ?? null,
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    birthday: input.birthday ?? null,
    gender: input.gender ?? null,
    accepts_marketing: input.accepts_marketing ?? false,
    addresses,
    default_address: addresses.find((a) => a.default) ?? null,
    orders_count: 0,
    total_spent: 0,
    total_paid: 0,
    last_order_id: null,
    last_order_name: null,
    last_order_date: null,
    tags: normalizeTags(input.tags),
    note: input.note ?? null,
    state: input.state ?? 'Enabled',
    verified_email: input.verified_email ?? false,
    created_at: input.created_at ?? at,
    updated_at: input.updated_at ?? input.created_at ?? at
  }
  return customer
}

export function patchCustomer (shop: ShopState, c: HaravanCustomer, patch: CustomerInput, at: string): void {
  const target = c as unknown as Record<string, unknown>
  for (const key of WRITABLE) {
    if (key in patch) target[key] = (patch as Record<string, unknown>)[key]
  }
  if ('tags' in patch) c.tags = normalizeTags(patch.tags)
  if ('addresses' in patch) {
    c.addresses = buildAddresses(shop, patch.addresses)
    c.default_address = c.addresses.find((a) => a.default) ?? null
  }
  c.updated_at = at
}

export function orderCustomerView (c: HaravanCustomer): HaravanOrderCustomer {
  return {
    id: c.id,
    email: c.email,
    phone: c.phone,
    first_name: c.first_name,
    last_name: c.last_name,
    orders_count: c.orders_count,
    total_spent: c.total_spent,
    tags: c.tags,
    birthday: c.birthday,
    gender: c.gender
  }
}

export function refundedAmount (o: HaravanOrder): number {
  let sum = 0
  for (const r of o.refunds) for (const t of r.transactions) sum += t.amount
  return sum
}

// The simulator counts an order towards a customer's statistics once it is paid (fully or with a
// partial refund) and not cancelled; total_spent is net of refunds.
export function countsTowardsStats (o: HaravanOrder): boolean {
  return o.cancelled_at === null && (o.financial_status === 'paid' || o.financial_status === 'partially_refunded')
}

/** Recomputes orders_count / total_spent / last_order_*; bumps updated_at only when something changed. */
export function recomputeCustomerStats (shop: ShopState, customerId: number, at: string): void {
  const c = shop.customers.get(customerId)
  if (!c) return
  let count = 0
  let spent = 0
  let last: HaravanOrder | undefined
  for (const o of shop.orders.values()) {
    if (o.customer?.id !== customerId || !countsTowardsStats(o)) continue
    count += 1
    spent += o.total_price - refundedAmount(o)
    if (!last || o.created_at > last.created_at) last = o
  }
  const next = {
    orders_count: count,
    total_spent: spent,
    total_paid: spent,
    last_order_id: last?.id ?? null,
    last_order_name: last?.name ?? null,
    last_order_date: last ? stripMillis(last.created_at) : null
  }
  const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => c[k] !== next[k])
  if (!changed) return
  Object.assign(c, next)
  if (at > c.updated_at) c.updated_at = at
}

function stripMillis (iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z')
}
