// Deterministic demo history for a shop: Vietnamese customers and ~18 months of orders, without webhooks.
import { buildCustomer } from './customers.ts'
import { addRefund, buildOrder, insertOrder, markCancelled } from './orders.ts'
import type { ShopState, SimStore } from './store.ts'
import type { HaravanCustomer, HaravanLineItem, HaravanOrderAddress } from '../../server/haravan/wire.ts'
import type { OrderInput } from './types.ts'
import * as vn from './vn-data.ts'

export interface SeedOptions { customers?: number, orders?: number, seed?: number }

const DAY = 86_400_000

/** mulberry32: tiny, fast, and the same sequence on every platform for a given seed. */
function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Rng {
  constructor (readonly next: () => number) {}
  int (min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)) }
  chance (p: number): boolean { return this.next() < p }
  pick<T> (list: readonly T[]): T {
    const v = list[Math.floor(this.next() * list.length)]
    if (v === undefined) throw new Error('pick from an empty list')
    return v
  }
}

const ascii = (s: string): string =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, '')

function pickProvince (rng: Rng): vn.Province {
  const total = vn.PROVINCES.reduce((s, p) => s + p.weight, 0)
  let r = rng.next() * total
  for (const p of vn.PROVINCES) {
    r -= p.weight
    if (r < 0) return p
  }
  return rng.pick(vn.PROVINCES)
}

function phoneNumber (rng: Rng): string {
  return rng.pick(vn.PHONE_PREFIXES) + String(rng.int(0, 9_999_999)).padStart(7, '0')
}

function demoCustomer (shop: ShopState, rng: Rng, now: number, usedPhones: Set<string>): HaravanCustomer {
  const female = rng.chance(0.62)
  const family = rng.pick(vn.FAMILY_NAMES)
  const middle = rng.pick(female ? vn.FEMALE_MIDDLE : vn.MALE_MIDDLE)
  const given = rng.pick(female ? vn.FEMALE_GIVEN : vn.MALE_GIVEN)
  let phone = phoneNumber(rng)
  while (usedPhones.has(phone)) phone = phoneNumber(rng)
  usedPhones.add(phone)
  const email = rng.chance(0.7) ? `${ascii(given)}.${ascii(family)}${rng.int(1, 999)}@${rng.pick(vn.EMAIL_DOMAINS)}` : null
  const birthday = rng.chance(0.8)
    ? `${rng.int(1965, 2005)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}T00:00:00Z`
    : null
  const province = pickProvince(rng)
  const district = rng.pick(province.districts)
  const ward = rng.pick(district.wards)
  // Two thirds of the customers exist before the order history starts, the rest join along the way.
  const created = new Date(now - (rng.chance(0.66) ? rng.int(545, 720) : rng.int(1, 540)) * DAY - rng.int(0, DAY - 1))
  const tags = rng.chance(0.3) ? [rng.pick(vn.CUSTOMER_TAGS), province.code === 'HC' ? 'hcm' : ''].join(',') : ''
  return buildCustomer(shop, {
    email,
    phone,
    first_name: given,
    last_name: `${family} ${middle}`,
    birthday,
    gender: rng.chance(0.12) ? null : female ? 0 : 1,
    accepts_marketing: rng.chance(0.55),
    verified_email: email !== null && rng.chance(0.6),
    tags,
    addresses: [{
      address1: `${rng.int(1, 450)} ${rng.pick(province.streets)}`,
      province: province.name,
      province_code: province.code,
      district: district.name,
      district_code: district.code,
      ward: ward.name,
      ward_code: ward.code,
      phone,
      first_name: given,
      last_name: `${family} ${middle}`,
      default: true
    }],
    created_at: created.toISOString()
  }, created.toISOString())
}

function lineItems (rng: Rng): Partial<HaravanLineItem>[] {
  const n = rng.chance(0.6) ? 1 : rng.int(2, 3)
  const items: Partial<HaravanLineItem>[] = []
  for (let i = 0; i < n; i++) {
    const p = rng.pick(vn.PRODUCTS)
    const idx = vn.PRODUCTS.indexOf(p)
    items.push({ title: p.title, price: p.price, sku: p.sku, quantity: rng.chance(0.8) ? 1 : 2, product_id: 1_028_183_659 + idx, variant_id: 1_061_514_693 + idx })
  }
  return items
}

function posAddress (rng: Rng, customers: HaravanCustomer[]): HaravanOrderAddress {
  // Walk-in POS sales have no customer record, but the cashier often types a known customer's phone.
  const known = customers.length > 0 && rng.chance(0.5) ? rng.pick(customers).phone : null
  return { phone: known ?? phoneNumber(rng), name: null, province: 'Hồ Chí Minh', district: 'Quận 1', ward: 'Phường Bến Nghé' }
}

type Fate = 'paid' | 'pending' | 'cancelled' | 'partial_refund' | 'refunded'

function fate (rng: Rng, ageDays: number): Fate {
  const r = rng.next()
  if (r < 0.07) return 'cancelled'
  if (r < 0.12) return 'partial_refund'
  if (r < 0.14) return 'refunded'
  // COD orders stay pending until delivered, so only recent ones are still unpaid.
  if (ageDays < 10 && r < 0.5) return 'pending'
  return 'paid'
}

function demoOrder (shop: ShopState, rng: Rng, created: number, now: number, customers: HaravanCustomer[]): void {
  const eligible = customers.filter((c) => Date.parse(c.created_at) <= created)
  const pos = eligible.length === 0 || rng.chance(0.12)
  const customer = pos ? undefined : rng.pick(eligible)
  const f = fate(rng, (now - created) / DAY)
  const gateway = pos ? 'Tiền mặt' : rng.pick(['COD', 'COD', 'COD', 'Chuyển khoản ngân hàng', 'Chuyển khoản ngân hàng', 'VNPAY', 'MoMo'])
  const paidAt = Math.min(now, created + rng.int(1, 4) * DAY)
  const code = !pos && rng.chance(0.15) ? { code: `GIAM${rng.pick([20, 30, 50])}K`, amount: rng.pick([20000, 30000, 50000]), type: 'fixed_amount' } : undefined
  const paid = f !== 'pending' && f !== 'cancelled'
  const fulfilled = f !== 'cancelled' && (pos || (paid && now - created > 3 * DAY && rng.chance(0.95)))
  const closed = fulfilled && f === 'paid' && now - created > 60 * DAY && rng.chance(0.3)
  const input: OrderInput = {
    customer: customer ? { id: customer.id } : null,
    line_items: lineItems(rng),
    discount_codes: code ? [code] : [],
    shipping_lines: pos ? [] : [{ code: null, price: rng.pick([0, 20000, 30000, 35000]), title: rng.pick(vn.SHIPPING_TITLES) }],
    financial_status: paid ? 'paid' : 'pending',
    fulfillment_status: fulfilled ? 'fulfilled' : 'notfulfilled',
    gateway,
    source_name: pos ? 'pos' : rng.pick(['web', 'web', 'facebook', 'zalo', 'shopee']),
    created_at: new Date(created).toISOString(),
    updated_at: new Date(paid ? paidAt : created).toISOString(),
    closed_status: closed ? 'closed' : 'unclosed',
    closed_at: closed ? new Date(paidAt).toISOString() : null
  }
  if (pos) input.billing_address = posAddress(rng, customers)
  const order = buildOrder(shop, input, input.updated_at ?? '')
  insertOrder(shop, order, order.updated_at)
  const later = new Date(Math.min(now, paidAt + rng.int(1, 10) * DAY)).toISOString()
  if (f === 'cancelled') markCancelled(shop, order, new Date(Math.min(now, created + rng.int(1, 48) * 3_600_000)).toISOString(), rng.pick(['customer', 'inventory', 'other']))
  if (f === 'partial_refund') addRefund(shop, order, Math.round(order.total_price * rng.pick([0.2, 0.3, 0.5]) / 1000) * 1000, later)
  if (f === 'refunded') addRefund(shop, order, order.total_price, later)
}

/** Bulk history as if the shop had been trading for a while; sends no webhooks. */
export function seedDemoData (store: SimStore, shop: ShopState, opts: SeedOptions = {}): void {
  const rng = new Rng(mulberry32(opts.seed ?? 1))
  const now = store.now().getTime()
  const usedPhones = new Set([...shop.customers.values()].map((c) => c.phone ?? ''))
  const customers: HaravanCustomer[] = []
  for (let i = 0; i < (opts.customers ?? 120); i++) {
    const c = demoCustomer(shop, rng, now, usedPhones)
    shop.customers.set(c.id, c)
    customers.push(c)
  }
  const times: number[] = []
  for (let i = 0; i < (opts.orders ?? 400); i++) times.push(now - rng.int(3_600_000, 540 * DAY))
  times.sort((a, b) => a - b) // order numbers grow with time, as in a real shop
  for (const t of times) demoOrder(shop, rng, t, now, customers)
}
