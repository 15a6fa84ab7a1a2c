// /com/customers…json: list, count, search, read, create, update, delete.
import type { Actions } from './actions.ts'
import { json, parseJsonBody, type Ctx, type Reply, type Router } from './http.ts'
import { filterCommon, paginate, pickFields, sortList } from './list.ts'
import { idParam, notFound, restRoute, unprocessable, type RestDeps } from './rest.ts'
import type { ShopState } from './store.ts'
import type { HaravanCustomer } from '../../server/haravan/wire.ts'
import type { CustomerInput } from './types.ts'

const READ = 'com.read_customers'
const WRITE = 'com.write_customers'

function fold (s: string | null | undefined): string {
  return (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase()
}

// Free text matches name, email or phone; `field:value` narrows to one field, like Haravan's admin search.
function matchesQuery (c: HaravanCustomer, query: string): boolean {
  return query.split(/\s+/).filter(Boolean).every((term) => {
    const m = /^(\w+):(.*)$/.exec(term)
    if (m?.[1] && m[1] in c) return fold(String((c as unknown as Record<string, unknown>)[m[1]] ?? '')).includes(fold(m[2]))
    const hay = fold([c.first_name, c.last_name, c.email, c.phone, c.tags].join(' '))
    return hay.includes(fold(term))
  })
}

function duplicateErrors (shop: ShopState, input: CustomerInput, selfId?: number): Record<string, string[]> | undefined {
  for (const c of shop.customers.values()) {
    if (c.id === selfId) continue
    if (input.email && c.email && c.email.toLowerCase() === input.email.toLowerCase()) return { email: ['has already been taken'] }
    if (input.phone && c.phone === input.phone) return { phone: ['has already been taken'] }
  }
  return undefined
}

function customerInput (ctx: Ctx): CustomerInput | undefined {
  const body = parseJsonBody(ctx)
  const c = body?.customer
  return c && typeof c === 'object' && !Array.isArray(c) ? c as CustomerInput : undefined
}

function list (deps: RestDeps, ctx: Ctx, shop: ShopState, search: boolean): Reply {
  let items = filterCommon(shop.customers.values(), ctx.query)
  const query = ctx.query.get('query')
  if (search && query) items = items.filter((c) => matchesQuery(c, query))
  const page = paginate(sortList(items, ctx.query.get('order')), ctx.query, deps.pageLimit)
  return json(200, { customers: page.map((c) => pickFields(c, ctx.query)) })
}

export function registerCustomers (router: Router, deps: RestDeps, actions: Actions): void {
  router
    .add('GET', /^\/com\/customers\.json$/, restRoute(deps, READ, (ctx, shop) => list(deps, ctx, shop, false)))
    .add('GET', /^\/com\/customers\/search\.json$/, restRoute(deps, READ, (ctx, shop) => list(deps, ctx, shop, true)))
    .add('GET', /^\/com\/customers\/count\.json$/, restRoute(deps, READ, (ctx, shop) =>
      json(200, { count: filterCommon(shop.customers.values(), ctx.query).length })))
    .add('GET', /^\/com\/customers\/(\d+)\.json$/, restRoute(deps, READ, (ctx, shop) => {
      const c = shop.customers.get(idParam(ctx))
      return c ? json(200, { customer: pickFields(c, ctx.query) }) : notFound()
    }))
    .add('POST', /^\/com\/customers\.json$/, restRoute(deps, WRITE, (ctx, shop) => {
      const input = customerInput(ctx)
      if (!input) return unprocessable({ customer: ['Required parameter missing or invalid'] })
      if (!input.email && !input.phone && !input.first_name && !input.last_name) {
        return unprocessable({ base: ['A customer needs a name, an email or a phone'] })
      }
      const dup = duplicateErrors(shop, input)
      if (dup) return unprocessable(dup)
      const { id: _ignored, ...rest } = input
      return json(201, { customer: actions.createCustomer(shop.orgid, rest) })
    }))
    .add('PUT', /^\/com\/customers\/(\d+)\.json$/, restRoute(deps, WRITE, (ctx, shop) => {
      const id = idParam(ctx)
      if (!shop.customers.has(id)) return notFound()
      const input = customerInput(ctx)
      if (!input) return unprocessable({ customer: ['Required parameter missing or invalid'] })
      const dup = duplicateErrors(shop, input, id)
      if (dup) return unprocessable(dup)
      return json(200, { customer: actions.updateCustomer(shop.orgid, id, input) })
    }))
    .add('DELETE', /^\/com\/customers\/(\d+)\.json$/, restRoute(deps, WRITE, (ctx, shop) => {
      const id = idParam(ctx)
      if (!shop.customers.has(id)) return notFound()
      for (const o of shop.orders.values()) {
        if (o.customer?.id === id) return unprocessable({ base: ['Customer has orders and cannot be deleted'] })
      }
      actions.deleteCustomer(shop.orgid, id)
      return json(200, {})
    }))
}
