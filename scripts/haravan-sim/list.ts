// The list conventions shared by customers and orders: since_id, date windows, order, page/limit, fields.
export interface Listable { id: number, created_at: string, updated_at: string }

function dateParam (q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name)
  if (!v) return undefined
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : t
}

function within (iso: string, min: number | undefined, max: number | undefined): boolean {
  const t = Date.parse(iso)
  return (min === undefined || t >= min) && (max === undefined || t <= max)
}

/** since_id and the created_at/updated_at windows (bounds inclusive). */
export function filterCommon<T extends Listable> (items: Iterable<T>, q: URLSearchParams): T[] {
  const sinceId = Number(q.get('since_id') ?? 0) || 0
  const cMin = dateParam(q, 'created_at_min')
  const cMax = dateParam(q, 'created_at_max')
  const uMin = dateParam(q, 'updated_at_min')
  const uMax = dateParam(q, 'updated_at_max')
  const ids = q.get('ids')?.split(',').map(Number)
  const out: T[] = []
  for (const it of items) {
    if (it.id <= sinceId) continue
    if (ids && !ids.includes(it.id)) continue
    if (!within(it.created_at, cMin, cMax) || !within(it.updated_at, uMin, uMax)) continue
    out.push(it)
  }
  return out
}

/** `order=updated_at asc` (or created_at/id, asc/desc); id ascending by default, id breaks ties. */
export function sortList<T extends Listable> (items: T[], order: string | null): T[] {
  const [field = 'id', dir = 'asc'] = (order ?? 'id asc').trim().split(/\s+/)
  const sign = dir.toLowerCase() === 'desc' ? -1 : 1
  const key = (it: T): number => field === 'updated_at' ? Date.parse(it.updated_at) : field === 'created_at' ? Date.parse(it.created_at) : it.id
  return [...items].sort((a, b) => (key(a) - key(b)) * sign || a.id - b.id)
}

/** page counts from 1; limit defaults to and is clamped at the page limit (50 on Haravan). */
export function paginate<T> (items: T[], q: URLSearchParams, pageLimit: number): T[] {
  const page = Math.max(1, Math.floor(Number(q.get('page') ?? 1)) || 1)
  const asked = Math.floor(Number(q.get('limit') ?? pageLimit)) || pageLimit
  const limit = Math.min(Math.max(1, asked), pageLimit)
  return items.slice((page - 1) * limit, page * limit)
}

export function pickFields<T extends object> (item: T, q: URLSearchParams): Partial<T> | T {
  const fields = q.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean)
  if (!fields || fields.length === 0) return item
  const out: Record<string, unknown> = {}
  for (const f of fields) if (f in item) out[f] = (item as Record<string, unknown>)[f]
  return out as Partial<T>
}
