// Rewards under stress: simultaneous redemptions, a crash between the phases, Haravan failures, automatic rewards once per member.
import { and, eq } from 'drizzle-orm'
import t from 'tap'
import { rewards } from '../../db/schema/index.ts'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { queueAutomaticReward } from '../../server/loyalty/rewards-catalogue.ts'
import { issuePendingRewards, reserveReward, settleStaleReservations } from '../../server/loyalty/rewards.ts'
import { addCustomer, balances, inTx, member } from './fixtures.ts'
import { createOption, memberWithPoints, ORGID, redeem, rewardsApp, simDiscounts } from './rewards-fixtures.ts'

t.setTimeout(600_000)

t.test('rewards flows', async t => {
  const { app, sim, deps, headers } = await rewardsApp(t)
  const db = app.db
  const option = await createOption(app, headers, { name: 'Miễn phí vận chuyển', discountType: 'shipping', value: 0, pointsCost: 100 })

  t.test('20 simultaneous redemptions with points for 5 → exactly 5 issued, never negative', async t => {
    await memberWithPoints(db, ORGID, 301, 540)
    const results = await Promise.all(Array.from({ length: 20 }, (_, k) => redeem(app, headers, 301, option.id, `burst-${k}`)))
    const codes = results.map(r => r.statusCode).sort()
    t.equal(codes.filter(c => c === 201).length, 5, codes.join(','))
    t.equal(codes.filter(c => c === 409).length, 15)
    t.ok(results.filter(r => r.statusCode === 201).every(r => r.json().status === 'issued'))
    const m = balances(await member(db, ORGID, 301))
    t.match(m, { available: 40, used: 500 })
    const rows = await db.select().from(rewards).where(and(eq(rewards.shopId, ORGID), eq(rewards.customerId, 301)))
    t.equal(rows.length, 5, 'refused redemptions reserved nothing')
    const shipping = (await simDiscounts(deps)).filter(d => rows.some(r => r.code === d.code))
    t.equal(shipping.length, 5)
    t.ok(shipping.every(d => d.discount_type === 'shipping'))
  })

  t.test('crash between the phases → settleStaleReservations issues it, never lost', async t => {
    await memberWithPoints(db, ORGID, 302, 300)
    const { row } = await reserveReward(deps, ORGID, 302, option.id, 'crash-1', 'u')
    t.equal(row.status, 'reserved')
    t.match(balances(await member(db, ORGID, 302)), { available: 200, used: 100 }, 'reserved points are not spendable twice')
    t.same(await settleStaleReservations(deps, { olderThanMs: 60_000 }), { issued: 0, held: 0, voided: 0 }, 'a fresh reservation is left alone')
    const settled = await settleStaleReservations(deps, { olderThanMs: -1 })
    t.equal(settled.issued, 1)
    const [after] = await db.select().from(rewards).where(and(eq(rewards.shopId, ORGID), eq(rewards.id, row.id)))
    t.equal(after?.status, 'issued')
    t.ok((await simDiscounts(deps)).some(d => d.code === row.code))
  })

  t.test('crash after Haravan created the code → 422 "taken" counts as created', async t => {
    await memberWithPoints(db, ORGID, 303, 100)
    const { row } = await reserveReward(deps, ORGID, 303, option.id, 'crash-2', 'u')
    await deps.client.createDiscount(ORGID, { code: row.code, discount_type: 'shipping', value: 0 })
    const settled = await settleStaleReservations(deps, { olderThanMs: -1 })
    t.equal(settled.issued, 1)
    const [after] = await db.select().from(rewards).where(and(eq(rewards.shopId, ORGID), eq(rewards.id, row.id)))
    t.equal(after?.status, 'issued')
    t.match(balances(await member(db, ORGID, 303)), { available: 0, used: 100 })
  })

  t.test('Haravan keeps failing (5xx after retries) → voided with the error, points back', async t => {
    await memberWithPoints(db, ORGID, 304, 100)
    const { row } = await reserveReward(deps, ORGID, 304, option.id, 'fail-1', 'u')
    sim.failNext(ORGID, 10, 500)
    await settleStaleReservations(deps, { olderThanMs: -1 })
    sim.failNext(ORGID, 0)
    const [after] = await db.select().from(rewards).where(and(eq(rewards.shopId, ORGID), eq(rewards.id, row.id)))
    t.equal(after?.status, 'voided')
    t.match(after?.error, /500/)
    t.match(balances(await member(db, ORGID, 304)), { available: 100, used: 0 })
  })

  t.test('automatic registration reward: issued once per member, costs no points', async t => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/rewards/automatic',
      headers,
      payload: [{ trigger: 'registration', enabled: true, discountType: 'percentage', value: 10, validDays: 7 }],
    })
    t.equal(put.statusCode, 200, put.body)
    t.equal(put.json().length, 3, 'every trigger is listed')
    await memberWithPoints(db, ORGID, 305, 0)
    const now = new Date()
    // Activation already queued it (the hook in activateMember); asking again queues nothing.
    const again = await inTx(db, tx => queueAutomaticReward(tx, ORGID, 305, 'registration', {}, now))
    t.equal(again, null, 'queued once')
    t.equal((await db.select().from(rewards).where(and(eq(rewards.shopId, ORGID), eq(rewards.customerId, 305)))).length, 1)
    t.equal(await inTx(db, tx => queueAutomaticReward(tx, ORGID, 305, 'first_purchase', {}, now)), null, 'a disabled trigger queues nothing')
    const run = await issuePendingRewards(deps, { shopId: ORGID })
    t.equal(run.issued, 1)
    t.equal((await issuePendingRewards(deps, { shopId: ORGID })).issued, 0)
    const list = (await app.inject({ method: 'GET', url: '/api/members/305/rewards', headers })).json()
    t.equal(list.total, 1)
    t.match(list.items[0], { trigger: 'registration', status: 'issued', points: 0, discountType: 'percentage', value: 10 })
    const d = (await simDiscounts(deps)).find(x => x.code === list.items[0].code)
    t.equal(d?.value, 10)
    t.match(balances(await member(db, ORGID, 305)), { available: 0, used: 0 })
  })

  t.test('an automatic reward refused by Haravan is held, then confirmed by hand', async t => {
    await memberWithPoints(db, ORGID, 306, 0)
    sim.setDiscountsAllowed(ORGID, false)
    t.equal((await issuePendingRewards(deps, { shopId: ORGID })).held, 1)
    sim.setDiscountsAllowed(ORGID, true)
    const held = (await app.inject({ method: 'GET', url: '/api/rewards?status=held', headers })).json().items.find((r: { customerId: number }) => r.customerId === 306)
    t.ok(held?.instruction)
    t.notMatch(held.instruction, /Điểm của khách/, 'no points involved')
    const res = await app.inject({ method: 'POST', url: `/api/rewards/${held.id}/confirm-manual`, headers })
    t.equal(res.json().status, 'issued')
  })

  t.test('hooks: a manual activation queues the registration reward once', async t => {
    await addCustomer(db, ORGID, 307)
    const res = await app.inject({ method: 'POST', url: '/api/members/307/activate', headers })
    t.equal(res.statusCode, 200, res.body)
    await app.inject({ method: 'POST', url: '/api/members/307/activate', headers })
    const rows = await db.select().from(rewards).where(and(eq(rewards.shopId, ORGID), eq(rewards.customerId, 307)))
    t.equal(rows.length, 1)
    t.match(rows[0], { trigger: 'registration', status: 'pending' })
  })

  t.test('ledger invariants hold', async t => {
    t.same((await verifyLedger(db)).problems, [])
  })
})
