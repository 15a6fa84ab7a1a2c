// compileSql gives exactly what drizzle's PgDialect.sqlToQuery gives, for any template: the chunks it compiles itself
// (text, nested templates, plain values, columns and tables) and the ones it hands back to drizzle (identifiers,
// Params, arrays, dates, inlined templates), at any depth and in any mix.
import t from 'tap'
import fc from 'fast-check'
import { Param, sql, type SQL } from 'drizzle-orm'
import { bigint, integer, PgDialect, pgTable, text } from 'drizzle-orm/pg-core'
import { compileSql } from '../../db/compile.ts'
import { members } from '../../db/schema/index.ts'

const dialect = new PgDialect()
const sample = pgTable('sample "table"', { id: bigint('id', { mode: 'number' }), name: text('na"me'), n: integer('n') })

const plainValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt(),
)
// Columns and tables (compiled by name), and what compileSql hands back to drizzle.
const otherChunk = fc.oneof(
  fc.constant(sample.id),
  fc.constant(sample.name),
  fc.constant(members.totalSpent),
  fc.constant(sample),
  fc.string().map(s => sql.identifier(s)),
  fc.string().map(s => new Param(s)),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.date({ noInvalidDate: true }),
  fc.constant(undefined),
)

/** A template of literal text and `leaf`s, nested through sql`…`, sql.join, sql.raw, sql.empty and inlined templates. */
function template (leaf: fc.Arbitrary<unknown>): fc.Arbitrary<SQL> {
  const { node } = fc.letrec<{ node: SQL }>(tie => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string().map(s => sql.raw(s)),
      fc.constant(sql.empty()),
      fc.tuple(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.array(fc.oneof(leaf, tie('node')), { maxLength: 4 }))
        .map(([strings, values]) => {
          const parts = strings.slice(0, values.length + 1)
          while (parts.length < values.length + 1) parts.push('')
          return sql(Object.assign([...parts], { raw: parts }) as unknown as TemplateStringsArray, ...values)
        }),
      fc.array(fc.oneof(leaf, tie('node')), { maxLength: 4 }).chain(items =>
        fc.string().map(sep => sql.join(items.map(i => (isSql(i) ? i : sql`${i}`)), sql.raw(sep)))),
      tie('node').map(inner => sql`(${inner})`.inlineParams()),
    ),
  }))
  return node
}

const isSql = (v: unknown): v is SQL => typeof v === 'object' && v !== null && 'queryChunks' in v

/** The compiled query, or the error's message: drizzle refuses some templates (a bigint inlined), and so must we. */
const outcome = (compile: () => { sql: string, params: unknown[] }) => {
  try {
    return compile()
  } catch (err) {
    return (err as Error).message
  }
}

const same = (q: SQL) => {
  const ours = outcome(() => compileSql(q))
  const theirs = outcome(() => dialect.sqlToQuery(q))
  if (typeof ours === 'string' || typeof theirs === 'string') return ours === theirs
  return ours.sql === theirs.sql && ours.params.length === theirs.params.length && ours.params.every((p, i) => Object.is(p, theirs.params[i]))
}

t.test('templates of text, nested templates and plain values compile to drizzle\'s text and parameters', async t => {
  fc.assert(fc.property(template(plainValue), same), { numRuns: 2000 })
  t.pass()
})

t.test('templates with columns, tables, identifiers, Params, arrays and dates anywhere compile to drizzle\'s output', async t => {
  fc.assert(fc.property(template(fc.oneof(plainValue, otherChunk)), same), { numRuns: 2000 })
  t.pass()
})

t.test('the values of a template become $1, $2… in order, nested ones included; columns and tables their names', async t => {
  const q = sql`select ${1}, ${sql`${'a'} || ${sql.raw('x')} ${null}`} from ${sample} where ${true} and ${sample.name} = ${2n}`
  const table = '"sample ""table"""'
  t.same(compileSql(q), { sql: `select $1, $2 || x $3 from ${table} where $4 and ${table}."na""me" = $5`, params: [1, 'a', null, true, 2n] })
})
