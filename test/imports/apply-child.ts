// The apply job's work in a process of its own, so kill.test.ts can kill it mid-apply: argv = database URL, shop, import.
import { openPostgres } from '../../db/client.ts'
import { applyImport } from '../../server/imports/apply.ts'

const [url, shopId, importId] = process.argv.slice(2) as [string, string, string]
const database = await openPostgres(url, { max: 3 })
// Small batches, two in flight: the kill lands with transactions open.
const done = await applyImport(database.db, shopId, importId, { now: () => new Date(), batchSize: 200, concurrency: 2 })
process.stdout.write(done ? 'done\n' : 'stopped\n')
await database.close()
