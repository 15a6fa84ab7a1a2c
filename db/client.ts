// Opens the database: postgres.js when DATABASE_URL is set, embedded PGlite in DATA_DIR otherwise — same schema and SQL.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { is, type SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePostgres, PostgresJsSession } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { compileSql } from './compile.ts'
import * as schema from './schema/index.ts'

export { schema }
/**
 * A database handle: the app's, or a transaction's (what `db.transaction` hands its callback is one too, so it is
 * passed on as is). Queries name their tables; drizzle's relational `db.query` API is not used, so the handles carry
 * no relational schema (a transaction on its own connection is made without rebuilding it: see pipelinedTransaction).
 */
export type Db = PgDatabase<PgQueryResultHKT>

/** A postgres.js connection: the pool behind the app's handle, or a transaction's or a reserved one (no reserve, no options). */
type PostgresConnection = Pick<postgres.Sql, 'unsafe'> & Partial<Pick<postgres.Sql, 'reserve' | 'options'>>

/** The postgres.js connection a handle runs on (drizzle's public `_.session`), or undefined on PGlite. */
function postgresConnection (db: Db): PostgresConnection | undefined {
  const session = db._.session
  return is(session, PostgresJsSession) ? session.client : undefined
}

/** What pg-boss needs to run on either driver (its `db` adapter). */
export interface SqlExecutor {
  executeSql (text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

export interface Database {
  kind: 'pglite' | 'postgres'
  db: Db
  /** Present for postgres: pg-boss connects itself with this URL. */
  url?: string
  executor: SqlExecutor
  close (): Promise<void>
  /**
   * Runs fn while holding a lock named `key` across every app instance; returns { ran: false } when another
   * holder has it. On Postgres this is a session advisory lock on a reserved connection, so a killed process
   * releases it at once (its connection drops) and a restarted one resumes without waiting for a lease.
   */
  withExclusiveLock<T> (key: string, fn: () => Promise<T>): Promise<{ ran: true, value: T } | { ran: false }>
  /** PGlite only: the whole data dir, to start other instances from (test speed). */
  snapshot?: () => Promise<Blob>
}

/** Rows of a raw `db.execute(sql…)`, whichever driver answered. */
export async function queryRows<T = Record<string, unknown>> (db: Db, query: SQL): Promise<T[]> {
  const result = await db.execute(query) as unknown
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

/** A Postgres array literal of integers (`{1,2,3}`), for `= any($1::bigint[])`: one parameter however many ids. */
export const intArray = (ids: readonly number[]): string => `{${ids.join(',')}}`

/**
 * queryRows as a named prepared statement on postgres.js: parsed once per connection, then reused.
 * For hot statements whose text never varies (the parameters carry the data). PGlite runs it as queryRows.
 */
export async function queryPrepared<T = Record<string, unknown>> (db: Db, query: SQL): Promise<T[]> {
  const client = postgresConnection(db)
  if (!client) return queryRows<T>(db, query)
  const { sql: text, params } = compileSql(query)
  return [...await client.unsafe<T[]>(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })]
}

/** Hands a transaction's last statement over unawaited: see pipelinedTransaction. */
export type Defer = (statement: Promise<unknown>) => void

export interface PipelinedOptions {
  /**
   * Plan every prepared statement of the transaction generically (`set local plan_cache_mode`). For statements whose
   * text never varies and whose parameters are whole batches as JSON: re-planning them for each batch costs more
   * than running them (docs/BENCHMARKS.md, "Webhooks").
   */
  genericPlans?: boolean
}

/**
 * db.transaction, but on Postgres with no round trip of its own for BEGIN or COMMIT (for the webhook hot path).
 * BEGIN goes out with the first statement (postgres.js writes the queries issued together on one connection in one
 * write). COMMIT goes out right behind the statements handed to `defer`, without waiting for their results. Such a
 * statement must carry its checks in SQL: if it fails, Postgres has aborted the transaction and answers that COMMIT
 * with a rollback, and its error is rethrown here. The result is returned only once COMMIT has succeeded.
 */
export async function pipelinedTransaction<T> (db: Db, fn: (tx: Db, defer: Defer) => Promise<T>, opts: PipelinedOptions = {}): Promise<T> {
  const deferred: Promise<unknown>[] = []
  // Each deferred statement's outcome as a value (its error, or null), so none is an unhandled rejection.
  const defer: Defer = (statement) => { deferred.push(statement.then(() => null, (err: unknown) => err ?? new Error('statement failed'))) }
  const firstFailure = async () => (await Promise.all(deferred)).find(err => err !== null)
  const client = postgresConnection(db)
  if (typeof client?.reserve !== 'function') {
    return db.transaction(async (tx) => {
      const result = await fn(tx, defer)
      const failed = await firstFailure()
      if (failed) throw failed
      return result
    })
  }
  const conn = await client.reserve()
  try {
    // BEGIN fails only with its connection, which fails the statements queued behind it too; kept to rethrow.
    // Without parameters postgres.js uses the simple protocol, which takes both statements in one message.
    const begun = conn.unsafe(opts.genericPlans ? 'begin; set local plan_cache_mode = force_generic_plan' : 'begin')
      .then(() => null, (err: unknown) => err)
    // A reserved connection lacks the pool's `options`, which drizzle reads (its type parsers are already set there).
    const tx: Db = drizzlePostgres(Object.assign(conn, { options: client.options }))
    try {
      const result = await fn(tx, defer)
      const committing = conn.unsafe('commit').then(() => null, (err: unknown) => err ?? new Error('commit failed'))
      const failed = (await begun) ?? await firstFailure() ?? await committing
      if (failed) throw failed
      return result
    } catch (err) {
      await Promise.all(deferred) // settled before the connection is used again
      await conn.unsafe('rollback').catch(() => {})
      throw err
    }
  } finally {
    conn.release()
  }
}

export async function openPostgres (url: string, opts: { max?: number } = {}): Promise<Database> {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // bigint columns come back as JS numbers (ids and đồng amounts stay below 2^53).
    types: { bigint: postgres.BigInt },
    connection: { application_name: 'tich-diem' },
  })
  const db: Db = drizzlePostgres(client)
  return {
    kind: 'postgres',
    db,
    url,
    executor: {
      async executeSql (text, values) {
        const rows = await client.unsafe(text, (values ?? []) as never[])
        return { rows: [...rows] }
      },
    },
    async withExclusiveLock (key, fn) {
      const conn = await client.reserve()
      try {
        const [row] = await conn`select pg_try_advisory_lock(hashtext(${key})) as ok`
        if (!row?.ok) return { ran: false }
        try {
          return { ran: true, value: await fn() }
        } finally {
          await conn`select pg_advisory_unlock(hashtext(${key}))`
        }
      } finally {
        conn.release()
      }
    },
    close: () => client.end({ timeout: 5 }),
  }
}

/** dataDir undefined → in memory (tests); fromSnapshot starts from a dumped data dir instead of initdb. */
export async function openPglite (dataDir?: string, opts: { fromSnapshot?: Blob } = {}): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const client = await PGlite.create({ dataDir: dataDir ? join(dataDir, 'pglite') : undefined, loadDataDir: opts.fromSnapshot })
  const db: Db = drizzlePglite(client)
  const heldLocks = new Set<string>()
  return {
    kind: 'pglite',
    db,
    executor: {
      async executeSql (text, values) {
        if (values && values.length > 0) {
          const r = await client.query(text, values)
          return { rows: r.rows }
        }
        // Several statements without parameters only run through exec (PGlite's query is single-statement).
        const results = await client.exec(text)
        return { rows: results.at(-1)?.rows ?? [] }
      },
    },
    // One process owns an embedded database, so an in-process set is the whole truth.
    async withExclusiveLock (key, fn) {
      if (heldLocks.has(key)) return { ran: false }
      heldLocks.add(key)
      try {
        return { ran: true, value: await fn() }
      } finally {
        heldLocks.delete(key)
      }
    },
    close: () => client.close(),
    snapshot: () => client.dumpDataDir('none'),
  }
}

export function openDatabase (opts: { databaseUrl?: string, dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir)
}
