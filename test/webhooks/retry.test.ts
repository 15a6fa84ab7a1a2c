// retryInbox: failed deliveries are applied later, one transaction each; attempts, age and shop status are honoured.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { customers } from '../../db/schema/index.ts'
import { markShopUninstalled } from '../../server/haravan/uninstall.ts'
import { INBOX_RETRY_QUEUE, retryInbox } from '../../webhooks/retry.ts'
import { build } from '../helper.ts'
import { count, deliver, fixture, inboxRows } from './helpers.ts'

function clock (start = '2026-11-20T03:00:00.000Z') {
  let now = Date.parse(start)
  return { now: () => new Date(now), advance: (s: number) => { now += s * 1000 } }
}

t.test('a delivery whose apply fails is kept as failed, then applied by retryInbox', async (t) => {
  const c = clock()
  const { app, database } = await build(t, { clock: c.now })
  const db = database.db
  // A real failure inside the apply: the customers table refuses this id until the constraint is dropped.
  await db.execute(sql`alter table customers add constraint test_refuse_customer check (id <> 1037889951)`)
  const res = await deliver(app, { topic: 'customers/create', body: fixture('customer.json') })
  t.equal(res.statusCode, 200, 'we have the delivery, so Haravan need not resend it')
  t.match(res.json(), { result: 'failed' })
  t.match(await inboxRows(db), [{ status: 'failed', attempts: 1, last_error: /test_refuse_customer|check constraint/ }])
  t.notMatch((await inboxRows(db))[0]?.last_error, /lan\.nguyen|0912345678/, 'no personal data in the error')
  t.equal(await count(db, 'customers'), 0, 'the failed transaction left nothing half-applied')

  t.same(await retryInbox(db, { now: c.now() }), { applied: 0, failed: 0, ignored: 0 }, 'too young to retry')
  c.advance(31)
  t.same(await retryInbox(db, { now: c.now() }), { applied: 0, failed: 1, ignored: 0 }, 'still failing')
  t.match(await inboxRows(db), [{ status: 'failed', attempts: 2 }])
  t.same(await retryInbox(db, { now: c.now() }), { applied: 0, failed: 0, ignored: 0 }, 'a row just tried waits again')

  await db.execute(sql`alter table customers drop constraint test_refuse_customer`)
  c.advance(31)
  t.same(await retryInbox(db, { now: c.now() }), { applied: 1, failed: 0, ignored: 0 })
  t.match(await inboxRows(db), [{ status: 'applied', attempts: 3, last_error: null }])
  const [row] = await db.select().from(customers)
  t.equal(row?.fullName, 'Nguyễn Thị Lan')
  c.advance(31)
  t.same(await retryInbox(db, { now: c.now() }), { applied: 0, failed: 0, ignored: 0 }, 'applied rows are left alone')
})

t.test('maxAttempts stops retries; rows of an uninstalled shop are ignored; received rows are picked up', async (t) => {
  const c = clock()
  const { app, database, shopId } = await build(t, { clock: c.now })
  const db = database.db
  await deliver(app, { topic: 'orders/paid', body: '{"broken":' })
  c.advance(31)
  t.same(await retryInbox(db, { now: c.now(), maxAttempts: 2 }), { applied: 0, failed: 1, ignored: 0 })
  c.advance(31)
  t.same(await retryInbox(db, { now: c.now(), maxAttempts: 2 }), { applied: 0, failed: 0, ignored: 0 }, 'two attempts is the max')

  // A row left 'received' (e.g. stored by another path) is applied like a failed one.
  const body = JSON.stringify(fixture('customer.json'))
  await db.execute(sql`insert into webhook_inbox (shop_id, topic, body_hash, payload, received_at) values (${shopId}, 'customers/create', 'h1', ${body}::jsonb, ${new Date(c.now().getTime() - 60_000).toISOString()}::timestamptz)`)
  t.same(await retryInbox(db, { now: c.now(), maxAttempts: 2 }), { applied: 1, failed: 0, ignored: 0 })

  await db.execute(sql`insert into webhook_inbox (shop_id, topic, body_hash, payload, status, attempts, received_at) values (${shopId}, 'customers/update', 'h2', ${body}::jsonb, 'failed', 1, ${new Date(c.now().getTime() - 60_000).toISOString()}::timestamptz)`)
  await markShopUninstalled(db, shopId, c.now())
  t.same(await retryInbox(db, { now: c.now(), maxAttempts: 2 }), { applied: 0, failed: 0, ignored: 1 }, 'nothing more happens for an uninstalled shop')
  t.match((await inboxRows(db)).at(-1), { topic: 'customers/update', status: 'ignored' })
})

t.test('registerInboxRetryJob: the queue exists and runs every minute (with pg-boss)', async (t) => {
  const { app } = await build(t, { jobs: true })
  const boss = app.boss!
  t.ok(await boss.getQueue(INBOX_RETRY_QUEUE), 'queue created')
  const schedules = await boss.getSchedules()
  t.ok(schedules.some((s: { name: string, cron: string }) => s.name === INBOX_RETRY_QUEUE && s.cron === '* * * * *'), 'scheduled every minute')
})

t.test('concurrent retry runs (several instances) never take the same row', async (t) => {
  const c = clock()
  const { database, shopId } = await build(t, { clock: c.now })
  const db = database.db
  const old = new Date(c.now().getTime() - 60_000).toISOString()
  for (let i = 1; i <= 20; i++) {
    const body = JSON.stringify({ id: 7000 + i, first_name: `Khách ${i}`, updated_at: '2026-11-01T00:00:00Z' })
    await db.execute(sql`insert into webhook_inbox (shop_id, topic, body_hash, payload, received_at) values (${shopId}, 'customers/create', ${`h${i}`}, ${body}::jsonb, ${old}::timestamptz)`)
  }
  const runs = await Promise.all([1, 2, 3].map(() => retryInbox(db, { now: c.now() })))
  t.equal(runs.reduce((s, r) => s + r.applied, 0), 20, 'each row applied by exactly one run')
  t.ok((await inboxRows(db)).every((r) => r.status === 'applied' && r.attempts === 1))
  t.equal(await count(db, 'customers'), 20)
})
