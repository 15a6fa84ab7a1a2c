// npm run overview:verify — every shop's overview rollup (overview_days, overview_orders) equals a recomputation from orders, members
// and the ledger, and its members per tier and points (overview_member_totals + deltas) equal the members rows.
import { pathToFileURL } from 'node:url'
import { sql } from 'drizzle-orm'
import { openDatabase, queryRows, type Db } from '../db/client.ts'
import { loadConfig } from '../server/config.ts'
import { verifyMemberTotals, verifyRollup } from '../server/overview/rollup.ts'

export interface RollupProblem { shopId: string, days: string[], tiers: string[] }

/**
 * Shops whose rollup differs from a recomputation, with the days that differ and the tiers ('' = no tier) whose kept
 * members or points differ. A shop never refreshed has no days to check; every shop with members has tiers to check.
 */
export async function verifyRollups (db: Db): Promise<RollupProblem[]> {
  const shops = await queryRows<{ shop_id: string, timezone: string | null }>(db, sql`
    select shop_id, max(timezone) as timezone from (
      select shop_id, timezone from overview_rollups
      union all select distinct shop_id, null from members
      union all select distinct shop_id, null from overview_member_totals) s
    group by shop_id order by shop_id`)
  const problems: RollupProblem[] = []
  for (const s of shops) {
    const days = s.timezone === null ? [] : await verifyRollup(db, s.shop_id, s.timezone)
    const tiers = await verifyMemberTotals(db, s.shop_id)
    if (days.length > 0 || tiers.length > 0) problems.push({ shopId: s.shop_id, days, tiers })
  }
  return problems
}

async function main () {
  const config = loadConfig(process.env)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const problems = await verifyRollups(database.db)
    for (const p of problems) {
      if (p.days.length > 0) console.log(`${p.shopId}  days differing from a recomputation: ${p.days.join(', ')}`)
      if (p.tiers.length > 0) console.log(`${p.shopId}  tiers whose members or points differ from the members: ${p.tiers.map((t) => t || '(none)').join(', ')}`)
    }
    console.log(problems.length === 0 ? 'overview rollup ok' : `${problems.length} shop(s) with differing days`)
    process.exitCode = problems.length === 0 ? 0 : 1
  } finally {
    await database.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => { console.error(err); process.exit(2) })
}
