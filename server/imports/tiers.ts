// Tier recomputation for the members one import batch touched (the loyalty engine's recomputeTiers does one or all).
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { addMonths, tierForRankPoints } from '../loyalty/rules.ts'
import { getTiers, rankExpression } from '../loyalty/tiers.ts'

export async function recomputeTiersFor (
  db: Db, shopId: string, customerIds: number[],
  opts: { now: Date, window: 'lifetime' | 'rolling_12_months', allowDowngrade: boolean, timeZone?: string },
): Promise<void> {
  if (customerIds.length === 0) return
  const tiers = await getTiers(db, shopId)
  const lowest = tierForRankPoints(tiers, Number.MIN_SAFE_INTEGER).id
  const values = sql.join(tiers.map(t => sql`(${t.id}::text, ${t.threshold}::bigint)`), sql`, `)
  const since = addMonths(opts.now, -12, opts.timeZone)
  // Same rule as recomputeTiers: an import's opening balance upgrades at once; an undo may take the tier back down.
  const upgradeOnly = opts.allowDowngrade
    ? sql``
    : sql`and coalesce((select t.threshold from t where t.id = n.new_id), 0) > coalesce((select t.threshold from t where t.id = n.old_id), -1)`
  await db.execute(sql`
    with t(id, threshold) as (values ${values}),
    ids as (select (jsonb_array_elements_text(${JSON.stringify(customerIds)}::jsonb))::bigint as customer_id),
    n as (
      select m.customer_id, m.tier_id as old_id,
        coalesce((select t.id from t where t.threshold <= ${rankExpression(shopId, opts.window, since)} order by t.threshold desc limit 1), ${lowest}) as new_id
      from members m join ids on ids.customer_id = m.customer_id where m.shop_id = ${shopId}
    )
    update members m set tier_id = n.new_id, updated_at = ${opts.now.toISOString()}::timestamptz
    from n
    where m.shop_id = ${shopId} and m.customer_id = n.customer_id and m.tier_id is distinct from n.new_id ${upgradeOnly}`)
}
