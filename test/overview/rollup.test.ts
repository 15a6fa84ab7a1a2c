// The overview rollup: the refresh job keeps every shop's days equal to a recomputation (overview:verify), and periods are exact dates.
import t from 'tap'
import fc from 'fast-check'
import { verifyRollups } from '../../scripts/overview-verify.ts'
import { refreshAllRollups } from '../../server/overview/jobs.ts'
import { refreshRollup } from '../../server/overview/rollup.ts'
import { dayNumber, isoDay, periodDays, previousPeriod, resolvePeriod } from '../../server/overview/period.ts'
import { history, ORDERS, sendOrder } from './fixtures.ts'

t.test('the refresh job brings a shop up to date; overview:verify finds it equal to a recomputation, and finds a tampered day', async (t) => {
  const { app, shopId } = await history(t)
  t.equal(await refreshAllRollups(app.db, app.clock()), 1, 'the installed shop')
  t.same(await verifyRollups(app.db), [])
  await sendOrder(app, { ...ORDERS[5]!, cancelled: true }) // 203's order of 20/11 cancelled after the refresh
  await refreshAllRollups(app.db, app.clock())
  t.same(await verifyRollups(app.db), [], 'the cancellation is in the rollup')
  // Everything above is stamped within the look-back margin of the clock: what a refresh took in is not redone.
  t.equal(await refreshRollup(app.db, shopId, 'Asia/Ho_Chi_Minh', app.clock()), 0, 'a second refresh with nothing new recomputes no day')
  await sendOrder(app, { ...ORDERS[5]!, total: ORDERS[5]!.total + 1000 }) // written again at the very same clock time, a new state
  t.ok(Number(await refreshRollup(app.db, shopId, 'Asia/Ho_Chi_Minh', app.clock())) >= 1, 'a row rewritten at the same stamp is recomputed')
  t.same(await verifyRollups(app.db), [], 'and the rollup equals a recomputation')
  await sendOrder(app, { ...ORDERS[5]!, total: ORDERS[5]!.total + 1000, cancelled: true })
  t.ok(Number(await refreshRollup(app.db, shopId, 'Asia/Ho_Chi_Minh', app.clock())) >= 1, 'cancelled again: recomputed again')
  t.same(await verifyRollups(app.db), [])
  // A customer's first revenue order cancelled: the next one is no longer a repeat order (its day, weeks later, changes).
  await sendOrder(app, { ...ORDERS[0]!, cancelled: true }) // 201's October order; 9101 of 05/11 becomes the first
  await refreshAllRollups(app.db, app.clock())
  t.same(await verifyRollups(app.db), [], 'the first order cancelled: the later first order is recomputed')
  await sendOrder(app, { ...ORDERS[6]!, total: 900_001, cancelled: true }) // 204's 21/11 order; 22/11 becomes the first
  await sendOrder(app, { ...ORDERS[2]!, total: 1_000_001 }) // 201's second order rewritten in the same refresh
  await refreshAllRollups(app.db, app.clock())
  t.same(await verifyRollups(app.db), [], 'two customers\' orders in one refresh')
  await app.db.execute(`update overview_days set member_revenue = member_revenue + 1 where shop_id = '${shopId}' and day = '2026-11-05'`)
  t.same(await verifyRollups(app.db), [{ shopId, days: ['2026-11-05'], tiers: [] }], 'a wrong day is reported')
  // Last (the rollup then counts as refreshed later than the app's clock): a refresh 90 s on, when the rows above have
  // left the margin of this refresh but were inside the last one's, recognises them as taken in.
  await app.db.execute(`update overview_days set member_revenue = member_revenue - 1 where shop_id = '${shopId}' and day = '2026-11-05'`)
  await refreshRollup(app.db, shopId, 'Asia/Ho_Chi_Minh', app.clock())
  t.equal(await refreshRollup(app.db, shopId, 'Asia/Ho_Chi_Minh', new Date(app.clock().getTime() + 90_000)), 0, 'nothing redone 90 s later')
})

const isoDate = fc.integer({ min: dayNumber('2000-01-01'), max: dayNumber('2099-12-31') }).map(isoDay)

t.test('periods: the previous one has the same length and ends the day before; bounds are checked', async (t) => {
  fc.assert(fc.property(isoDate, fc.integer({ min: 1, max: 366 }), (from, length) => {
    const period = resolvePeriod({ from, to: isoDay(dayNumber(from) + length - 1) }, '2026-12-01')
    const prev = previousPeriod(period)
    return periodDays(prev) === length && dayNumber(prev.to) === dayNumber(period.from) - 1
  }))
  fc.assert(fc.property(isoDate, isoDate, (a, b) => {
    const span = dayNumber(b) - dayNumber(a) + 1
    try {
      resolvePeriod({ from: a, to: b }, '2026-12-01')
      return span >= 1 && span <= 366
    } catch {
      return span < 1 || span > 366
    }
  }))
  t.same(resolvePeriod({}, '2026-03-01'), { from: '2026-01-31', to: '2026-03-01' }, 'the default: 30 days up to today')
})
