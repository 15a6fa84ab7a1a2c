// Starts a standalone Haravan simulator: `tsx scripts/haravan-sim/cli.ts` (env HARAVAN_CLIENT_ID/SECRET, …).
import { startHaravanSim } from './index.ts'

const env = process.env
const sim = await startHaravanSim({
  clientId: env.HARAVAN_CLIENT_ID ?? 'sandbox-client-id',
  clientSecret: env.HARAVAN_CLIENT_SECRET ?? 'sandbox-client-secret',
  verifyToken: env.HARAVAN_WEBHOOK_VERIFY_TOKEN,
  port: Number(env.HARAVAN_SIM_PORT ?? 4567),
  host: env.HARAVAN_SIM_HOST ?? '127.0.0.1',
  webhookUrl: env.HARAVAN_SIM_WEBHOOK_URL
})
const orgid = env.HARAVAN_SIM_ORGID ?? '1000000001'
sim.addShop({ orgid, name: 'Cửa hàng Demo' })
if (env.SANDBOX_DEMO_DATA !== '0') sim.seedDemoData(orgid, { seed: 1 })

console.log(`Haravan simulator listening on ${sim.url} (shop ${orgid})`)
console.log(`HARAVAN_ACCOUNTS_URL=${sim.accountsUrl} HARAVAN_API_URL=${sim.apiUrl} HARAVAN_WEBHOOK_API_URL=${sim.webhookApiUrl}`)

const stop = (): void => {
  sim.close().then(() => process.exit(0), () => process.exit(1))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
