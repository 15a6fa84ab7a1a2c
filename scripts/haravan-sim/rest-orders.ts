// /com/orders…json (list, count, read, refunds) and /com/shop.json.
import { json, type Ctx, type Router } from './http.ts'
import { filterCommon, paginate, pickFields, sortList } from './list.ts'
import { orderView } from './orders.ts'
import { idParam, notFound, restRoute, type RestDeps } from './rest.ts'
import { shopResource, type ShopState } from './store.ts'
import type { HaravanOrder } from '../../server/haravan/wire.ts'

const READ = 'com.read_orders'

// Like Shopify's, the orders list defaults to status=open (neither cancelled nor closed):
// a full sync must ask for status=any.
function statusMatches (o: HaravanOrder, status: string): boolean {
  switch (status) {
    case 'any': return true
    case 'cancelled': return o.cancelled_at !== null
    case 'closed': return o.closed_status === 'closed'
    default: return o.cancelled_at === null && o.closed_status !== 'closed'
  }
}

function filterOrders (shop: ShopState, q: URLSearchParams): HaravanOrder[] {
  const status = q.get('status') ?? 'open'
  const financial = q.get('financial_status')
  const fulfillment = q.get('fulfillment_status')
  return filterCommon(shop.orders.values(), q).filter((o) =>
    statusMatches(o, status) &&
    (!financial || financial === 'any' || financial.split(',').includes(o.financial_status)) &&
    (!fulfillment || fulfillment === 'any' || fulfillment.split(',').includes(o.fulfillment_status)))
}

function withOrder (ctx: Ctx, shop: ShopState, pick: (o: HaravanOrder) => unknown) {
  const o = shop.orders.get(idParam(ctx))
  return o ? json(200, pick(orderView(shop, o))) : notFound()
}

export function registerOrders (router: Router, deps: RestDeps): void {
  router
    .add('GET', /^\/com\/orders\.json$/, restRoute(deps, READ, (ctx, shop) => {
      const page = paginate(sortList(filterOrders(shop, ctx.query), ctx.query.get('order')), ctx.query, deps.pageLimit)
      return json(200, { orders: page.map((o) => pickFields(orderView(shop, o), ctx.query)) })
    }))
    .add('GET', /^\/com\/orders\/count\.json$/, restRoute(deps, READ, (ctx, shop) =>
      json(200, { count: filterOrders(shop, ctx.query).length })))
    .add('GET', /^\/com\/orders\/(\d+)\.json$/, restRoute(deps, READ, (ctx, shop) =>
      withOrder(ctx, shop, (o) => ({ order: pickFields(o, ctx.query) }))))
    .add('GET', /^\/com\/orders\/(\d+)\/refunds\.json$/, restRoute(deps, READ, (ctx, shop) =>
      withOrder(ctx, shop, (o) => ({ refunds: o.refunds }))))
    .add('GET', /^\/com\/shop\.json$/, restRoute(deps, 'com.read_shop', (_ctx, shop) =>
      json(200, { shop: shopResource(shop) })))
}
