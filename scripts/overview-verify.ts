// npm run overview:verify — every shop's overview rollup (overview_days) equals a recomputation from orders, members and the ledger.
import { pathToFileURL } from 'node:url'
import { sql } from 'drizzle-orm'
import { openDatabase, queryRows, type Db } from '../db/client.ts'
import { loadConfig } from '../server/config.ts'
import { verifyRollup } from '../server/overview/rollup.ts'

/** Shops whose rollup differs from a recomputation, with the days that differ. A shop never refreshed has nothing to check. */
export async function verifyRollups (db: Db): Promise<Array<{ shopId: string, days: string[] }>> {
  const shops = await queryRows<{ shop_id: string, timezone: string }>(db, sql`select shop_id, timezone from overview_rollups order by shop_id`)
  const problems: Array<{ shopId: string, days: string[] }> = []
  for (const s of shops) {
    const days = await verifyRollup(db, s.shop_id, s.timezone)
    if (days.length > 0) problems.push({ shopId: s.shop_id, days })
  }
  return problems
}

async function main () {
  const config = loadConfig(process.env)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const problems = await verifyRollups(database.db)
    for (const p of problems) console.log(`${p.shopId}  days differing from a recomputation: ${p.days.join(', ')}`)
    console.log(problems.length === 0 ? 'overview rollup ok' : `${problems.length} shop(s) with differing days`)
    process.exitCode = problems.length === 0 ? 0 : 1
  } finally {
    await database.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => { console.error(err); process.exit(2) })
}
