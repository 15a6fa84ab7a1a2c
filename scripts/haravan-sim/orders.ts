// Order records: building them from partial input and the lifecycle steps (pay, fulfil, cancel, refund).
import { orderCustomerView, recomputeCustomerStats, refundedAmount } from './customers.ts'
import { nextId, type ShopState } from './store.ts'
import type { HaravanLineItem, HaravanOrder, HaravanOrderAddress, HaravanTransaction } from '../../server/haravan/wire.ts'
import type { OrderInput } from './types.ts'

const PAID_LIKE = new Set(['paid', 'partially_refunded', 'refunded'])

function buildLineItems (shop: ShopState, input: Partial<HaravanLineItem>[] | undefined): HaravanLineItem[] {
  const items = input && input.length > 0 ? input : [{ title: 'Áo thun cotton', price: 250000, quantity: 1 }]
  return items.map((li, i) => ({
    id: li.id ?? nextId(shop, 'misc'),
    product_id: li.product_id ?? 1_028_183_000 + i,
    variant_id: li.variant_id ?? 1_061_514_000 + i,
    title: li.title ?? 'Sản phẩm',
    quantity: li.quantity ?? 1,
    price: li.price ?? 0,
    total_discount: li.total_discount ?? 0,
    sku: li.sku ?? null
  }))
}

function captureTransaction (shop: ShopState, o: HaravanOrder, amount: number, at: string): HaravanTransaction {
  return { id: nextId(shop, 'misc'), kind: 'capture', amount, gateway: o.gateway, order_id: o.id, status: 'success', created_at: at }
}

function addressFromCustomer (shop: ShopState, customerId: number | undefined): HaravanOrderAddress | null {
  const c = customerId === undefined ? undefined : shop.customers.get(customerId)
  if (!c) return null
  const a = c.default_address
  const name = [c.last_name, c.first_name].filter(Boolean).join(' ') || null
  return { phone: a?.phone ?? c.phone, name, address1: a?.address1 ?? null, province: a?.province ?? null, district: a?.district ?? null, ward: a?.ward ?? null }
}

export function buildOrder (shop: ShopState, input: OrderInput, at: string): HaravanOrder {
  const id = input.id ?? nextId(shop, 'order')
  shop.seq.orderNumber += 1
  const name = input.name ?? `#${shop.seq.orderNumber}`
  const customerId = input.customer?.id
  const customer = customerId === undefined ? undefined : shop.customers.get(customerId)
  if (customerId !== undefined && !customer) throw new Error(`unknown customer ${customerId}`)
  const lineItems = buildLineItems(shop, input.line_items)
  const lineTotal = lineItems.reduce((s, li) => s + li.price * li.quantity, 0)
  const lineDiscounts = lineItems.reduce((s, li) => s + li.total_discount, 0)
  const discountCodes = input.discount_codes ?? []
  const totalDiscounts = input.total_discounts ?? lineDiscounts + discountCodes.reduce((s, d) => s + d.amount, 0)
  const shippingLines = input.shipping_lines ?? [{ code: null, price: 30000, title: 'Giao hàng tiêu chuẩn' }]
  const shipping = shippingLines.reduce((s, l) => s + l.price, 0)
  const subtotal = input.subtotal_price ?? lineTotal - totalDiscounts
  const address = input.billing_address ?? addressFromCustomer(shop, customerId)
  const created = input.created_at ?? at
  const order: HaravanOrder = {
    id,
    name,
    number: id,
    order_number: name,
    email: input.email ?? customer?.email ?? null,
    contact_email: input.contact_email ?? input.email ?? customer?.email ?? null,
    currency: 'VND',
    created_at: created,
    updated_at: input.updated_at ?? created,
    customer: customer ? orderCustomerView(customer) : null,
    billing_address: address,
    shipping_address: input.shipping_address ?? address,
    financial_status: input.financial_status ?? 'pending',
    fulfillment_status: input.fulfillment_status ?? 'notfulfilled',
    cancel_reason: input.cancel_reason ?? null,
    cancelled_at: input.cancelled_at ?? null,
    cancelled_status: input.cancelled_at ? 'cancelled' : 'uncancelled',
    confirmed_status: 'confirmed',
    closed_status: input.closed_status ?? 'unclosed',
    closed_at: input.closed_at ?? null,
    gateway: input.gateway ?? 'COD',
    source_name: input.source_name ?? 'web',
    location_id: input.location_id ?? 963414,
    line_items: lineItems,
    discount_codes: discountCodes,
    subtotal_price: subtotal,
    total_discounts: totalDiscounts,
    total_line_items_price: lineTotal,
    total_price: input.total_price ?? subtotal + shipping,
    total_tax: 0,
    shipping_lines: shippingLines,
    refunds: [],
    transactions: input.transactions ?? [],
    note: input.note ?? null,
    note_attributes: [],
    tags: input.tags ?? null
  }
  if (PAID_LIKE.has(order.financial_status) && order.transactions.length === 0) {
    order.transactions.push(captureTransaction(shop, order, order.total_price, created))
  }
  return order
}

/** Stores a new order and refreshes its customer's statistics. */
export function insertOrder (shop: ShopState, order: HaravanOrder, at: string): void {
  shop.orders.set(order.id, order)
  if (order.customer) recomputeCustomerStats(shop, order.customer.id, at)
}

export function getOrder (shop: ShopState, id: number): HaravanOrder {
  const o = shop.orders.get(id)
  if (!o) throw new Error(`unknown order ${id} in shop ${shop.orgid}`)
  return o
}

function touch (shop: ShopState, o: HaravanOrder, at: string): HaravanOrder {
  o.updated_at = at
  if (o.customer) recomputeCustomerStats(shop, o.customer.id, at)
  return o
}

export function markPaid (shop: ShopState, o: HaravanOrder, at: string): HaravanOrder {
  if (o.cancelled_at) throw new Error(`order ${o.id} is cancelled`)
  if (!PAID_LIKE.has(o.financial_status)) {
    o.financial_status = 'paid'
    o.transactions.push(captureTransaction(shop, o, o.total_price, at))
  }
  return touch(shop, o, at)
}

export function markFulfilled (shop: ShopState, o: HaravanOrder, at: string): HaravanOrder {
  if (o.cancelled_at) throw new Error(`order ${o.id} is cancelled`)
  o.fulfillment_status = 'fulfilled'
  return touch(shop, o, at)
}

export function markCancelled (shop: ShopState, o: HaravanOrder, at: string, reason = 'customer'): HaravanOrder {
  o.cancelled_at = at
  o.cancel_reason = reason
  o.cancelled_status = 'cancelled'
  // An unpaid order that is cancelled is voided; a paid one keeps its status until refunded.
  if (o.financial_status === 'pending' || o.financial_status === 'authorized') o.financial_status = 'voided'
  return touch(shop, o, at)
}

export function addRefund (shop: ShopState, o: HaravanOrder, amount: number, at: string): HaravanOrder {
  const remaining = o.total_price - refundedAmount(o)
  if (!(amount > 0) || amount > remaining) throw new Error(`refund of ${amount} exceeds the ${remaining} left on ${o.id}`)
  if (!PAID_LIKE.has(o.financial_status)) throw new Error(`order ${o.id} is not paid`)
  const refundId = nextId(shop, 'misc')
  o.refunds.push({
    id: refundId,
    order_id: o.id,
    created_at: at,
    note: null,
    refund_line_items: [],
    transactions: [{ id: nextId(shop, 'misc'), kind: 'refund', amount, gateway: o.gateway, order_id: o.id, status: 'success', created_at: at }]
  })
  o.financial_status = amount === remaining ? 'refunded' : 'partially_refunded'
  return touch(shop, o, at)
}

/** The order as REST and webhooks show it: the embedded customer reflects the customer's current numbers. */
export function orderView (shop: ShopState, o: HaravanOrder): HaravanOrder {
  const c = o.customer ? shop.customers.get(o.customer.id) : undefined
  return c ? { ...o, customer: orderCustomerView(c) } : o
}
