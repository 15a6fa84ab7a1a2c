// `npm run migrate`: apply the committed migrations to DATABASE_URL (or the embedded database) and exit.
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { ConfigError, loadConfig } from '../server/config.ts'

try {
  const config = loadConfig(process.env)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  const { applied } = await migrate(database.db)
  console.log(`Applied ${applied} migration(s).`)
  await database.close()
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err)
  process.exitCode = 1
}
