// Segment definitions (CONTRACT.md) → one parameterised SQL WHERE fragment over customers c left join members m.
import { sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { BadRequestError } from '../errors.ts'
import { escapeLike, normalizeSearchText, phoneSearch } from './search.ts'
import { startOfLocalDay } from './time.ts'
import { conditionSchema, definitionSchema, FIELDS, OPERATORS, type Condition, type Definition, type Field, type Operator, type SegmentDefinition } from '../../api-types/segments.ts'

export { conditionSchema, definitionSchema, FIELDS, OPERATORS } from '../../api-types/segments.ts'
export type { Condition, Definition, Field, Operator, SegmentDefinition } from '../../api-types/segments.ts'

export interface CompileOptions {
  now: Date
  timeZone: string
  /** 'members' when the base query inner-joins members (every m.* is present): lets indexes on members work. */
  scope?: 'members' | 'customers'
}

type Kind = 'int' | 'days' | 'month' | 'string' | 'gender' | 'memberStatus' | 'text'
const COMPARE = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const
const RULES: Record<Field, { kind: Kind, ops: readonly Operator[] }> = {
  lastOrderDaysAgo: { kind: 'days', ops: COMPARE },
  ordersCount: { kind: 'int', ops: COMPARE },
  totalSpent: { kind: 'int', ops: COMPARE },
  avgOrderValue: { kind: 'int', ops: COMPARE },
  pointsAvailable: { kind: 'int', ops: COMPARE },
  rankPoints: { kind: 'int', ops: COMPARE },
  birthdayMonth: { kind: 'month', ops: [...COMPARE, 'in'] },
  tier: { kind: 'string', ops: ['eq', 'neq', 'in'] },
  gender: { kind: 'gender', ops: ['eq', 'neq', 'in'] },
  province: { kind: 'string', ops: ['eq', 'neq', 'in', 'contains'] },
  tags: { kind: 'string', ops: ['contains', 'neq', 'in'] },
  memberStatus: { kind: 'memberStatus', ops: ['eq', 'neq'] },
  text: { kind: 'text', ops: ['contains'] },
}

const VALUE: Record<Kind, z.ZodType> = {
  int: z.number().int().min(-1e15).max(1e15),
  days: z.number().int().min(0).max(36500),
  month: z.number().int().min(1).max(12),
  string: z.string().trim().min(1).max(200),
  gender: z.enum(['male', 'female', 'unknown']),
  memberStatus: z.enum(['member', 'not_member']),
  text: z.string().trim().min(1).max(200),
}

/** Built-in saved filters (Bộ lọc đã lưu), as definitions so they run through the same compiler. */
export const BUILTIN_FILTERS = {
  last_7_days: { match: 'all', conditions: [{ field: 'lastOrderDaysAgo', op: 'lte', value: 7 }] },
  last_30_days: { match: 'all', conditions: [{ field: 'lastOrderDaysAgo', op: 'lte', value: 30 }] },
  inactive_31_days: { match: 'all', conditions: [{ field: 'lastOrderDaysAgo', op: 'gte', value: 31 }] },
  registered: { match: 'all', conditions: [{ field: 'memberStatus', op: 'eq', value: 'member' }] },
  not_registered: { match: 'all', conditions: [{ field: 'memberStatus', op: 'eq', value: 'not_member' }] },
} as const satisfies Record<string, SegmentDefinition>
export type BuiltinFilter = keyof typeof BUILTIN_FILTERS
export const BUILTIN_FILTER_NAMES = Object.keys(BUILTIN_FILTERS) as [BuiltinFilter, ...BuiltinFilter[]]

/** Validates a definition: unknown field/operator or a wrong value → BadRequestError naming it. */
export function parseDefinition (input: unknown): Definition {
  const parsed = definitionSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new BadRequestError(`Điều kiện lọc không hợp lệ: ${issue?.path.join(' › ') ?? ''} ${issue?.message ?? ''}`)
  }
  for (const [i, c] of parsed.data.conditions.entries()) checkCondition(c, i)
  return parsed.data as Definition
}

function checkCondition (c: z.infer<typeof conditionSchema>, index: number): void {
  if (!(FIELDS as readonly string[]).includes(c.field)) {
    throw new BadRequestError(`Trường lọc không hợp lệ: "${c.field}" (điều kiện ${index + 1})`)
  }
  const rule = RULES[c.field as Field]
  if (!(OPERATORS as readonly string[]).includes(c.op)) {
    throw new BadRequestError(`Phép so sánh không hợp lệ: "${c.op}" (điều kiện ${index + 1})`)
  }
  if (!rule.ops.includes(c.op as Operator)) {
    throw new BadRequestError(`Trường "${c.field}" không dùng được phép so sánh "${c.op}" (điều kiện ${index + 1})`)
  }
  const schema = c.op === 'in' ? z.array(VALUE[rule.kind]).min(1).max(100) : VALUE[rule.kind]
  if (!schema.safeParse(c.value).success) {
    throw new BadRequestError(`Giá trị không hợp lệ cho trường "${c.field}" (điều kiện ${index + 1})`)
  }
}

/** Column expressions (fixed SQL, never user input): a member's own figures, else Haravan's. */
export function segmentColumns (scope: 'members' | 'customers') {
  const memberOr = (memberCol: string, customerCol: string) => scope === 'members'
    ? sql.raw(memberCol)
    : sql.raw(`(case when m.customer_id is null then ${customerCol} else ${memberCol} end)`)
  const totalSpent = memberOr('m.total_spent', 'c.haravan_total_spent')
  const ordersCount = memberOr('m.orders_count', 'c.haravan_orders_count')
  return {
    totalSpent,
    ordersCount,
    lastOrderAt: memberOr('m.last_order_at', 'c.last_order_at'),
    avgOrderValue: sql`(${totalSpent} / nullif(${ordersCount}, 0))`,
    pointsAvailable: sql.raw('m.points_available'),
    rankPoints: sql.raw('m.rank_points'),
    // Members keep a copy of the month (one table with total_spent: members_birthday_spent_idx); customers
    // use the expression of customers_birthday_month_idx.
    birthdayMonth: sql.raw(scope === 'members' ? 'm.birthday_month' : 'extract(month from c.birthday)'),
    tier: sql.raw('m.tier_id'),
    gender: sql.raw('c.gender'),
    province: sql.raw('c.province'),
  }
}

const CMP: Record<typeof COMPARE[number], string> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }

function compare (expr: SQL, op: string, value: unknown): SQL {
  if (op === 'in') return sql`${expr} in (${sql.join((value as unknown[]).map((v) => sql`${v}`), sql`, `)})`
  return sql`${expr} ${sql.raw(CMP[op as keyof typeof CMP])} ${value}`
}

// "N days ago" in calendar days of the shop: bounds on the timestamp itself, so an index on last_order_at serves it.
function daysAgo (expr: SQL, op: string, n: number, opts: CompileOptions): SQL {
  // ISO text with a cast: both drivers bind it the same way (a Date object is serialised differently by each).
  const dayStart = (ago: number) => sql`${startOfLocalDay(opts.now, opts.timeZone, -ago).toISOString()}::timestamptz`
  const atMost = (k: number) => sql`${expr} >= ${dayStart(k)}`
  const atLeast = (k: number) => sql`${expr} < ${dayStart(k - 1)}`
  switch (op) {
    case 'lte': return atMost(n)
    case 'lt': return atMost(n - 1)
    case 'gte': return atLeast(n)
    case 'gt': return atLeast(n + 1)
    case 'eq': return sql`(${atMost(n)} and ${atLeast(n)})`
    default: return sql`(${expr} < ${dayStart(n)} or ${expr} >= ${dayStart(n - 1)})`
  }
}

// search_text already holds the phone as 0912345678 and 84912345678; an exact E.164 match also finds an oddly stored one.
function textSearch (value: string): SQL {
  const parts: SQL[] = []
  const key = normalizeSearchText(value)
  if (key) parts.push(sql`c.search_text like ${`%${escapeLike(key)}%`}`)
  const phone = phoneSearch(value)
  if (phone?.e164) parts.push(sql`c.phone_e164 = ${phone.e164}`)
  // search_text holds only the email's local part, so a query with '@' is an email search.
  if (value.includes('@')) parts.push(sql`lower(c.email) like ${`%${escapeLike(value.trim().toLowerCase())}%`}`)
  if (parts.length === 0) return sql`true`
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`
}

function compileCondition (c: Condition, opts: CompileOptions): SQL {
  const col = segmentColumns(opts.scope ?? 'customers')
  const field = c.field as Field
  const value = c.value
  switch (field) {
    case 'lastOrderDaysAgo': return daysAgo(col.lastOrderAt, c.op, value as number, opts)
    case 'memberStatus': {
      const wantMember = (value === 'member') === (c.op === 'eq')
      return wantMember ? sql`m.customer_id is not null` : sql`m.customer_id is null`
    }
    case 'text': return textSearch(value as string)
    case 'tags':
      if (c.op === 'in') return sql`c.tags && ${sql`array[${sql.join((value as string[]).map((v) => sql`${v}`), sql`, `)}]::text[]`}`
      if (c.op === 'neq') return sql`not (${value} = any(c.tags))`
      return sql`${value} = any(c.tags)`
    case 'province':
      if (c.op === 'contains') return sql`c.province ilike ${`%${escapeLike(value as string)}%`}`
      return compare(col.province, c.op, value)
    default:
      return compare(col[field], c.op, value)
  }
}

/** The WHERE fragment for a definition; values travel only as bind parameters. Empty → true. */
export function compileSegment (definition: unknown, opts: CompileOptions): SQL {
  const def = parseDefinition(definition)
  if (def.conditions.length === 0) return sql`true`
  const parts = def.conditions.map((c) => compileCondition(c, opts))
  return sql`(${sql.join(parts, def.match === 'all' ? sql` and ` : sql` or `)})`
}
