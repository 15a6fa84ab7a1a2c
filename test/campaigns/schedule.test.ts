// The minute tick reads only the automatic campaigns that are due (next_run_at), and birthday and reminder scans catch
// up a day the app was down: everyone due that day gets their message, nobody gets two, across restarts.
import { and, eq, sql } from 'drizzle-orm'
import t from 'tap'
import { campaigns } from '../../db/schema/index.ts'
import { tick } from '../../server/campaigns/jobs.ts'
import { daysToScan } from '../../server/campaigns/triggers.ts'
import { authHeaders, build } from '../helper.ts'
import { createCampaign, seedMembers, smtpPeer, useSmtp } from './helpers.ts'

t.test('days to scan: today once, the missed days since the last scan, at most a week back', async (t) => {
  const vn = 'Asia/Ho_Chi_Minh'
  const at = new Date('2026-03-03T01:00:00Z') // 08:00 on 3 March in Hồ Chí Minh City
  t.same(daysToScan(undefined, at, vn), [0], 'first scan: today only')
  t.same(daysToScan('2026-03-03', at, vn), [], 'today was scanned')
  t.same(daysToScan('2026-03-02', at, vn), [0])
  t.same(daysToScan('2026-03-01', at, vn), [-1, 0], '2 March was missed')
  t.same(daysToScan('2026-01-01', at, vn), [-7, -6, -5, -4, -3, -2, -1, 0], 'a week at most')
  t.same(daysToScan('2026-03-02', new Date('2026-03-02T16:59:00Z'), vn), [], '23:59 local is still 2 March')
})

t.test('automatic campaigns on a schedule', async (t) => {
  const smtp = await smtpPeer(t)
  let now = new Date('2026-03-01T03:00:00Z') // 10:00 on 1 March 2026 in Hồ Chí Minh City
  const { app, shopId } = await build(t, { clock: () => now })
  const headers = await authHeaders(app)
  await useSmtp(app, headers, smtp.port)
  await seedMembers(app, shopId, [
    { id: 41, name: 'Sinh Ngày Một', email: 'mot@example.vn', birthday: '1990-03-01' },
    { id: 42, name: 'Sinh Ngày Hai', email: 'hai@example.vn', birthday: '1991-03-02' },
    { id: 43, name: 'Sinh Ngày Ba', email: 'ba@example.vn', birthday: '1992-03-03' },
    { id: 44, name: 'Mua Ba Mươi Tháng Một', email: 'bm@example.vn', member: { lastOrderAt: new Date('2026-01-30T05:00:00Z') } },
    { id: 45, name: 'Mua Ba Mốt Tháng Một', email: 'bmm@example.vn', member: { lastOrderAt: new Date('2026-01-31T05:00:00Z') } },
  ], [41, 42, 43, 44, 45])
  const engine = app.campaigns.engine
  const deps = app.campaigns.deps
  const birthday = await createCampaign(app, headers, { name: 'Sinh nhật', type: 'birthday', channels: ['email'], audience: { all: true }, trigger: { daysBefore: 0 }, email: { subject: 'Sinh nhật {{ten}}', html: '<p>Chúc mừng</p>' } })
  const reminder = await createCampaign(app, headers, { name: 'Gợi nhớ', type: 'reminder', channels: ['email'], audience: { all: true }, trigger: { afterDays: 30 }, email: { subject: 'Nhớ {{ten}}', html: '<p>Lâu rồi</p>' } })
  for (const c of [birthday, reminder]) t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${c.id}/start`, headers, payload: {} })).statusCode, 202)
  const runBoth = async () => { for (const c of [birthday, reminder]) await engine.run(shopId, c.id) }
  const to = (prefix: string) => smtp.mails.filter(m => m.subject.startsWith(prefix)).map(m => m.to[0]).sort()
  const nextRun = async (id: string) => (await app.db.select({ at: campaigns.nextRunAt }).from(campaigns).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, id))))[0]?.at?.toISOString()

  t.match(await tick(deps), { scanned: 2 })
  await runBoth()
  t.same(to('Sinh nhật'), ['mot@example.vn'])
  t.same(to('Nhớ'), ['bm@example.vn'])
  t.equal(await nextRun(birthday.id), '2026-03-01T17:00:00.000Z', 'next scan: midnight of 2 March, local')
  t.equal(await nextRun(reminder.id), '2026-03-01T17:00:00.000Z')
  now = new Date('2026-03-01T10:00:00Z')
  t.same(await tick(deps), { scanned: 0, added: 0 }, 'later the same day the tick reads nothing')

  // The app is down from 1 March evening to 3 March 08:00: 2 March's scan never ran.
  now = new Date('2026-03-03T01:00:00Z')
  t.same(await tick(deps), { scanned: 2, added: 3 }, '2 and 3 March: two birthdays and one lapse')
  await runBoth()
  t.same(to('Sinh nhật'), ['ba@example.vn', 'hai@example.vn', 'mot@example.vn'], 'the missed birthday is caught up')
  t.same(to('Nhớ'), ['bm@example.vn', 'bmm@example.vn'], 'the missed lapse is caught up')
  t.same(await tick(deps), { scanned: 0, added: 0 })

  // A worker died after scanning but before its bookkeeping: the scan runs again and adds nobody.
  await app.db.execute(sql`update campaigns set next_run_at = ${now.toISOString()}::timestamptz, cursor = '{"day":"2026-03-01"}'::jsonb where shop_id = ${shopId}`)
  t.same(await tick(deps), { scanned: 2, added: 0 })
  await runBoth()
  t.equal(smtp.mails.length, 5, 'nobody got two')

  // A paused campaign is not read at all; resuming makes it due again.
  now = new Date('2026-03-04T01:00:00Z')
  const later = await authHeaders(app)
  t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${birthday.id}/pause`, headers: later })).statusCode, 200)
  t.same(await tick(deps), { scanned: 1, added: 0 }, 'only the reminder')
  t.equal((await app.inject({ method: 'POST', url: `/api/campaigns/${birthday.id}/resume`, headers: later })).statusCode, 200)
  t.match(await tick(deps), { scanned: 1 })
})
