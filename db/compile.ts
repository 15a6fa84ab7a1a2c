// SQL → text and parameters for the hot statements, as drizzle's PgDialect.sqlToQuery makes them, in one pass.
/*
 * Why: the webhook batch's statements are drizzle `sql` templates of a few hundred chunks. drizzle compiles them by a
 * recursive walk that tries a dozen entity checks on every chunk and allocates a result object per chunk: ~0.08 ms a
 * statement, and drizzle was 8 % of the app's busy time under real traffic (2 % since: docs/BENCHMARKS.md,
 * "Webhooks"). Those templates hold only four kinds of chunk: literal text, nested templates, plain values
 * (parameters) and columns or tables of the schema (whose text drizzle makes once for each, kept here). This walk
 * handles exactly those and hands anything else (identifiers, drizzle Params, arrays, dates, objects, inlined
 * templates) back to drizzle for the whole statement, so its output is always drizzle's
 * (test/db/compile.property.test.ts holds it to that over generated templates).
 */
import { Column, is, SQL, StringChunk, Table } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'

// Without a casing option, as every handle of the app is made (db/client.ts).
const dialect = new PgDialect()

export interface CompiledQuery { sql: string, params: unknown[] }

/** The statement's text (`$1`, `$2`… for its values, in order) and its parameters: drizzle's, faster. */
export function compileSql (query: SQL): CompiledQuery {
  const params: unknown[] = []
  const text = compileChunks(query, params)
  if (text !== undefined) return { sql: text, params }
  const { sql: fallbackText, params: fallbackParams } = dialect.sqlToQuery(query)
  return { sql: fallbackText, params: fallbackParams }
}

/** The text of a template's chunks, pushing its values onto params; undefined at the first chunk it does not handle. */
function compileChunks (query: SQL, params: unknown[]): string | undefined {
  // drizzle's own flag (private in its types) for a template whose values are written inline: drizzle compiles those.
  if ((query as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return undefined
  let text = ''
  for (const chunk of query.queryChunks as unknown[]) {
    if (chunk instanceof StringChunk) {
      text += chunk.value.length === 1 ? chunk.value[0] : chunk.value.join('')
    } else if (chunk instanceof SQL) {
      const inner = compileChunks(chunk, params)
      if (inner === undefined) return undefined
      text += inner
    } else if (chunk === null || typeof chunk === 'string' || typeof chunk === 'number' || typeof chunk === 'boolean' || typeof chunk === 'bigint') {
      params.push(chunk)
      text += `$${params.length}`
    } else if (chunk !== undefined) {
      const name = nameOf(chunk)
      if (name === undefined) return undefined
      text += name
    }
  }
  return text
}

/** A column's or a table's text as drizzle writes it (`"orders"."id"`): the same object always reads the same. */
const names = new WeakMap<object, string>()

function nameOf (chunk: unknown): string | undefined {
  if (typeof chunk !== 'object' || chunk === null) return undefined
  let name = names.get(chunk)
  if (name === undefined && (is(chunk, Column) || is(chunk, Table))) {
    name = dialect.sqlToQuery(new SQL([chunk])).sql
    names.set(chunk, name)
  }
  return name
}
