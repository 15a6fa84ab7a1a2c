// Shared setup for sync tests: a simulator shop installed (tokens stored encrypted) in a real app.
import { eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import type { HaravanSim } from '../../scripts/haravan-sim/index.ts'
import { createHaravanClient } from '../../server/haravan/client.ts'
import { createTokenStore, sealedTokenColumns } from '../../server/haravan/tokens.ts'
import type { SyncDeps } from '../../server/haravan/sync.ts'
import { build, type BuildOptions, type Built } from '../helper.ts'
import { CLIENT_ID, CLIENT_SECRET, install, simFor, VERIFY_TOKEN } from '../haravan-sim/helpers.ts'

export const ORGID = '1000000001'
interface Tap { teardown: (fn: () => unknown) => void }

export function simEnv (sim: HaravanSim): NodeJS.ProcessEnv {
  return {
    HARAVAN_CLIENT_ID: CLIENT_ID,
    HARAVAN_CLIENT_SECRET: CLIENT_SECRET,
    HARAVAN_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
    HARAVAN_SANDBOX: '0',
    HARAVAN_ACCOUNTS_URL: sim.accountsUrl,
    HARAVAN_API_URL: sim.apiUrl,
    HARAVAN_WEBHOOK_API_URL: sim.webhookApiUrl,
  }
}

export async function simAndApp (t: Tap, seed: { customers: number, orders: number }, opts: BuildOptions = {}) {
  const sim = await simFor(t)
  sim.addShop({ orgid: ORGID, name: 'Cửa hàng Demo' })
  if (seed.customers > 0) sim.seedDemoData(ORGID, { ...seed, seed: 7 })
  const built = await build(t, { ...opts, env: { ...simEnv(sim), ...opts.env } })
  await storeInstallTokens(built, sim)
  return { sim, ...built }
}

/** What the OAuth install leaves behind: an installed shop with its encrypted org token. */
export async function storeInstallTokens (built: Built, sim: HaravanSim) {
  const tokens = await install(sim, ORGID)
  await built.app.db.update(shops)
    .set({ ...sealedTokenColumns(built.config.encryptionKey, ORGID, tokens, built.app.clock()), status: 'installed' })
    .where(eq(shops.shopId, ORGID))
}

export function syncDeps (built: Built, sleep?: (ms: number) => Promise<void>): SyncDeps {
  const { app } = built
  const client = createHaravanClient({
    apiUrl: app.config.haravan.apiUrl,
    webhookApiUrl: app.config.haravan.webhookApiUrl,
    tokens: createTokenStore({ db: app.db, config: app.config }),
    sleep,
  })
  return { db: app.db, client, clock: () => new Date() }
}
