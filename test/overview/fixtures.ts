// A shop's history for the overview tests, written through the real flows: settings, an opening import, activation, order webhooks.
import { customers } from '../../db/schema/index.ts'
import type { App } from '../../server/app.ts'
import { authHeaders } from '../helper.ts'
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
