// A shop's tiers (the four Vietnamese defaults until it saves its own), replacing them, and recomputing members' tiers.
import { asc, eq, sql, type SQL } from 'drizzle-orm'
import { intArray, queryPrepared, type Db } from '../../db/client.ts'
import { tiers as tiersTable } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { getLoyaltySettings } from './settings.ts'
import { addMonths, DEFAULT_TIERS, multiplierToHundredths, tiersSchema, tierForRankPoints, type Tier } from './rules.ts'

/** Ordered by threshold (the stored position order); DEFAULT_TIERS when the shop has none. */
export async function getTiers (db: Db, shopId: string): Promise<Tier[]> {
  const rows = await db.select().from(tiersTable).where(eq(tiersTable.shopId, shopId)).orderBy(asc(tiersTable.position))
  return tiersFromRows(rows)
}

/** Stored tier rows (in position order) → tiers; DEFAULT_TIERS when there are none. */
export function tiersFromRows (rows: { id: string, name: string, threshold: number | string, earnMultiplierPct: number | string }[]): Tier[] {
  if (rows.length === 0) return DEFAULT_TIERS.map(t => ({ ...t }))
  return rows.map(r => ({ id: r.id, name: r.name, threshold: Number(r.threshold), earnMultiplier: Number(r.earnMultiplierPct) / 100 }))
}

export async function lowestTierId (db: Db, shopId: string): Promise<string> {
  return tierForRankPoints(await getTiers(db, shopId), Number.MIN_SAFE_INTEGER).id
}

/** The tier a member row points at, or (unknown id after a change) the one its rank points reach. */
export function memberTier (tiers: Tier[], tierId: string | null, rankPoints: number): Tier {
  return tiers.find(t => t.id === tierId) ?? tierForRankPoints(tiers, rankPoints)
}

/** Replaces all tiers in one transaction (validated by tiersSchema), logs it, and recomputes every member's tier. */
export async function replaceTiers (db: Db, shopId: string, input: unknown, actor: string, now: Date): Promise<Tier[]> {
  const next = tiersSchema.parse(input)
  return db.transaction(async (t) => {
    const before = await getTiers(t, shopId)
    await t.delete(tiersTable).where(eq(tiersTable.shopId, shopId))
    await t.insert(tiersTable).values(next.map((tier, position) => ({
      shopId, id: tier.id, name: tier.name, threshold: tier.threshold, earnMultiplierPct: multiplierToHundredths(tier.earnMultiplier), position,
    })))
    await logActivity(t, shopId, { actor, action: 'settings.tiers.updated', details: { before, after: next } }, now)
    const settings = await getLoyaltySettings(t, shopId)
    await recomputeTiers(t, shopId, { now, window: settings.ranking.window, allowDowngrade: true })
    return next
  })
}

export interface RecomputeOptions {
  now: Date
  window: 'lifetime' | 'rolling_12_months'
  /** false: upgrades only (after earning); true: the policy run at period end, or after the tiers changed. */
  allowDowngrade: boolean
  /** only these members (those whose orders just earned) */
  customerIds?: number[]
  timeZone?: string
}

/** The rank metric of a member: lifetime rank_points, or the rank points of entries of the last 12 months. */
export function rankExpression (shopId: string, window: RecomputeOptions['window'], since: Date): SQL {
  return window === 'lifetime'
    ? sql`m.rank_points`
    : sql`coalesce((select sum(e.rank_points) from ledger_entries e where e.shop_id = ${shopId} and e.customer_id = m.customer_id and e.created_at > ${since.toISOString()}::timestamptz), 0)`
}

/** Sets members' tier_id from their rank metric in one statement; returns how many members changed tier. */
export async function recomputeTiers (db: Db, shopId: string, opts: RecomputeOptions): Promise<number> {
  return (await recomputeTierRows(db, shopId, opts)).length
}

/** recomputeTiers, returning the members that changed tier and their new tier. `tiers` saves the read when known. */
export async function recomputeTierRows (db: Db, shopId: string, opts: RecomputeOptions, known?: Tier[]): Promise<{ customerId: number, tierId: string }[]> {
  if (opts.customerIds?.length === 0) return []
  const tiers = known ?? await getTiers(db, shopId)
  const lowest = tierForRankPoints(tiers, Number.MIN_SAFE_INTEGER).id
  const values = sql.join(tiers.map(t => sql`(${t.id}::text, ${t.threshold}::bigint)`), sql`, `)
  const since = addMonths(opts.now, -12, opts.timeZone)
  const only = opts.customerIds === undefined ? sql`` : sql`and m.customer_id = any(${intArray(opts.customerIds)}::bigint[])`
  const upgradeOnly = opts.allowDowngrade
    ? sql``
    : sql`and coalesce((select t.threshold from t where t.id = n.new_id), 0) > coalesce((select t.threshold from t where t.id = n.old_id), -1)`
  // Prepared: the webhook batch sends it behind its posting, unawaited when nothing needs its answer (order-batch.ts).
  const rows = await queryPrepared<{ customer_id: unknown, tier_id: string }>(db, sql`
    with t(id, threshold) as (values ${values}),
    n as (
      select m.customer_id, m.tier_id as old_id,
        coalesce((select t.id from t where t.threshold <= ${rankExpression(shopId, opts.window, since)} order by t.threshold desc limit 1), ${lowest}) as new_id
      from members m where m.shop_id = ${shopId} ${only}
    )
    update members m set tier_id = n.new_id, updated_at = ${opts.now.toISOString()}::timestamptz
    from n
    where m.shop_id = ${shopId} and m.customer_id = n.customer_id ${only} and m.tier_id is distinct from n.new_id ${upgradeOnly}
    returning m.customer_id, m.tier_id`)
  return rows.map(r => ({ customerId: Number(r.customer_id), tierId: r.tier_id }))
}
