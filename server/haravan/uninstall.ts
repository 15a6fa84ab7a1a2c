// app/uninstalled: the shop stops being served at once — status, tokens dropped, an activity row. Reinstall undoes it (install.ts).
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { shops } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'

/**
 * Marks the shop uninstalled and forgets its Haravan tokens (they are revoked anyway). Session tokens stop working
 * (the auth plugin requires status 'installed'), webhooks and background jobs skip the shop. Data stays, so a
 * reinstall picks up where it left. Safe to run twice: returns false (and logs nothing) when it was not installed.
 */
export async function markShopUninstalled (db: Db, shopId: string, now: Date): Promise<boolean> {
  const rows = await db.update(shops)
    .set({ status: 'uninstalled', uninstalledAt: now, accessTokenEnc: null, refreshTokenEnc: null, tokenExpiresAt: null, updatedAt: now })
    .where(and(eq(shops.shopId, shopId), eq(shops.status, 'installed')))
    .returning({ shopId: shops.shopId })
  if (rows.length === 0) return false
  await logActivity(db, shopId, { actor: 'haravan', action: 'app.uninstalled' }, now)
  return true
}

/** For background jobs: true when the shop is installed (jobs of an uninstalled or unknown shop do nothing). */
export async function isShopInstalled (db: Db, shopId: string): Promise<boolean> {
  const rows = await db.select({ shopId: shops.shopId }).from(shops)
    .where(and(eq(shops.shopId, shopId), eq(shops.status, 'installed'))).limit(1)
  return rows.length > 0
}
