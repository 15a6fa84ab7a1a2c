// Shop mutations shared by the REST API and the test/demo handle; each emits the topics Haravan would send.
import { buildCustomer, patchCustomer } from './customers.ts'
import { addRefund, buildOrder, getOrder, insertOrder, markCancelled, markFulfilled, markPaid, orderView } from './orders.ts'
import type { Emit } from './rest.ts'
import type { ShopState, SimStore } from './store.ts'
import type { HaravanCustomer, HaravanOrder } from '../../server/haravan/wire.ts'
import type { CustomerInput, OrderInput } from './types.ts'

export type Actions = ReturnType<typeof makeActions>

export function makeActions (store: SimStore, emit: Emit) {
  const customer = (shop: ShopState, id: number): HaravanCustomer => {
    const c = shop.customers.get(id)
    if (!c) throw new Error(`unknown customer ${id} in shop ${shop.orgid}`)
    return c
  }
  const emitOrder = (shop: ShopState, o: HaravanOrder, topics: string[]): HaravanOrder => {
    const view = orderView(shop, o)
    for (const topic of topics) emit(shop, topic, view)
    return view
  }

  return {
    createCustomer (orgid: string, input: CustomerInput): HaravanCustomer {
      const shop = store.shop(orgid)
      const c = buildCustomer(shop, input, store.nowIso())
      shop.customers.set(c.id, c)
      emit(shop, 'customers/create', c)
      return c
    },

    updateCustomer (orgid: string, id: number, patch: CustomerInput): HaravanCustomer {
      const shop = store.shop(orgid)
      const c = customer(shop, id)
      patchCustomer(shop, c, patch, store.nowIso())
      emit(shop, 'customers/update', c)
      return c
    },

    deleteCustomer (orgid: string, id: number): void {
      const shop = store.shop(orgid)
      const c = customer(shop, id)
      shop.customers.delete(id)
      emit(shop, 'customers/delete', { id: c.id })
    },

    createOrder (orgid: string, input: OrderInput): HaravanOrder {
      const shop = store.shop(orgid)
      const at = store.nowIso()
      const o = buildOrder(shop, input, at)
      insertOrder(shop, o, at)
      const paid = o.financial_status === 'paid'
      return emitOrder(shop, o, paid ? ['orders/create', 'orders/paid'] : ['orders/create'])
    },

    payOrder (orgid: string, id: number): HaravanOrder {
      const shop = store.shop(orgid)
      const o = markPaid(shop, getOrder(shop, id), store.nowIso())
      return emitOrder(shop, o, ['orders/paid', 'orders/updated'])
    },

    fulfillOrder (orgid: string, id: number): HaravanOrder {
      const shop = store.shop(orgid)
      const o = markFulfilled(shop, getOrder(shop, id), store.nowIso())
      return emitOrder(shop, o, ['orders/fulfilled', 'orders/updated'])
    },

    cancelOrder (orgid: string, id: number, reason?: string): HaravanOrder {
      const shop = store.shop(orgid)
      const o = markCancelled(shop, getOrder(shop, id), store.nowIso(), reason)
      return emitOrder(shop, o, ['orders/cancelled', 'orders/updated'])
    },

    refundOrder (orgid: string, id: number, amount: number): HaravanOrder {
      const shop = store.shop(orgid)
      const o = addRefund(shop, getOrder(shop, id), amount, store.nowIso())
      // refunds/create is only delivered when that topic is configured; orders/updated always is.
      emit(shop, 'refunds/create', o.refunds[o.refunds.length - 1])
      return emitOrder(shop, o, ['orders/updated'])
    },

    deleteOrder (orgid: string, id: number): void {
      const shop = store.shop(orgid)
      const o = getOrder(shop, id)
      shop.orders.delete(id)
      emit(shop, 'orders/delete', { id: o.id })
    }
  }
}
