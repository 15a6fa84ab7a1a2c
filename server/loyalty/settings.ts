// A shop's loyalty settings: stored JSON merged over the defaults, validated by loyaltySettingsSchema on update.
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { loyaltySettings, shops } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { DEFAULT_SETTINGS, DEFAULT_TIME_ZONE, loyaltySettingsSchema, type LoyaltySettings } from './rules.ts'

/** The shop's settings; a shop that never saved any gets DEFAULT_SETTINGS. A stored value that no longer validates falls back per section. */
export async function getLoyaltySettings (db: Db, shopId: string): Promise<LoyaltySettings> {
  const [row] = await db.select({ settings: loyaltySettings.settings }).from(loyaltySettings).where(eq(loyaltySettings.shopId, shopId))
  return settingsFromStored(row?.settings)
}

/** The stored JSON (or none) → settings: merged over the defaults; a value that no longer validates gives the defaults. */
export function settingsFromStored (stored: Record<string, unknown> | null | undefined): LoyaltySettings {
  if (!stored) return structuredClone(DEFAULT_SETTINGS)
  const parsed = loyaltySettingsSchema.safeParse({ ...structuredClone(DEFAULT_SETTINGS), ...stored })
  return parsed.success ? parsed.data : structuredClone(DEFAULT_SETTINGS)
}

/** Validates, stores and logs ('settings.loyalty.updated' with before/after). Throws the zod error on invalid input. */
export async function updateLoyaltySettings (db: Db, shopId: string, input: unknown, actor: string, now: Date): Promise<LoyaltySettings> {
  const next = loyaltySettingsSchema.parse(input)
  return db.transaction(async (t) => {
    const before = await getLoyaltySettings(t, shopId)
    await t.insert(loyaltySettings).values({ shopId, settings: next as unknown as Record<string, unknown>, updatedBy: actor, updatedAt: now })
      .onConflictDoUpdate({
        target: loyaltySettings.shopId,
        set: { settings: next as unknown as Record<string, unknown>, updatedBy: actor, updatedAt: now, version: sql`${loyaltySettings.version} + 1` },
      })
    await logActivity(t, shopId, { actor, action: 'settings.loyalty.updated', details: { before, after: next } }, now)
    return next
  })
}

export async function shopTimeZone (db: Db, shopId: string): Promise<string> {
  const [row] = await db.select({ timezone: shops.timezone }).from(shops).where(eq(shops.shopId, shopId))
  return row?.timezone ?? DEFAULT_TIME_ZONE
}
