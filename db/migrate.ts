// Applies drizzle-kit's committed migrations in one transaction under an advisory lock, so concurrent starts are safe.
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { appRoot } from './app-root.ts'
import { queryRows, type Db } from './client.ts'

export const MIGRATIONS_FOLDER = join(appRoot(import.meta.url), 'db', 'migrations')
// Arbitrary but fixed: every app instance contends on the same key.
const MIGRATION_LOCK_KEY = 727_001

/** Same bookkeeping table as drizzle's own migrator, so drizzle-kit tooling stays compatible. */
export async function migrate (db: Db): Promise<{ applied: number }> {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER })
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`)
    await tx.execute(sql`create schema if not exists drizzle`)
    await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`)
    const [last] = await queryRows<{ created_at: string | number }>(tx,
      sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`)
    const lastAt = last ? Number(last.created_at) : 0
    let applied = 0
    for (const m of migrations) {
      if (m.folderMillis <= lastAt) continue
      for (const statement of m.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement))
      }
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`)
      applied++
    }
    return { applied }
  })
}

/** Readiness: the migrations' bookkeeping table answers (so migrations ran and the database is reachable). */
export async function migrationsReadable (db: Db): Promise<void> {
  await db.execute(sql`select 1 from drizzle.__drizzle_migrations limit 1`)
}
