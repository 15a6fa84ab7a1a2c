// /healthz tells an operator when the database stops answering, instead of hanging with it.
import t from 'tap'
import { build } from '../helper.ts'

t.test('/healthz: 200 while the database answers, 503 within seconds when it does not', async (t) => {
  const { app } = await build(t)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  const db = app.db as unknown as { execute: (...args: unknown[]) => Promise<unknown> }
  const execute = db.execute
  db.execute = () => new Promise(() => {}) // a statement that never returns
  t.teardown(() => { db.execute = execute })
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 503)
  t.match(res.json().message, /Cơ sở dữ liệu chưa sẵn sàng/)
  db.execute = execute
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'and 200 again once it answers')
})
