// A shop's history for the overview tests, written through the real flows: settings, an opening import, activation, order webhooks.
import { customers } from '../../db/schema/index.ts'
import type { App } from '../../server/app.ts'
import { authHeaders, build } from '../helper.ts'
import { createOption } from '../loyalty/rewards-fixtures.ts'
import { upload, waitForStatus } from '../imports/helpers.ts'
import { deliver, fixture } from '../webhooks/helpers.ts'

export const CUSTOMERS = [
  { id: 201, fullName: 'Nguyễn Văn An', phoneE164: '+84912345678' },
  { id: 202, fullName: 'Trần Thị Bình', phoneE164: '+84987654321' },
  { id: 203, fullName: 'Lê Văn Cường', phoneE164: '+84383456789' },
  { id: 204, fullName: 'Phạm Thị Dung', phoneE164: '+84901234567' },
  { id: 205, fullName: 'Hoàng Văn Em', phoneE164: '+84934567890' },
]

export interface OrderSpec {
  id: number
  customerId: number | null
  total: number
  createdAt: string
  status?: string
  refund?: number
  cancelled?: boolean
}

export function orderBody (o: OrderSpec): Record<string, unknown> {
  const base = fixture('order-paid.json')
  const customer = CUSTOMERS.find((c) => c.id === o.customerId)
  return {
    ...base,
    id: o.id,
    name: `#${o.id}`,
    email: null,
    contact_email: null,
    customer: customer ? { id: customer.id, email: null, phone: customer.phoneE164 } : null,
    billing_address: null,
    shipping_address: null,
    total_price: o.total,
    subtotal_price: o.total,
    total_line_items_price: o.total,
    shipping_lines: [],
    financial_status: o.status ?? 'paid',
    refunds: o.refund ? [{ transactions: [{ kind: 'refund', amount: o.refund, status: 'success' }] }] : [],
    cancelled_at: o.cancelled ? o.createdAt : null,
    cancelled_status: o.cancelled ? 'cancelled' : 'uncancelled',
    created_at: o.createdAt,
    updated_at: o.createdAt,
  }
}

export async function sendOrder (app: App, o: OrderSpec) {
  const res = await deliver(app, { topic: 'orders/updated', body: orderBody(o) })
  if (res.json().result !== 'applied') throw new Error(`order ${o.id}: ${res.body}`)
}

export async function seedShopCustomers (app: App, shopId: string) {
  await app.db.insert(customers).values(CUSTOMERS.map((c) => ({ shopId, ...c, phone: c.phoneE164, searchText: c.fullName.toLowerCase() })))
}

/** Uploads an opening-balance file through the real import flow and waits until it is applied. */
export async function importOpening (app: App, shopId: string, lines: string[]) {
  const file = Buffer.from(['HoTen,DienThoai,Email,DTDauKy,DTTichLuy', ...lines].join('\n') + '\n', 'utf8')
  const res = await upload(app, shopId, file)
  if (res.statusCode !== 202 && res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`upload answered ${res.statusCode}: ${res.body}`)
  const { id } = res.json() as { id: string }
  await waitForStatus(app, shopId, id, 'previewed')
  const confirm = await app.inject({ method: 'POST', url: `/api/imports/${id}/confirm`, headers: await authHeaders(app, shopId) })
  if (confirm.statusCode !== 202) throw new Error(`confirm answered ${confirm.statusCode}: ${confirm.body}`)
  return waitForStatus(app, shopId, id, 'done')
}

export async function get<T = any> (app: App, shopId: string, url: string): Promise<T> {
  const res = await app.inject({ url, headers: await authHeaders(app, shopId) })
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`)
  return res.json() as T
}

export const ORDERS: OrderSpec[] = [
  { id: 9001, customerId: 201, total: 1_000_000, createdAt: '2026-10-16T02:00:00Z' }, // before the import: previous period
  { id: 9101, customerId: 201, total: 2_000_000, createdAt: '2026-11-05T02:00:00Z' },
  { id: 9102, customerId: 201, total: 1_000_000, createdAt: '2026-11-06T02:00:00Z', status: 'partially_refunded', refund: 300_000 },
  { id: 9103, customerId: 202, total: 500_000, createdAt: '2026-11-07T02:00:00Z', cancelled: true },
  { id: 9104, customerId: 203, total: 400_000, createdAt: '2026-11-08T02:00:00Z', status: 'refunded' },
  { id: 9105, customerId: 203, total: 600_000, createdAt: '2026-11-20T02:00:00Z' },
  { id: 9106, customerId: 204, total: 900_000, createdAt: '2026-11-21T02:00:00Z' }, // 204 never becomes a member
  { id: 9107, customerId: 204, total: 100_000, createdAt: '2026-11-22T02:00:00Z' },
  { id: 9108, customerId: null, total: 250_000, createdAt: '2026-11-29T18:30:00Z' }, // a guest, 30/11 01:30 in Việt Nam
  { id: 9109, customerId: 205, total: 999_000, createdAt: '2026-11-23T02:00:00Z', status: 'pending' },
]

/**
 * The shared history: autoActivate off; 201's October order; the opening import on 1/11 (201, 202); 203 activated by
 * the button on 10/11; November's orders (refund, cancellation, full refund, non-member, guest, pending); a reward
 * option of 100 points → 50.000 ₫. The clock ends on 30/11/2026 12:00 in Việt Nam.
 */
export async function history (t: { teardown: (fn: () => unknown) => void, equal: (a: unknown, b: unknown) => void }) {
  let now = new Date('2026-10-10T03:00:00Z')
  const built = await build(t, { jobs: true, clock: () => now })
  const { app, shopId } = built
  // Sessions expire: each step mints its own at the clock's time.
  let headers = await authHeaders(app, shopId)
  await seedShopCustomers(app, shopId)
  // Members only by decision here (import, button): 204 and 205 stay customers.
  const settings = await get(app, shopId, '/api/settings/loyalty')
  const put = await app.inject({ method: 'PUT', url: '/api/settings/loyalty', headers, payload: { ...settings, autoActivate: false } })
  t.equal(put.statusCode, 200)
  await sendOrder(app, ORDERS[0]!)
  now = new Date('2026-11-01T03:00:00Z')
  await importOpening(app, shopId, ['Nguyễn Văn An,0912345678,,1.500.000,3.000.000', 'Trần Thị Bình,0987654321,,500.000,800.000'])
  now = new Date('2026-11-10T03:00:00Z')
  headers = await authHeaders(app, shopId)
  t.equal((await app.inject({ method: 'POST', url: '/api/members/203/activate', headers })).statusCode, 200)
  now = new Date('2026-11-30T05:00:00Z')
  for (const o of ORDERS.slice(1)) await sendOrder(app, o)
  headers = await authHeaders(app, shopId)
  await createOption(app, headers, { pointsCost: 100, value: 50_000 })
  return built
}
