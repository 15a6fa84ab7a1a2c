// The environment schema: defaults, sandbox detection, production requirements, one message naming every problem.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig, SANDBOX_CLIENT_ID } from '../../server/config.ts'

const dataDir = () => mkdtempSync(join(tmpdir(), 'tich-diem-config-'))

t.test('with no environment it runs in sandbox with contract defaults', async (t) => {
  const dir = dataDir()
  const c = loadConfig({ DATA_DIR: dir })
  t.equal(c.port, 3000)
  t.equal(c.host, '127.0.0.1')
  t.equal(c.appUrl, 'http://localhost:3000')
  t.equal(c.databaseUrl, undefined)
  t.equal(c.haravan.sandbox, true)
  t.equal(c.haravan.clientId, SANDBOX_CLIENT_ID)
  t.equal(c.encryptionKey.length, 32)
})

t.test('outside production the secrets are generated once into DATA_DIR and reused', async (t) => {
  const dir = dataDir()
  const a = loadConfig({ DATA_DIR: dir })
  const b = loadConfig({ DATA_DIR: dir })
  t.equal(a.sessionSecret, b.sessionSecret)
  t.same(a.encryptionKey, b.encryptionKey)
  const stored = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))
  t.equal(stored.sessionSecret, a.sessionSecret)
})

t.test('production refuses to start without SESSION_SECRET and ENCRYPTION_KEY', async (t) => {
  const err = t.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir(), HARAVAN_CLIENT_ID: 'id', HARAVAN_CLIENT_SECRET: 's', HARAVAN_WEBHOOK_VERIFY_TOKEN: 'v' })) as ConfigError
  t.type(err, ConfigError)
  t.match(err.message, /SESSION_SECRET: is required in production/)
  t.match(err.message, /ENCRYPTION_KEY: is required in production/)
})

t.test('every bad variable is named in one message', async (t) => {
  const err = t.throws(() => loadConfig({
    DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', ENCRYPTION_KEY: 'short', LOG_LEVEL: 'loud', APP_URL: 'not a url',
  })) as ConfigError
  for (const name of ['PORT', 'DATABASE_URL', 'ENCRYPTION_KEY', 'LOG_LEVEL', 'APP_URL']) t.match(err.message, name)
  t.equal(err.problems.length, 5)
})

t.test('real Haravan credentials turn the sandbox off and require the whole set', async (t) => {
  const err = t.throws(() => loadConfig({ DATA_DIR: dataDir(), HARAVAN_CLIENT_ID: 'id' })) as ConfigError
  t.match(err.message, /HARAVAN_CLIENT_SECRET/)
  t.match(err.message, /HARAVAN_WEBHOOK_VERIFY_TOKEN/)
  const ok = loadConfig({ DATA_DIR: dataDir(), HARAVAN_CLIENT_ID: 'id', HARAVAN_CLIENT_SECRET: 's', HARAVAN_WEBHOOK_VERIFY_TOKEN: 'v', APP_URL: 'https://loyalty.example.vn/' })
  t.equal(ok.haravan.sandbox, false)
  t.equal(ok.haravan.accountsUrl, 'https://accounts.haravan.com')
  t.equal(ok.appUrl, 'https://loyalty.example.vn')
})

t.test('production with valid secrets loads', async (t) => {
  const c = loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: dataDir(),
    SESSION_SECRET: 'x'.repeat(40),
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    HARAVAN_CLIENT_ID: 'id',
    HARAVAN_CLIENT_SECRET: 's',
    HARAVAN_WEBHOOK_VERIFY_TOKEN: 'v',
  })
  t.equal(c.isProduction, true)
})
