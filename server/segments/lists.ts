// Member and customer lists: one compiled WHERE, one query for the page, one for the total, keyset batches for exports.
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { formatVietnamPhone } from '../loyalty/phone.ts'
import { DEFAULT_TIERS } from '../loyalty/rules.ts'
import type { ListItem } from '../../api-types/lists.ts'
import { BUILTIN_FILTERS, compileSegment, segmentColumns, type BuiltinFilter } from './compile.ts'

export type Scope = 'members' | 'customers'
export const SORT_FIELDS = ['name', 'totalSpent', 'ordersCount', 'avgOrderValue', 'lastOrderAt', 'memberSince',
  'pointsAvailable', 'pointsPending', 'pointsUsed', 'rankPoints', 'customerId'] as const
export type SortField = typeof SORT_FIELDS[number]

export interface ListFilters {
  q?: string
  filter?: BuiltinFilter
  /** A saved group's definition (already loaded and scoped to the shop). */
  definition?: unknown
  registered?: boolean
}

export interface ListContext { shopId: string, scope: Scope, now: Date, timeZone: string }

export type { ListItem }

// A left join on the customers primary key: Postgres drops it when nothing reads c (fast totals), and every member has its customer.
function fromClause (scope: Scope): SQL {
  return scope === 'members'
    ? sql`members m left join customers c on (c.shop_id = m.shop_id and c.id = m.customer_id)`
    : sql`customers c left join members m on (m.shop_id = c.shop_id and m.customer_id = c.id)`
}
const idColumn = (scope: Scope) => sql.raw(scope === 'members' ? 'm.customer_id' : 'c.id')
const shopColumn = (scope: Scope) => sql.raw(scope === 'members' ? 'm.shop_id' : 'c.shop_id')

/** The WHERE of a list: shop scope AND search AND saved filter AND group AND registered. */
export function listWhere (ctx: ListContext, filters: ListFilters): SQL {
  const opts = { now: ctx.now, timeZone: ctx.timeZone, scope: ctx.scope }
  const parts: SQL[] = [sql`${shopColumn(ctx.scope)} = ${ctx.shopId}`]
  if (filters.q?.trim()) parts.push(compileSegment({ match: 'all', conditions: [{ field: 'text', op: 'contains', value: filters.q }] }, opts))
  if (filters.filter) parts.push(compileSegment(BUILTIN_FILTERS[filters.filter], opts))
  if (filters.definition !== undefined) parts.push(compileSegment(filters.definition, opts))
  if (filters.registered !== undefined) parts.push(filters.registered ? sql`m.customer_id is not null` : sql`m.customer_id is null`)
  return sql.join(parts, sql` and `)
}

function sortExpression (scope: Scope, field: SortField): SQL {
  const col = segmentColumns(scope)
  switch (field) {
    case 'name': return sql.raw('c.full_name')
    case 'memberSince': return sql.raw('m.activated_at')
    case 'pointsAvailable': return sql.raw('m.points_available')
    case 'pointsPending': return sql.raw('m.points_pending')
    case 'pointsUsed': return sql.raw('m.points_used')
    case 'rankPoints': return sql.raw('m.rank_points')
    case 'customerId': return idColumn(scope)
    default: return col[field]
  }
}

const iso = (expr: SQL) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

function selectColumns (scope: Scope): SQL {
  const col = segmentColumns(scope)
  return sql`${idColumn(scope)} as customer_id, coalesce(c.full_name, '') as name,
    coalesce(m.phone_e164, c.phone_e164, c.phone) as phone, coalesce(m.email, c.email) as email,
    m.tier_id, (select t.name from tiers t where t.shop_id = m.shop_id and t.id = m.tier_id) as tier_name,
    m.points_available, m.points_pending, m.points_used, m.rank_points,
    ${col.totalSpent} as total_spent, ${col.ordersCount} as orders_count,
    ${iso(col.lastOrderAt)} as last_order_at, ${iso(sql.raw('m.activated_at'))} as member_since,
    (m.customer_id is not null) as is_member`
}

interface Row {
  customer_id: unknown
  name: string
  phone: string | null
  email: string | null
  tier_id: string | null
  tier_name: string | null
  points_available: unknown
  points_pending: unknown
  points_used: unknown
  rank_points: unknown
  total_spent: unknown
  orders_count: unknown
  last_order_at: string | null
  member_since: string | null
  is_member: boolean
}

function toItem (r: Row): ListItem {
  const totalSpent = Number(r.total_spent ?? 0)
  const ordersCount = Number(r.orders_count ?? 0)
  return {
    customerId: Number(r.customer_id),
    name: r.name,
    phone: r.phone ? formatVietnamPhone(r.phone) : null,
    email: r.email,
    // A shop that never edited its tiers has no tier rows: the defaults are in force, so their names apply.
    tier: r.tier_id ? { id: r.tier_id, name: r.tier_name ?? DEFAULT_TIERS.find((d) => d.id === r.tier_id)?.name ?? r.tier_id } : null,
    pointsAvailable: Number(r.points_available ?? 0),
    pointsPending: Number(r.points_pending ?? 0),
    pointsUsed: Number(r.points_used ?? 0),
    rankPoints: Number(r.rank_points ?? 0),
    totalSpent,
    ordersCount,
    avgOrderValue: ordersCount > 0 ? Math.floor(totalSpent / ordersCount) : 0,
    lastOrderAt: r.last_order_at,
    memberSince: r.member_since,
    isMember: r.is_member === true || (r.is_member as unknown) === 't',
  }
}

export interface PageRequest { page: number, limit: number, sort: SortField, direction: 'asc' | 'desc' }

/** One page and the total; the two queries run side by side (two pool connections on Postgres). */
export async function listPage (db: Db, ctx: ListContext, filters: ListFilters, page: PageRequest): Promise<{ items: ListItem[], total: number }> {
  const where = listWhere(ctx, filters)
  // Non-null columns sort without a nulls clause, so an index on (shop_id, column, customer_id) serves them in either direction.
  const nullable = page.sort === 'lastOrderAt' || page.sort === 'avgOrderValue' || page.sort === 'name' || ctx.scope === 'customers'
  const dir = sql.raw(`${page.direction}${nullable ? ' nulls last' : ''}`)
  const tieDir = dir
  const pageQuery = sql`select ${selectColumns(ctx.scope)} from ${fromClause(ctx.scope)} where ${where}
    order by ${sortExpression(ctx.scope, page.sort)} ${dir}, ${idColumn(ctx.scope)} ${tieDir}
    limit ${page.limit} offset ${(page.page - 1) * page.limit}`
  const [rows, total] = await Promise.all([
    queryRows<Row>(db, pageQuery),
    countMatching(db, ctx, where),
  ])
  return { items: rows.map(toItem), total }
}

export async function countMatching (db: Db, ctx: ListContext, where: SQL): Promise<number> {
  const [row] = await queryRows<{ n: unknown }>(db, sql`select count(*)::int as n from ${fromClause(ctx.scope)} where ${where}`)
  return Number(row?.n ?? 0)
}

/** Every matching row in customer-id order, `batchSize` at a time (keyset): memory stays flat whatever the size. */
export async function * listBatches (db: Db, ctx: ListContext, filters: ListFilters, batchSize = 1000): AsyncGenerator<ListItem[]> {
  const where = listWhere(ctx, filters)
  let after = -1
  for (;;) {
    const rows = await queryRows<Row>(db, sql`select ${selectColumns(ctx.scope)} from ${fromClause(ctx.scope)}
      where ${where} and ${idColumn(ctx.scope)} > ${after} order by ${idColumn(ctx.scope)} limit ${batchSize}`)
    if (rows.length === 0) return
    const items = rows.map(toItem)
    yield items
    if (rows.length < batchSize) return
    after = items[items.length - 1]!.customerId
  }
}
