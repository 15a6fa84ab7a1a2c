// CI guard: fails when db/schema and the committed migrations disagree, or a table could not be distributed by shop_id.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { checkTenancy } from './check-tenancy.ts'

const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'tich-diem-drift-'))
const out = join(work, 'migrations')
cpSync(join(root, 'db/migrations'), out, { recursive: true })
const configFile = join(work, 'drizzle.config.json')
// The same schema and dialect as drizzle.config.ts, generating into a scratch copy of the migrations.
writeFileSync(configFile, JSON.stringify({ dialect: 'postgresql', schema: join(root, 'db/schema/index.ts'), out, strict: true }))
const before = new Set(readdirSync(out))
try {
  execFileSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--config', configFile, '--name', 'drift_check'], { cwd: root, stdio: 'pipe' })
  const added = readdirSync(out).filter((f) => !before.has(f) && f.endsWith('.sql'))
  if (added.length > 0) {
    console.error('db/schema and db/migrations disagree. drizzle-kit would generate:\n')
    for (const f of added) console.error(readFileSync(join(out, f), 'utf8'))
    console.error('\nRun `npm run db:generate -- --name <what_changed>` and commit the migration.')
    process.exitCode = 1
  } else {
    console.log('Migrations are in sync with db/schema.')
  }
  const tenancy = checkTenancy(join(root, 'db/migrations'))
  if (tenancy.length > 0) {
    console.error(`Tables that could not be distributed by shop_id (Citus):\n- ${tenancy.join('\n- ')}`)
    process.exitCode = 1
  } else {
    console.log('Every table is keyed by shop_id first (primary keys, unique indexes, foreign keys).')
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
