// Token storage: refresh ahead of expiry and on 401, single flight per shop, uninstalled shops refused.
import t from 'tap'
import { eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import { decryptSecret } from '../../server/crypto.ts'
import { buildApp } from '../../server/app.ts'
import { createAppHaravanClient, createTokenStore, sealedTokenColumns, ShopNotInstalledError } from '../../server/haravan/tokens.ts'
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
  t.equal((await app.haravan.getShop(ORG)).id, Number(ORG))
})

t.test('each app has its own Haravan client, shared by all its callers; buildApp takes a given one', async (t) => {
  const { base, app, database, config } = await appWithSim(t)
  await installThroughApp(base)
  t.ok(app.haravan.buckets.level(ORG) > 0, 'the install\'s calls are counted in the app\'s bucket for the shop')
  t.equal(app.campaigns.deps.codes, app.haravan, 'campaign codes go through the same client (and bucket)')
  // A second app in the same process, on the same database: nothing shared by accident.
  const second = await buildApp({ config, database, logger: false })
  t.teardown(() => second.close())
  t.not(second.haravan, app.haravan)
  t.equal(second.haravan.buckets.level(ORG), 0, 'its bucket starts empty')
  const given = createAppHaravanClient({ db: database.db, config })
  const third = await buildApp({ config, database, logger: false, haravan: given })
  t.teardown(() => third.close())
  t.equal(third.haravan, given)
  t.equal(third.campaigns.deps.codes, given)
  t.equal((await third.haravan.getShop(ORG)).id, Number(ORG), 'the given client works with the stored tokens')
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
