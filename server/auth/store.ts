// What sign-in and launch read and write: the one-use OAuth states (state + nonce, 10 minutes) and whether a shop is installed.
import { and, eq, lt } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { oauthStates, shops } from '../../db/schema/index.ts'

export type OAuthState = typeof oauthStates.$inferSelect
export type Purpose = OAuthState['purpose']

/** Stores a new state (and clears the expired ones). */
export async function saveOAuthState (db: Db, input: { state: string, nonce: string, purpose: Purpose, orgid: string | null, expiresAt: Date }, now: Date): Promise<void> {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, now))
  await db.insert(oauthStates).values({ ...input, createdAt: now })
}

/** Single use: the row is deleted whether or not the caller accepts it (expiry and purpose are the caller's checks). */
export async function takeOAuthState (db: Db, state: string): Promise<OAuthState | undefined> {
  const [row] = await db.delete(oauthStates).where(eq(oauthStates.state, state)).returning()
  return row
}

export async function isShopInstalled (db: Db, shopId: string): Promise<boolean> {
  const [row] = await db.select({ shopId: shops.shopId }).from(shops).where(and(eq(shops.shopId, shopId), eq(shops.status, 'installed'))).limit(1)
  return row !== undefined
}

/** The shop's myharavan domain, when the shop is known. */
export async function shopDomain (db: Db, shopId: string): Promise<string | undefined> {
  const [shop] = await db.select({ domain: shops.domain }).from(shops).where(eq(shops.shopId, shopId)).limit(1)
  return shop?.domain ?? undefined
}
