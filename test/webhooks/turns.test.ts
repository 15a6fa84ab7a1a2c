// LoopTurns: parses take turns of the event loop, so an answer from the database never waits behind a burst of them.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import { test } from 'tap'
import { LoopTurns } from '../../webhooks/turns.ts'

function busy (ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) { /* a parse's worth of work */ }
}

test('waiters are let through one by one, in the order they asked', async (t) => {
  const turns = new LoopTurns()
  const order: number[] = []
  await Promise.all(Array.from({ length: 100 }, (_, i) => turns.next().then(() => { order.push(i) })))
  t.same(order, Array.from({ length: 100 }, (_, i) => i))
})

test('each waiter has a turn of its own: an immediate scheduled by one runs before the next', async (t) => {
  const turns = new LoopTurns()
  const events: string[] = []
  await Promise.all(Array.from({ length: 5 }, (_, i) => turns.next().then(() => {
    events.push(`parse ${i}`)
    setImmediate(() => { events.push(`after ${i}`) })
  })))
  await new Promise((resolve) => setImmediate(resolve))
  // parse i's immediate comes before parse i + 2 at the latest (it is queued for the turn after the current one)
  for (let i = 0; i < 3; i++) t.ok(events.indexOf(`after ${i}`) < events.indexOf(`parse ${i + 2}`), `after ${i} before parse ${i + 2}`)
})

test('a socket answer that arrives during a burst is read after at most a few parses, not after all of them', async (t) => {
  // An echo server stands in for the database: the request goes out before the burst, its answer comes back during it.
  const server = createServer((socket) => { socket.on('data', (d) => socket.write(d)) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const client: Socket = connect((server.address() as AddressInfo).port, '127.0.0.1')
  await new Promise((resolve) => client.once('connect', resolve))
  t.teardown(() => { client.destroy() })

  const turns = new LoopTurns()
  const PARSES = 40
  let parsed = 0
  let parsedWhenAnswered = -1
  client.once('data', () => { parsedWhenAnswered = parsed })
  client.write('ping')
  await Promise.all(Array.from({ length: PARSES }, () => turns.next().then(() => { busy(3); parsed++ })))
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(parsedWhenAnswered >= 0, 'the answer was read')
  t.ok(parsedWhenAnswered <= 6, `read after ${parsedWhenAnswered} of ${PARSES} parses`)
})
