// Rewards test setup: the simulator shop installed in a real app, members with points, a redemption option.
import type { Db } from '../../db/client.ts'
import { createHaravanClient, type HaravanClient } from '../../server/haravan/client.ts'
import type { HaravanDiscount } from '../../server/haravan/wire.ts'
import { createTokenStore } from '../../server/haravan/tokens.ts'
import { activateMember, writeLedgerEntries } from '../../server/loyalty/ledger.ts'
import type { RewardDeps } from '../../server/loyalty/rewards.ts'
import type { App } from '../../server/app.ts'
import { authHeaders } from '../helper.ts'
import { ORGID, simAndApp } from '../haravan/sync-helpers.ts'
import { addCustomer, inTx } from './fixtures.ts'

export { ORGID }
interface Tap { teardown: (fn: () => unknown) => void }

export async function rewardsApp (t: Tap) {
  const built = await simAndApp(t, { customers: 0, orders: 0 })
  const { app } = built
  const deps: RewardDeps & { client: HaravanClient } = {
    db: app.db,
    // Fast retries: a failing Haravan call should not hold a test for seconds.
    client: createHaravanClient({
      apiUrl: app.config.haravan.apiUrl,
      webhookApiUrl: app.config.haravan.webhookApiUrl,
      tokens: createTokenStore({ db: app.db, config: app.config }),
      retryBaseMs: 1,
    }),
    clock: app.clock,
  }
  return { ...built, deps, headers: await authHeaders(app, ORGID) }
}

/** A member of the shop with `points` available (an 'adjust' entry). */
export async function memberWithPoints (db: Db, shopId: string, customerId: number, points: number) {
  await addCustomer(db, shopId, customerId)
  await inTx(db, async tx => {
    await activateMember(tx, shopId, customerId, 'manual', 'test', new Date())
    if (points !== 0) {
      await writeLedgerEntries(tx, shopId, [{
        customerId, kind: 'adjust', points, state: 'available', availableAt: new Date(), source: 'adjustment', idempotencyKey: `test-adjust:${customerId}`,
      }], new Date())
    }
  })
}

export async function createOption (app: App, headers: Record<string, string>, option: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'PUT',
    url: '/api/rewards/options',
    headers,
    payload: [{ name: 'Giảm 50.000đ', pointsCost: 100, discountType: 'fixed_amount', value: 50_000, validDays: 30, ...option }],
  })
  if (res.statusCode !== 200) throw new Error(`PUT options answered ${res.statusCode}: ${res.body}`)
  return (res.json() as { id: string }[])[0]!
}

export async function simDiscounts (deps: { client: HaravanClient }): Promise<HaravanDiscount[]> {
  const client = deps.client
  return (await client.request<{ discounts: HaravanDiscount[] }>(ORGID, 'GET', '/com/discounts.json')).discounts
}

export async function redeem (app: App, headers: Record<string, string>, customerId: number, optionId: string, key?: string) {
  return app.inject({
    method: 'POST',
    url: `/api/members/${customerId}/rewards`,
    headers: key === undefined ? headers : { ...headers, 'idempotency-key': key },
    payload: { optionId },
  })
}
