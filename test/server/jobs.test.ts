// Durable jobs: pg-boss runs on the test database (PGlite or Postgres) and a graceful stop lets a running job finish.
import t from 'tap'
import { startBoss, stopBoss } from '../../server/jobs/boss.ts'
import { freshDatabase } from '../helper.ts'

t.test('a job sent is processed by a worker and its result recorded', async (t) => {
  const database = await freshDatabase(t)
  const errors: Error[] = []
  const boss = await startBoss(database, { schedule: false, onError: (err) => errors.push(err) })
  t.teardown(() => stopBoss(boss, 1000))
  await boss.createQueue('test.echo')
  const seen: unknown[] = []
  await boss.work('test.echo', { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    seen.push(job!.data)
    return { ok: true }
  })
  const id = await boss.send('test.echo', { hello: 'xin chào' })
  t.ok(id, 'job queued')
  const deadline = Date.now() + 15_000
  let state: string | undefined
  while (Date.now() < deadline) {
    state = (await boss.getJobById('test.echo', id!))?.state
    if (state === 'completed') break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(state, 'completed')
  t.same(seen, [{ hello: 'xin chào' }])
  t.same(errors.map(String), [], 'pg-boss reported no errors while working')
})

t.test('graceful stop waits for the running job to finish', async (t) => {
  const database = await freshDatabase(t)
  const errors: Error[] = []
  const boss = await startBoss(database, { schedule: false, onError: (err) => errors.push(err) })
  await boss.createQueue('test.slow')
  const progress = { started: false, finished: false }
  await boss.work('test.slow', { pollingIntervalSeconds: 0.5 }, async () => {
    progress.started = true
    await new Promise((resolve) => setTimeout(resolve, 800))
    progress.finished = true
  })
  const id = await boss.send('test.slow', {})
  const deadline = Date.now() + 15_000
  while (!progress.started && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(progress.started, 'the job started')
  await stopBoss(boss, 10_000)
  t.ok(progress.finished, 'stop returned only after the job finished')
  // A new instance on the same database sees the job completed, not stuck or lost.
  t.same(errors.map(String), [], 'pg-boss reported no errors while working')
  const again = await startBoss(database, { schedule: false, onError: () => {} })
  t.teardown(() => stopBoss(again, 1000))
  t.equal((await again.getJobById('test.slow', id!))?.state, 'completed')
})
