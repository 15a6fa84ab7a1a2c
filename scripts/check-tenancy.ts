// CI guard: every table can be distributed by shop_id (Citus) — its primary key and unique indexes start with shop_id
// and its foreign keys include it. Read from the newest drizzle snapshot, i.e. exactly what the migrations create.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Tables that are not tenant data and stay on the coordinator (Citus local tables), with the reason. */
export const COORDINATOR_TABLES: Readonly<Record<string, string>> = {
  oauth_states: 'pending OAuth round trips: the shop is not known until the callback',
}

interface SnapshotColumn { name: string, primaryKey?: boolean }
interface SnapshotIndex { isUnique: boolean, columns: { expression?: string, isExpression?: boolean }[] }
interface SnapshotTable {
  name: string
  columns: Record<string, SnapshotColumn>
  compositePrimaryKeys: Record<string, { columns: string[] }>
  uniqueConstraints: Record<string, { columns: string[] }>
  indexes: Record<string, SnapshotIndex>
  foreignKeys: Record<string, { columnsFrom: string[] }>
}

/** Problems that would stop the table from being distributed by shop_id, in words. */
export function tenancyProblems (table: SnapshotTable): string[] {
  const problems: string[] = []
  const name = table.name
  if (!('shop_id' in table.columns)) return [`${name}: has no shop_id column`]
  const pk = Object.values(table.compositePrimaryKeys)[0]?.columns ??
    Object.values(table.columns).filter(c => c.primaryKey).map(c => c.name)
  if (pk[0] !== 'shop_id') problems.push(`${name}: primary key (${pk.join(', ') || 'none'}) does not start with shop_id`)
  for (const [uq, c] of Object.entries(table.uniqueConstraints)) {
    if (c.columns[0] !== 'shop_id') problems.push(`${name}: unique constraint ${uq} does not start with shop_id`)
  }
  for (const [ix, index] of Object.entries(table.indexes)) {
    const first = index.columns[0]
    if (index.isUnique && (first?.isExpression || first?.expression !== 'shop_id')) {
      problems.push(`${name}: unique index ${ix} does not start with shop_id`)
    }
  }
  for (const [fk, c] of Object.entries(table.foreignKeys)) {
    if (!c.columnsFrom.includes('shop_id')) problems.push(`${name}: foreign key ${fk} does not include shop_id`)
  }
  return problems
}

export function checkTenancy (migrationsDir: string): string[] {
  const metaDir = join(migrationsDir, 'meta')
  const newest = readdirSync(metaDir).filter(f => f.endsWith('_snapshot.json')).sort().at(-1)
  if (!newest) return ['no drizzle snapshot found']
  const snapshot = JSON.parse(readFileSync(join(metaDir, newest), 'utf8')) as { tables: Record<string, SnapshotTable> }
  return Object.values(snapshot.tables)
    .filter(t => !Object.hasOwn(COORDINATOR_TABLES, t.name))
    .flatMap(tenancyProblems)
}
