// The Haravan client against the simulator over HTTP: since_id paging, the leaky bucket, Retry-After, 5xx retries, 401 refresh.
import t from 'tap'
import { createHaravanClient, HaravanApiError, type TokenProvider } from '../../server/haravan/client.ts'
import type { HaravanSim } from '../../scripts/haravan-sim/index.ts'
import { fakeClock, install, simFor } from '../haravan-sim/helpers.ts'

const ORG = '1000000001'

interface Tap { teardown: (fn: () => unknown) => void }

interface Setup { sim: HaravanSim, clock: ReturnType<typeof fakeClock>, sleeps: number[], refreshes: string[], tokens: TokenProvider & { current: string } }

/** A sim and a client sharing one fake clock: sleeping advances it, so rate-limit waits cost no real time. */
async function setup (t: Tap): Promise<Setup & { client: ReturnType<typeof createHaravanClient> }> {
  const clock = fakeClock()
  const sim = await simFor(t, { now: clock.now })
  sim.addShop({ orgid: ORG, name: 'Cửa hàng Demo' })
  const issued = await install(sim, ORG)
  const refreshes: string[] = []
  const sleeps: number[] = []
  const tokens = {
    current: issued.access_token,
    refreshToken: issued.refresh_token,
    async get () { return this.current },
    async refresh (_shopId: string, rejected: string) {
      refreshes.push(rejected)
      const res = await fetch(`${sim.accountsUrl}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.refreshToken, client_id: 'test-client-id', client_secret: 'test-client-secret' }),
      })
      this.current = (await res.json() as { access_token: string }).access_token
      return this.current
    },
  }
  const client = createHaravanClient({
    apiUrl: sim.apiUrl,
    webhookApiUrl: sim.webhookApiUrl,
    tokens,
    clock: clock.now,
    sleep: async (ms) => { sleeps.push(ms); clock.advance(ms) },
  })
  return { sim, clock, sleeps, refreshes, tokens, client }
}

t.test('paginate follows since_id over more than 50 records, ascending, then stops', async (t) => {
  const { sim, client } = await setup(t)
  for (let i = 0; i < 123; i++) sim.createCustomer(ORG, { first_name: `Khách ${i}`, phone: `09${String(10_000_000 + i)}` })
  const ids: number[] = []
  for await (const c of client.listCustomers(ORG)) ids.push(c.id)
  t.equal(ids.length, 123)
  t.same(ids, [...ids].sort((a, b) => a - b), 'ascending ids')
  const calls = sim.requestLog.filter((r) => r.path === '/com/customers.json')
  t.equal(calls.length, 3, '50 + 50 + 23')
})

t.test('listOrders asks for status=any so cancelled and closed orders come too', async (t) => {
  const { sim, client } = await setup(t)
  const c = sim.createCustomer(ORG, { first_name: 'An' })
  const a = sim.createOrder(ORG, { customer: { id: c.id } })
  sim.createOrder(ORG, { customer: { id: c.id } })
  sim.cancelOrder(ORG, a.id)
  const orders = []
  for await (const o of client.listOrders(ORG)) orders.push(o)
  t.equal(orders.length, 2)
  t.equal((await client.getOrder(ORG, a.id)).id, a.id)
  t.equal((await client.getShop(ORG)).id, Number(ORG))
})

t.test('200 calls in a burst never get a 429: the client waits on its own bucket', async (t) => {
  const { sim, client, sleeps } = await setup(t)
  for (let i = 0; i < 200; i++) await client.request(ORG, 'GET', '/com/customers/count.json')
  const statuses = sim.requestLog.filter((r) => r.path === '/com/customers/count.json').map((r) => r.status)
  t.equal(statuses.length, 200)
  t.equal(statuses.filter((s) => s === 429).length, 0, 'no 429')
  t.ok(sleeps.length > 0, 'it had to wait for the bucket to leak')
})

t.test('concurrent calls share the bucket and still get no 429 (real clock, faster bucket)', async (t) => {
  // Real time here: with a fake clock, waiting callers would jump time while earlier calls are still in flight.
  const sim = await simFor(t, { rateLimit: { bucket: 20, leakPerSecond: 10 } })
  sim.addShop({ orgid: ORG, name: 'Shop' })
  const { access_token: token } = await install(sim, ORG)
  const tokens: TokenProvider = { get: async () => token, refresh: async () => token }
  const client = createHaravanClient({ apiUrl: sim.apiUrl, webhookApiUrl: sim.webhookApiUrl, tokens, bucket: { capacity: 20, leakPerSecond: 10, headroom: 8 } })
  // headroom 8 at 10/s tolerates 0.8 s of latency jitter between our count and the server's (loaded CI machines).
  await Promise.all(Array.from({ length: 40 }, () => client.request(ORG, 'GET', '/com/customers/count.json')))
  const statuses = sim.requestLog.map((r) => r.status)
  t.equal(statuses.length, 40)
  t.equal(statuses.filter((s) => s === 429).length, 0)
})

t.test('honours Retry-After when another consumer drained the bucket', async (t) => {
  const { sim, client, sleeps, tokens } = await setup(t)
  // Another app instance (same token) empties the shop's bucket behind the client's back.
  for (let i = 0; i < 80; i++) await fetch(`${sim.apiUrl}/com/shop.json`, { headers: { authorization: `Bearer ${tokens.current}` } })
  const shop = await client.getShop(ORG)
  t.equal(shop.id, Number(ORG))
  const log = sim.requestLog.filter((r) => r.path === '/com/shop.json')
  t.equal(log.at(-2)?.status, 429, 'the first try was refused')
  t.equal(log.at(-1)?.status, 200, 'the retry succeeded')
  t.ok(sleeps.includes(2000), 'waited Retry-After: 2.0 seconds')
})

t.test('retries a 500 and succeeds; gives up with HaravanApiError after bounded attempts', async (t) => {
  const { sim, client, sleeps } = await setup(t)
  sim.failNext(ORG, 2, 500)
  t.equal((await client.getShop(ORG)).id, Number(ORG))
  t.same(sleeps.slice(0, 2), [500, 1000], 'exponential backoff')
  sim.failNext(ORG, 10, 503)
  const err = await client.getShop(ORG).catch((e: unknown) => e)
  t.ok(err instanceof HaravanApiError)
  t.equal((err as HaravanApiError).status, 503)
  t.match((err as HaravanApiError).body, { errors: 'Simulated failure' })
})

t.test('a 4xx other than 401/429 is thrown at once with status and body', async (t) => {
  const { client } = await setup(t)
  const err = await client.getOrder(ORG, 42).catch((e: unknown) => e) as HaravanApiError
  t.equal(err.status, 404)
  t.match(err.message, /404/)
})

t.test('on 401 the token is refreshed once and the call retried', async (t) => {
  const { sim, client, refreshes, tokens } = await setup(t)
  const old = tokens.current
  sim.expireToken(ORG)
  t.equal((await client.getShop(ORG)).id, Number(ORG))
  t.same(refreshes, [old], 'refresh called once with the rejected token')
  t.not(tokens.current, old)
})

t.test('a second 401 after the refresh is an error, not a loop', async (t) => {
  const { sim, client, refreshes } = await setup(t)
  const tokens: TokenProvider = { get: async () => 'bogus', refresh: async () => { refreshes.push('x'); return 'still-bogus' } }
  const c2 = createHaravanClient({ apiUrl: sim.apiUrl, webhookApiUrl: sim.webhookApiUrl, tokens, sleep: async () => {} })
  const err = await c2.getShop(ORG).catch((e: unknown) => e) as HaravanApiError
  t.equal(err.status, 401)
  t.equal(refreshes.length, 1)
  t.ok(client)
})

t.test('writes send JSON: createDiscount works; a refused scope is a 403 HaravanApiError', async (t) => {
  const { sim, client } = await setup(t)
  const d = await client.createDiscount(ORG, { code: 'TICHDIEM50K', discount_type: 'fixed_amount', value: 50000 })
  t.equal(d.code, 'TICHDIEM50K')
  sim.setDiscountsAllowed(ORG, false)
  const err = await client.createDiscount(ORG, { code: 'X2', discount_type: 'fixed_amount', value: 1 }).catch((e: unknown) => e) as HaravanApiError
  t.equal(err.status, 403)
})

t.test('network errors are retried then reported', async (t) => {
  const tokens: TokenProvider = { get: async () => 't', refresh: async () => 't' }
  const sleeps: number[] = []
  const c = createHaravanClient({ apiUrl: 'http://127.0.0.1:1', webhookApiUrl: 'http://127.0.0.1:1', tokens, sleep: async (ms) => { sleeps.push(ms) }, maxAttempts: 3 })
  const err = await c.getShop(ORG).catch((e: unknown) => e) as HaravanApiError
  t.ok(err instanceof HaravanApiError)
  t.equal(err.status, 0)
  t.equal(sleeps.length, 2)
})
