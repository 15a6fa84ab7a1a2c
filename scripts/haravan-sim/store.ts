// In-memory state of the simulated shops: ids, clock, and the per-shop collections.
import type { HaravanCustomer, HaravanDiscount, HaravanOrder, HaravanShop } from '../../server/haravan/wire.ts'

/** What a test may read or tweak on a shop directly. */
export interface SimShop {
  orgid: string
  name: string
  handle: string
  adminUserId: string
  adminEmail: string
  timezone: string
  /** access token lifetime in seconds for tokens issued from now on */
  tokenExpiresIn: number
  /** false: POST /com/discounts.json answers 403 (discount scopes are private-app only in the docs) */
  discountsAllowed: boolean
}

export interface ShopState extends SimShop {
  index: number
  createdAt: string
  customers: Map<number, HaravanCustomer>
  orders: Map<number, HaravanOrder>
  discounts: Map<number, HaravanDiscount>
  failNext: { n: number, status: number }
  seq: { customer: number, order: number, misc: number, orderNumber: number, discount: number }
}

export interface NewShop {
  orgid: string
  name: string
  handle?: string
  adminUserId?: string
  adminEmail?: string
  timezone?: string
}

// Ids are per shop but offset by the shop's position, so they stay unique across shops and a given
// seed still produces the same ids in any sim where the shops were added in the same order.
const ID_STRIDE = 10_000_000

export class SimStore {
  readonly shops = new Map<string, ShopState>()
  constructor (readonly now: () => Date) {}

  nowIso (): string {
    return this.now().toISOString()
  }

  addShop (s: NewShop): ShopState {
    if (this.shops.has(s.orgid)) throw new Error(`shop ${s.orgid} already exists`)
    const index = this.shops.size
    const handle = s.handle ?? slugify(s.name)
    const base = index * ID_STRIDE
    const shop: ShopState = {
      orgid: s.orgid,
      name: s.name,
      handle,
      adminUserId: s.adminUserId ?? String(200_000_100 + index),
      adminEmail: s.adminEmail ?? `admin@${handle}.vn`,
      timezone: s.timezone ?? '(GMT+07:00) Hanoi',
      tokenExpiresIn: 3600,
      discountsAllowed: true,
      index,
      createdAt: this.nowIso(),
      customers: new Map(),
      orders: new Map(),
      discounts: new Map(),
      failNext: { n: 0, status: 500 },
      seq: {
        customer: 1_037_000_000 + base,
        order: 1_138_000_000 + base,
        misc: 1_058_000_000 + base,
        orderNumber: 100_000,
        discount: 1_009_000_000 + base
      }
    }
    this.shops.set(s.orgid, shop)
    return shop
  }

  shop (orgid: string): ShopState {
    const shop = this.shops.get(orgid)
    if (!shop) throw new Error(`unknown shop ${orgid}`)
    return shop
  }

  firstShop (): ShopState | undefined {
    return this.shops.values().next().value
  }
}

export function nextId (shop: ShopState, kind: 'customer' | 'order' | 'misc' | 'discount'): number {
  shop.seq[kind] += 1
  return shop.seq[kind]
}

export function shopResource (shop: ShopState): HaravanShop {
  return {
    id: Number(shop.orgid),
    name: shop.name,
    email: shop.adminEmail,
    myharavan_domain: `${shop.handle}.myharavan.com`,
    domain: `${shop.handle}.myharavan.com`,
    currency: 'VND',
    timezone: shop.timezone,
    iana_timezone: 'Asia/Ho_Chi_Minh',
    money_format: '{{amount}}₫',
    money_with_currency_format: '{{amount}} VND',
    country_code: 'VN',
    province: 'Hồ Chí Minh',
    created_at: shop.createdAt
  }
}

export function slugify (text: string): string {
  const ascii = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D')
  return ascii.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'shop'
}
