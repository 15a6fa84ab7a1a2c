// Segment compiler: validation names the bad field/operator, and values only ever travel as bind parameters.
import t from 'tap'
import fc from 'fast-check'
import { PgDialect } from 'drizzle-orm/pg-core'
import { BUILTIN_FILTERS, compileSegment, FIELDS } from '../../server/segments/compile.ts'
import { startOfLocalDay } from '../../server/segments/time.ts'
import { normalizeSearchText } from '../../server/segments/search.ts'

const dialect = new PgDialect()
const opts = { now: new Date('2025-10-15T03:00:00Z'), timeZone: 'Asia/Ho_Chi_Minh' }
const render = (def: unknown, o: Partial<typeof opts & { scope: 'members' | 'customers' }> = {}) => dialect.sqlToQuery(compileSegment(def, { ...opts, ...o }))

t.test('the contract example compiles to parameters', async (t) => {
  const q = render({ match: 'all', conditions: [{ field: 'birthdayMonth', op: 'eq', value: 10 }, { field: 'totalSpent', op: 'gte', value: 5000000 }] })
  t.match(q.sql, /extract\(month from c\.birthday\) = \$1/)
  t.match(q.sql, / and /)
  t.same(q.params, [10, 5000000])
  t.notMatch(q.sql, /5000000/)
})

t.test('any joins with or; empty conditions match everything', async (t) => {
  t.match(render({ match: 'any', conditions: [{ field: 'ordersCount', op: 'gt', value: 1 }, { field: 'gender', op: 'eq', value: 'female' }] }).sql, / or /)
  t.equal(render({ match: 'all', conditions: [] }).sql, 'true')
})

t.test('member figures first, Haravan figures for non-members; members scope uses the member columns', async (t) => {
  const def = { match: 'all', conditions: [{ field: 'totalSpent', op: 'gte', value: 1 }] }
  t.match(render(def).sql, /case when m\.customer_id is null then c\.haravan_total_spent else m\.total_spent end/)
  t.match(render(def, { scope: 'members' }).sql, /^\(m\.total_spent >= \$1\)$/)
})

t.test('unknown field or operator → 400 naming it', async (t) => {
  t.throws(() => render({ match: 'all', conditions: [{ field: 'favouriteColour', op: 'eq', value: 1 }] }), { statusCode: 400, message: /favouriteColour/ })
  t.throws(() => render({ match: 'all', conditions: [{ field: 'totalSpent', op: 'like', value: 1 }] }), { statusCode: 400, message: /"like"/ })
  t.throws(() => render({ match: 'all', conditions: [{ field: 'totalSpent', op: 'contains', value: 1 }] }), { statusCode: 400, message: /totalSpent.*contains/ })
  t.throws(() => render({ match: 'all', conditions: [{ field: 'birthdayMonth', op: 'eq', value: 13 }] }), { statusCode: 400, message: /birthdayMonth/ })
  t.throws(() => render({ match: 'all', conditions: [{ field: 'totalSpent', op: 'gte', value: '5000000; drop table members' }] }), { statusCode: 400, message: /totalSpent/ })
  t.throws(() => render({ match: 'all', conditions: [{ field: 'lastOrderDaysAgo', op: 'lte', value: 1e9 }] }), { statusCode: 400, message: /lastOrderDaysAgo/ })
  t.throws(() => render({ match: 'some', conditions: [] }), { statusCode: 400, message: /match/ })
  t.throws(() => render({ match: 'all', conditions: [{ field: 'gender', op: 'eq', value: 'other' }] }), { statusCode: 400, message: /gender/ })
})

t.test('lastOrderDaysAgo becomes bounds at local midnights of the shop', async (t) => {
  // 2025-10-15 10:00 in Hồ Chí Minh; today starts at 2025-10-14T17:00Z.
  t.equal(startOfLocalDay(opts.now, opts.timeZone, 0).toISOString(), '2025-10-14T17:00:00.000Z')
  t.equal(startOfLocalDay(new Date('2025-10-14T18:00:00Z'), opts.timeZone, 0).toISOString(), '2025-10-14T17:00:00.000Z')
  t.equal(startOfLocalDay(opts.now, 'UTC', -7).toISOString(), '2025-10-08T00:00:00.000Z')
  const q = render(BUILTIN_FILTERS.last_7_days)
  t.match(q.sql, />= \$1/)
  t.same(q.params[0], '2025-10-07T17:00:00.000Z')
  const inactive = render(BUILTIN_FILTERS.inactive_31_days)
  t.match(inactive.sql, /< \$1/)
  // 31+ days ago: before the start of the day 30 days ago.
  t.same(inactive.params[0], '2025-09-14T17:00:00.000Z')
})

t.test('text search normalises like search_text and also matches a phone exactly', async (t) => {
  t.equal(normalizeSearchText('  Nguyễn Thị MÃI  Đào '), 'nguyen thi mai dao')
  const q = render({ match: 'all', conditions: [{ field: 'text', op: 'contains', value: '+84 912 345 678' }] })
  t.same(q.params, ['%84912345678%', '+84912345678'])
  const like = render({ match: 'all', conditions: [{ field: 'text', op: 'contains', value: '50%_off' }] })
  t.same(like.params, ['%50\\%\\_off%'])
})

// Values that cannot occur in the SQL text by accident (digits long enough not to look like $n, a marker prefix).
const stringValue = fc.string({ minLength: 1, maxLength: 30 }).map((s) => `zq${s}'--`)
const intValue = fc.integer({ min: 100000, max: 1e12 })
const condition = fc.oneof(
  fc.record({ field: fc.constant('lastOrderDaysAgo'), op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'), value: fc.integer({ min: 1000, max: 36500 }) }),
  fc.record({ field: fc.constantFrom('ordersCount', 'totalSpent', 'avgOrderValue', 'pointsAvailable', 'rankPoints'), op: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte'), value: intValue }),
  fc.record({ field: fc.constantFrom('province', 'tier'), op: fc.constantFrom('eq', 'neq'), value: stringValue }),
  fc.record({ field: fc.constant('province'), op: fc.constant('contains'), value: stringValue }),
  fc.record({ field: fc.constantFrom('tags', 'province', 'tier'), op: fc.constant('in'), value: fc.array(stringValue, { minLength: 1, maxLength: 4 }) }),
  fc.record({ field: fc.constant('tags'), op: fc.constantFrom('contains', 'neq'), value: stringValue }),
  fc.record({ field: fc.constant('text'), op: fc.constant('contains'), value: stringValue }),
)

t.test('property: no value ever appears in the SQL text', async (t) => {
  fc.assert(fc.property(fc.constantFrom('all', 'any'), fc.array(condition, { minLength: 1, maxLength: 6 }), fc.constantFrom('members', 'customers'), (match, conditions, scope) => {
    const q = render({ match, conditions }, { scope: scope as 'members' | 'customers' })
    for (const c of conditions) {
      for (const v of [c.value].flat()) {
        const text = String(v).trim()
        if (q.sql.includes(text) || q.sql.includes(text.toLowerCase())) return false
      }
    }
    return q.params.length >= conditions.length
  }), { numRuns: 500 })
  t.pass()
})

t.test('every field has at least one valid operator', async (t) => {
  t.equal(FIELDS.length, 13)
})
