// The shop's redemption options and automatic rewards (first purchase, registration, tier upgrade), and queueing the latter.
import { randomUUID } from 'node:crypto'
import { and, asc, eq, notInArray } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { AUTO_TRIGGERS, autoInputSchema, optionsInputSchema, type AutoTrigger } from '../../api-types/rewards.ts'
import { autoRewards, rewardOptions, rewards } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { newRewardCode, shopTimeZone, validityWindow } from './rewards-terms.ts'
import { BadRequestError } from '../errors.ts'
import { getTiers } from './tiers.ts'
import { parseVi } from './validation.ts'

export type { AutoTrigger }

function optionView (r: typeof rewardOptions.$inferSelect) {
  return { id: r.id, name: r.name, pointsCost: r.pointsCost, discountType: r.discountType, value: r.value, validDays: r.validDays, minimumOrderAmount: r.minimumOrderAmount, active: r.active }
}

export async function getRewardOptions (db: Db, shopId: string) {
  const rows = await db.select().from(rewardOptions).where(eq(rewardOptions.shopId, shopId)).orderBy(asc(rewardOptions.position), asc(rewardOptions.createdAt))
  return rows.map(optionView)
}

/** Replaces the catalogue; ids of kept options stay (issued rewards keep their own copy of the terms anyway). */
export async function replaceRewardOptions (db: Db, shopId: string, input: unknown, actor: string, now: Date) {
  const next = parseVi(optionsInputSchema, input)
  await db.transaction(async (tx) => {
    const existing = new Set((await tx.select({ id: rewardOptions.id }).from(rewardOptions).where(eq(rewardOptions.shopId, shopId))).map(r => r.id))
    const rows = next.map((o, position) => ({ ...o, id: o.id && existing.has(o.id) ? o.id : randomUUID(), position }))
    await tx.delete(rewardOptions).where(and(eq(rewardOptions.shopId, shopId), rows.length > 0 ? notInArray(rewardOptions.id, rows.map(r => r.id)) : undefined))
    for (const r of rows) {
      const values = { name: r.name, pointsCost: r.pointsCost, discountType: r.discountType, value: r.discountType === 'shipping' ? 0 : r.value, validDays: r.validDays, minimumOrderAmount: r.minimumOrderAmount, active: r.active, position: r.position, updatedAt: now }
      await tx.insert(rewardOptions).values({ shopId, id: r.id, ...values, createdAt: now })
        .onConflictDoUpdate({ target: [rewardOptions.shopId, rewardOptions.id], set: values })
    }
    await logActivity(tx, shopId, { actor, action: 'settings.rewards.options.updated', details: { options: rows.length } }, now)
  })
  return getRewardOptions(db, shopId)
}

// tierMissing: the reward names a tier the shop no longer has (deleted since), so it can never fire until re-chosen.
function autoView (r: typeof autoRewards.$inferSelect, tierIds: Set<string>) {
  const { trigger, tierId, enabled, discountType, value, validDays, minimumOrderAmount } = r
  return { trigger, tierId, enabled, discountType, value, validDays, minimumOrderAmount, tierMissing: tierId !== null && !tierIds.has(tierId) }
}

/** One row per trigger at least (disabled defaults for the ones never saved), plus tier-specific upgrade rewards. */
export async function getAutoRewards (db: Db, shopId: string) {
  const tierIds = new Set((await getTiers(db, shopId)).map(t => t.id))
  const rows = (await db.select().from(autoRewards).where(eq(autoRewards.shopId, shopId))).map(r => autoView(r, tierIds))
  const out = [...rows]
  for (const trigger of AUTO_TRIGGERS) {
    if (!rows.some(r => r.trigger === trigger && r.tierId === null)) {
      out.push({ trigger, tierId: null, enabled: false, discountType: 'fixed_amount', value: 0, validDays: 30, minimumOrderAmount: 0, tierMissing: false })
    }
  }
  const order = (r: { trigger: AutoTrigger, tierId: string | null }) => `${AUTO_TRIGGERS.indexOf(r.trigger)}:${r.tierId ?? ''}`
  return out.sort((a, b) => order(a).localeCompare(order(b)))
}

export async function replaceAutoRewards (db: Db, shopId: string, input: unknown, actor: string, now: Date) {
  const next = parseVi(autoInputSchema, input)
  // The tier is stored by id: an id that is not one of the shop's tiers ("Vàng" typed for "gold") would never fire.
  const tiers = await getTiers(db, shopId)
  const issues = next.flatMap((r, i) => r.tierId === null || tiers.some(t => t.id === r.tierId)
    ? []
    : [{ path: [String(i), 'tierId'], code: 'custom', message: `Hạng "${r.tierId}" không có trong các hạng của cửa hàng (hiện có: ${tiers.map(t => `${t.name} (${t.id})`).join(', ')})` }])
  if (issues.length > 0) throw new BadRequestError(`Dữ liệu không hợp lệ: ${issues.map(i => i.message).join('; ')}`, issues)
  await db.transaction(async (tx) => {
    await tx.delete(autoRewards).where(eq(autoRewards.shopId, shopId))
    if (next.length > 0) {
      await tx.insert(autoRewards).values(next.map(r => ({ shopId, ...r, value: r.discountType === 'shipping' ? 0 : r.value, updatedAt: now })))
    }
    await logActivity(tx, shopId, { actor, action: 'settings.rewards.automatic.updated', details: { enabled: next.filter(r => r.enabled).map(r => r.tierId ? `${r.trigger}:${r.tierId}` : r.trigger) } }, now)
  })
  return getAutoRewards(db, shopId)
}

/**
 * Inside the caller's transaction (activation, a first earning order, a tier upgrade): queues a 'pending'
 * automatic reward when the shop enabled that trigger. The idempotency key makes it once per member (and tier);
 * the 'rewards.issue' job creates the code. Returns the reward id, or null when nothing was queued.
 */
export async function queueAutomaticReward (
  tx: Db, shopId: string, customerId: number, trigger: AutoTrigger, opts: { tierId?: string | null }, now: Date,
): Promise<string | null> {
  const [id] = await queueAutomaticRewards(tx, shopId, trigger, [{ customerId, tierId: opts.tierId, now }])
  return id ?? null
}

/** One member's automatic reward of a trigger (tierId: the tier reached, for tier_upgrade). */
export interface AutoRewardFor { customerId: number, tierId?: string | null, now: Date }

/**
 * queueAutomaticReward for many members at once (a webhook batch's activations, first earnings, upgrades): one read
 * of the trigger's configuration and one insert, whatever their number. Answers the ids of the rewards queued now.
 */
export async function queueAutomaticRewards (tx: Db, shopId: string, trigger: AutoTrigger, items: AutoRewardFor[], timeZone?: string): Promise<string[]> {
  if (items.length === 0) return []
  const configs = await tx.select().from(autoRewards)
    .where(and(eq(autoRewards.shopId, shopId), eq(autoRewards.trigger, trigger), eq(autoRewards.enabled, true)))
  if (configs.length === 0) return []
  const zone = timeZone || await shopTimeZone(tx, shopId)
  const byKey = new Map<string, typeof rewards.$inferInsert>()
  for (const { customerId, now, ...opts } of items) {
    const tierId = trigger === 'tier_upgrade' ? (opts.tierId ?? null) : null
    const config = configs.find(c => tierId !== null && c.tierId === tierId) ?? configs.find(c => c.tierId === null)
    const idempotencyKey = `auto:${trigger}:${customerId}${tierId ? `:${tierId}` : ''}`
    if (!config || byKey.has(idempotencyKey)) continue // once per member (and tier), also within one call
    byKey.set(idempotencyKey, {
      shopId,
      id: randomUUID(),
      customerId,
      trigger,
      status: 'pending',
      points: 0,
      discountType: config.discountType,
      value: config.value,
      minimumOrderAmount: config.minimumOrderAmount,
      code: newRewardCode(),
      ...validityWindow(now, config.validDays, zone),
      idempotencyKey,
      createdBy: 'system',
      createdAt: now,
      updatedAt: now,
    })
  }
  if (byKey.size === 0) return []
  const inserted = await tx.insert(rewards).values([...byKey.values()])
    .onConflictDoNothing({ target: [rewards.shopId, rewards.idempotencyKey] }).returning({ id: rewards.id })
  return inserted.map(r => r.id)
}
