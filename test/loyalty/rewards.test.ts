// Redeeming points for a Haravan discount code against the simulator: issued, held on 403, retried, idempotent, refused, tenant-scoped.
import t from 'tap'
import { verifyLedger } from '../../scripts/ledger-verify.ts'
import { authHeaders, installShop } from '../helper.ts'
import { balances, member } from './fixtures.ts'
import { createOption, memberWithPoints, ORGID, redeem, rewardsApp, simDiscounts } from './rewards-fixtures.ts'

t.setTimeout(300_000)

t.test('rewards over the admin API', async t => {
  const { app, sim, deps, headers } = await rewardsApp(t)
  const db = app.db
  const option = await createOption(app, headers)

  t.test('redeem → issued: the code exists in Haravan, entitled to the member, points used', async t => {
    await memberWithPoints(db, ORGID, 101, 250)
    const res = await redeem(app, headers, 101, option.id, 'k-101-a')
    t.equal(res.statusCode, 201, res.body)
    const reward = res.json()
    t.equal(reward.status, 'issued')
    t.match(reward.code, /^TD-[A-HJ-NP-Z2-9]{8}$/)
    t.equal(reward.points, 100)
    t.ok(reward.haravanDiscountId)
    const discount = (await simDiscounts(deps)).find(d => d.code === reward.code)
    t.ok(discount, 'the code exists in the simulator')
    t.equal(discount?.discount_type, 'fixed_amount')
    t.equal(discount?.value, 50_000)
    t.equal(discount?.usage_limit, 1)
    t.same(discount?.entitled_customer_ids, [101])
    t.ok(Date.parse(discount!.ends_at!) > Date.parse(discount!.starts_at!) + 29 * 86_400_000)
    t.match(balances(await member(db, ORGID, 101)), { available: 150, used: 100 })

    const list = await app.inject({ method: 'GET', url: '/api/members/101/rewards', headers })
    t.equal(list.json().total, 1)
    t.equal(list.json().items[0].code, reward.code)
  })

  t.test('the same Idempotency-Key twice → one reward, one spend', async t => {
    await memberWithPoints(db, ORGID, 102, 250)
    const first = await redeem(app, headers, 102, option.id, 'k-102')
    const second = await redeem(app, headers, 102, option.id, 'k-102')
    t.equal(first.statusCode, 201)
    t.equal(second.statusCode, 200)
    t.equal(second.json().id, first.json().id)
    t.equal(second.json().created, false)
    t.match(balances(await member(db, ORGID, 102)), { available: 150, used: 100 })
    t.equal((await simDiscounts(deps)).filter(d => d.code === first.json().code).length, 1)
  })

  t.test('without an Idempotency-Key → 400', async t => {
    const res = await redeem(app, headers, 102, option.id)
    t.equal(res.statusCode, 400)
    t.match(res.json().message, /Idempotency-Key/)
  })

  t.test('insufficient points → 409 in Vietnamese, nothing reserved', async t => {
    await memberWithPoints(db, ORGID, 103, 40)
    const res = await redeem(app, headers, 103, option.id, 'k-103')
    t.equal(res.statusCode, 409)
    t.match(res.json().message, /Không đủ điểm/)
    t.match(balances(await member(db, ORGID, 103)), { available: 40, used: 0 })
    t.equal((await app.inject({ method: 'GET', url: '/api/members/103/rewards', headers })).json().total, 0)
  })

  t.test('Haravan refuses the scope (403) → held with an instruction, nothing spent; retry after allowing → issued', async t => {
    await memberWithPoints(db, ORGID, 104, 120)
    sim.setDiscountsAllowed(ORGID, false)
    const before = (await simDiscounts(deps)).length
    const res = await redeem(app, headers, 104, option.id, 'k-104')
    t.equal(res.statusCode, 201, res.body)
    const held = res.json()
    t.equal(held.status, 'held')
    t.match(held.instruction, /Khuyến mãi/)
    t.match(held.instruction, held.code)
    t.match(held.instruction, /Giảm 50\.000 ₫/)
    t.match(held.instruction, /Điểm của khách chưa bị trừ/)
    t.match(balances(await member(db, ORGID, 104)), { available: 120, used: 0 })
    t.equal((await simDiscounts(deps)).length, before, 'no code created')

    const pending = await app.inject({ method: 'GET', url: '/api/rewards?status=held', headers })
    t.ok(pending.json().items.some((r: { id: string }) => r.id === held.id), 'listed as needing action')

    const again = await app.inject({ method: 'POST', url: `/api/rewards/${held.id}/retry`, headers })
    t.equal(again.json().status, 'held', 'still refused while the scope is missing')
    t.match(balances(await member(db, ORGID, 104)), { available: 120, used: 0 })

    sim.setDiscountsAllowed(ORGID, true)
    const retried = await app.inject({ method: 'POST', url: `/api/rewards/${held.id}/retry`, headers })
    t.equal(retried.statusCode, 200, retried.body)
    t.equal(retried.json().status, 'issued')
    t.equal(retried.json().instruction, null)
    t.ok((await simDiscounts(deps)).some(d => d.code === held.code))
    t.match(balances(await member(db, ORGID, 104)), { available: 20, used: 100 })
  })

  t.test('held → the merchant created it by hand → confirm-manual spends and issues', async t => {
    await memberWithPoints(db, ORGID, 105, 100)
    sim.setDiscountsAllowed(ORGID, false)
    const held = (await redeem(app, headers, 105, option.id, 'k-105')).json()
    sim.setDiscountsAllowed(ORGID, true)
    t.equal(held.status, 'held')
    const res = await app.inject({ method: 'POST', url: `/api/rewards/${held.id}/confirm-manual`, headers })
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().status, 'issued')
    t.match(balances(await member(db, ORGID, 105)), { available: 0, used: 100 })
    const twice = await app.inject({ method: 'POST', url: `/api/rewards/${held.id}/confirm-manual`, headers })
    t.equal(twice.statusCode, 409, 'not held any more')
  })

  t.test('another shop\'s member, option and reward → 404', async t => {
    const OTHER = '1000000002'
    await installShop(app, OTHER, 'Shop khác')
    await memberWithPoints(db, OTHER, 201, 500)
    const other = await authHeaders(app, OTHER)
    const mine = (await app.inject({ method: 'GET', url: '/api/members/101/rewards', headers })).json().items[0]
    t.equal((await app.inject({ method: 'GET', url: '/api/members/101/rewards', headers: other })).statusCode, 404)
    t.equal((await redeem(app, other, 101, option.id, 'x-1')).statusCode, 404, 'our member from the other shop')
    t.equal((await redeem(app, other, 201, option.id, 'x-2')).statusCode, 404, 'our option from the other shop')
    t.equal((await app.inject({ method: 'POST', url: `/api/rewards/${mine.id}/retry`, headers: other })).statusCode, 404)
    t.equal((await app.inject({ method: 'POST', url: `/api/rewards/${mine.id}/confirm-manual`, headers: other })).statusCode, 404)
    t.same((await app.inject({ method: 'GET', url: '/api/rewards', headers: other })).json().items, [])
    t.match(balances(await member(db, OTHER, 201)), { available: 500, used: 0 })
  })

  t.test('activity log and ledger invariants', async t => {
    const log = await app.inject({ method: 'GET', url: '/api/activity', headers })
    if (log.statusCode === 200) t.match(log.body, /reward\.issued/)
    t.same((await verifyLedger(db)).problems, [])
  })
})
