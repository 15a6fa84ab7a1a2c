// /com/discounts…json: create (or 403 when the shop refuses the scope), list, enable, disable, delete.
import { json, parseJsonBody, type Ctx, type Router } from './http.ts'
import { idParam, notFound, restRoute, unprocessable, type RestDeps } from './rest.ts'
import { nextId, type ShopState } from './store.ts'
import type { HaravanDiscount } from '../../server/haravan/wire.ts'

const SCOPE = 'com.write_discounts'
const TYPES = new Set(['fixed_amount', 'percentage', 'shipping'])

function numOrNull (v: unknown): number | null {
  return v === null || v === undefined || v === '' ? null : Number(v)
}

function buildDiscount (shop: ShopState, d: Record<string, unknown>, at: string): HaravanDiscount {
  return {
    id: nextId(shop, 'discount'),
    code: String(d.code),
    discount_type: d.discount_type as HaravanDiscount['discount_type'],
    value: Number(d.value ?? 0),
    starts_at: typeof d.starts_at === 'string' ? d.starts_at : at,
    ends_at: typeof d.ends_at === 'string' ? d.ends_at : null,
    usage_limit: numOrNull(d.usage_limit),
    times_used: 0,
    once_per_customer: d.once_per_customer === true,
    minimum_order_amount: numOrNull(d.minimum_order_amount),
    applies_to_resource: typeof d.applies_to_resource === 'string' ? d.applies_to_resource : null,
    entitled_customer_ids: Array.isArray(d.entitled_customer_ids) ? d.entitled_customer_ids.map(Number) : [],
    status: 'enabled',
    created_at: at,
    updated_at: at
  }
}

function validate (shop: ShopState, d: Record<string, unknown> | undefined): Record<string, string[]> | undefined {
  if (!d) return { discount: ['Required parameter missing or invalid'] }
  if (typeof d.code !== 'string' || d.code.trim() === '') return { code: ["can't be blank"] }
  const code = d.code.toLowerCase()
  for (const x of shop.discounts.values()) if (x.code.toLowerCase() === code) return { code: ['has already been taken'] }
  if (!TYPES.has(String(d.discount_type))) return { discount_type: ['is not included in the list'] }
  if (d.discount_type !== 'shipping' && !(Number(d.value) > 0)) return { value: ['must be greater than 0'] }
  return undefined
}

function setStatus (deps: RestDeps, status: HaravanDiscount['status']) {
  return restRoute(deps, SCOPE, (ctx: Ctx, shop) => {
    const d = shop.discounts.get(idParam(ctx))
    if (!d) return notFound()
    d.status = status
    d.updated_at = deps.store.nowIso()
    return json(200, { discount: d })
  })
}

export function registerDiscounts (router: Router, deps: RestDeps): void {
  router
    .add('POST', /^\/com\/discounts\.json$/, restRoute(deps, SCOPE, (ctx, shop) => {
      if (!shop.discountsAllowed) {
        return json(403, { errors: '[API] This action requires merchant approval for com.write_discounts scope.' })
      }
      const body = parseJsonBody(ctx)?.discount
      const input = body && typeof body === 'object' && !Array.isArray(body) ? body as Record<string, unknown> : undefined
      const errors = validate(shop, input)
      if (errors || !input) return unprocessable(errors ?? {})
      const d = buildDiscount(shop, input, deps.store.nowIso())
      shop.discounts.set(d.id, d)
      return json(201, { discount: d })
    }))
    .add('GET', /^\/com\/discounts\.json$/, restRoute(deps, SCOPE, (_ctx, shop) =>
      json(200, { discounts: [...shop.discounts.values()] })))
    .add('GET', /^\/com\/discounts\/(\d+)\.json$/, restRoute(deps, SCOPE, (ctx, shop) => {
      const d = shop.discounts.get(idParam(ctx))
      return d ? json(200, { discount: d }) : notFound()
    }))
    .add('PUT', /^\/com\/discounts\/(\d+)\/enable\.json$/, setStatus(deps, 'enabled'))
    .add('PUT', /^\/com\/discounts\/(\d+)\/disable\.json$/, setStatus(deps, 'disabled'))
    .add('DELETE', /^\/com\/discounts\/(\d+)\.json$/, restRoute(deps, SCOPE, (ctx, shop) =>
      shop.discounts.delete(idParam(ctx)) ? json(200, {}) : notFound()))
}
