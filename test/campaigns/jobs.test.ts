// The campaign queues under pg-boss: a started campaign is sent by the worker, and an automatic one is scanned by the tick.
import t from 'tap'
import { authHeaders, build } from '../helper.ts'
import { announcement, createCampaign, seedMembers, smtpPeer, useSmtp } from './helpers.ts'

async function until (check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

t.test('the send queue finishes a started campaign without anyone calling it', async (t) => {
  const smtp = await smtpPeer(t)
  const { app, shopId } = await build(t, { jobs: true })
  const headers = await authHeaders(app)
  await useSmtp(app, headers, smtp.port)
  await seedMembers(app, shopId, [1, 2, 3].map(id => ({ id, name: `Khách ${id}`, email: `k${id}@example.vn` })), [1, 2, 3])
  const { id } = await createCampaign(app, headers, announcement())
  t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${id}/start`, headers, payload: {} })).statusCode, 202)
  await until(async () => (await app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers })).json().status === 'sent', 'status sent')
  t.equal(smtp.mails.length, 3)
  t.same(smtp.mails.map(m => m.to[0]).sort(), ['k1@example.vn', 'k2@example.vn', 'k3@example.vn'])
})
