// Token storage: refresh ahead of expiry and on 401, single flight per shop, uninstalled shops refused.
import t from 'tap'
import { eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import { decryptSecret } from '../../server/crypto.ts'
import { createTokenStore, haravanClientFor, sealedTokenColumns, ShopNotInstalledError } from '../../server/haravan/tokens.ts'
import { appWithSim, installThroughApp, ORG } from './helpers.ts'

t.test('a token close to expiry is refreshed on get, and the new one is stored sealed', async (t) => {
  const { base, sim, app } = await appWithSim(t)
  sim.setTokenLifetime(ORG, 120) // below the 5-minute margin
  await installThroughApp(base)
  const [before] = await app.db.select().from(shops).where(eq(shops.shopId, ORG))
  const tokens = createTokenStore({ db: app.db, config: app.config })
  const fresh = await tokens.get(ORG)
  const [after] = await app.db.select().from(shops).where(eq(shops.shopId, ORG))
  t.not(fresh, decryptSecret(app.config.encryptionKey, ORG, before?.accessTokenEnc ?? ''), 'a new access token')
  t.equal(decryptSecret(app.config.encryptionKey, ORG, after?.accessTokenEnc ?? ''), fresh)
  t.equal(decryptSecret(app.config.encryptionKey, ORG, after?.refreshTokenEnc ?? ''), decryptSecret(app.config.encryptionKey, ORG, before?.refreshTokenEnc ?? ''))
  const res = await fetch(`${sim.apiUrl}/com/shop.json`, { headers: { authorization: `Bearer ${fresh}` } })
  t.equal(res.status, 200)
})

t.test('concurrent refreshes after a 401 make one token request; a stale rejected token gets the current one', async (t) => {
  const { base, sim, app } = await appWithSim(t)
  await installThroughApp(base)
  const tokens = createTokenStore({ db: app.db, config: app.config })
  const old = await tokens.get(ORG)
  sim.expireToken(ORG)
  const results = await Promise.all(Array.from({ length: 5 }, () => tokens.refresh(ORG, old)))
  t.equal(new Set(results).size, 1, 'everyone got the same new token')
  t.not(results[0], old)
  // Another instance (a second store) holding the old token does not spend the refresh token again.
  const other = createTokenStore({ db: app.db, config: app.config })
  t.equal(await other.refresh(ORG, old), results[0])
})

t.test('the client heals an expired token through the store (401 → refresh → retry)', async (t) => {
  const { base, sim, app } = await appWithSim(t)
  await installThroughApp(base)
  sim.expireToken(ORG)
  const client = haravanClientFor({ db: app.db, config: app.config })
  t.equal((await client.getShop(ORG)).id, Number(ORG))
})

t.test('an uninstalled or unknown shop is a clear error', async (t) => {
  const { base, app } = await appWithSim(t)
  await installThroughApp(base)
  await app.db.update(shops).set({ status: 'uninstalled' }).where(eq(shops.shopId, ORG))
  const tokens = createTokenStore({ db: app.db, config: app.config })
  await t.rejects(tokens.get(ORG), ShopNotInstalledError)
  await t.rejects(tokens.refresh(ORG, 'x'), ShopNotInstalledError)
  await t.rejects(tokens.get('1000000077'), /has not installed/)
})

t.test('the old refresh token is kept when the response has none', async (t) => {
  const cols = sealedTokenColumns(Buffer.alloc(32, 1), ORG, { access_token: 'a', expires_in: 60 }, new Date(0))
  t.notOk('refreshTokenEnc' in cols)
  t.equal(cols.tokenExpiresAt?.getTime(), 60_000)
})
