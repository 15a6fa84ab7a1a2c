// A campaign's sending loop in a process of its own, so kill.test.ts can SIGKILL it mid-campaign: argv = database URL, shop, campaign.
import { openPostgres } from '../../db/client.ts'
import { buildApp } from '../../server/app.ts'
import { testConfig } from '../helper.ts'

const [url, shopId, campaignId] = process.argv.slice(2) as [string, string, string]
const database = await openPostgres(url, { max: 5 })
const app = await buildApp({ config: testConfig(), database, boss: null, logger: false })
await app.ready()
const outcome = await app.campaigns.engine.run(shopId, campaignId)
process.stdout.write(`${outcome.state}\n`)
await app.close()
await database.close()
