// The Citus-readiness check: what it refuses, and that the committed schema passes it.
import { resolve } from 'node:path'
import t from 'tap'
import { checkTenancy, tenancyProblems } from '../../scripts/check-tenancy.ts'

const table = (over: Partial<Parameters<typeof tenancyProblems>[0]> = {}) => ({
  name: 'things',
  columns: { shop_id: { name: 'shop_id' }, id: { name: 'id' }, code: { name: 'code' } },
  compositePrimaryKeys: { things_pk: { columns: ['shop_id', 'id'] } },
  uniqueConstraints: {},
  indexes: {},
  foreignKeys: {},
  ...over,
})

t.test('a table keyed by shop_id first passes', async (t) => {
  t.same(tenancyProblems(table({ indexes: { uq: { isUnique: true, columns: [{ expression: 'shop_id' }, { expression: 'code' }] } } })), [])
})

t.test('a primary key, unique index or foreign key without shop_id first is named', async (t) => {
  t.match(tenancyProblems(table({ compositePrimaryKeys: { pk: { columns: ['id', 'shop_id'] } } })), [/primary key \(id, shop_id\)/])
  t.match(tenancyProblems(table({ indexes: { code_uq: { isUnique: true, columns: [{ expression: 'code' }] } } })), [/unique index code_uq/])
  t.match(tenancyProblems(table({ indexes: { expr_uq: { isUnique: true, columns: [{ expression: 'lower(code)', isExpression: true }] } } })), [/unique index expr_uq/])
  t.match(tenancyProblems(table({ uniqueConstraints: { c: { columns: ['code'] } } })), [/unique constraint c/])
  t.match(tenancyProblems(table({ foreignKeys: { fk: { columnsFrom: ['id'] } } })), [/foreign key fk/])
  t.match(tenancyProblems(table({ columns: { id: { name: 'id', primaryKey: true } }, compositePrimaryKeys: {} })), [/no shop_id column/])
})

t.test('a non-unique index need not start with shop_id', async (t) => {
  t.same(tenancyProblems(table({ indexes: { by_code: { isUnique: false, columns: [{ expression: 'code' }] } } })), [])
})

t.test('the committed migrations pass', async (t) => {
  t.same(checkTenancy(resolve(import.meta.dirname, '../../db/migrations')), [])
})

t.test("the README's create_distributed_table statements name every tenant table", async (t) => {
  const { readFileSync, readdirSync } = await import('node:fs')
  const root = resolve(import.meta.dirname, '../..')
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8')
  const list = /unnest\(array\[([^\]]+)\]\)/.exec(readme)?.[1] ?? ''
  const named = new Set([...list.matchAll(/'([a-z_]+)'/g)].map(m => m[1]))
  named.add('shops')
  const meta = resolve(root, 'db/migrations/meta')
  const newest = readdirSync(meta).filter(f => f.endsWith('_snapshot.json')).sort().at(-1)!
  const tables = Object.values(JSON.parse(readFileSync(resolve(meta, newest), 'utf8')).tables as Record<string, { name: string }>)
    .map(x => x.name).filter(n => n !== 'oauth_states')
  t.same([...named].sort(), tables.sort())
})
