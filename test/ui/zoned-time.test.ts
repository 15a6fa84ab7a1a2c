// The campaign schedule's wall clock: a time picked in the admin is the shop's local time, not the browser's.
import fc from 'fast-check'
import t from 'tap'
import { isoToZonedLocal, zonedLocalToIso } from '../../embedded-ui/src/zoned-time.ts'

t.test('09:00 in Hồ Chí Minh is 02:00 UTC, whatever timezone the process runs in', async (t) => {
  t.equal(zonedLocalToIso('2026-12-24T09:00', 'Asia/Ho_Chi_Minh'), '2026-12-24T02:00:00.000Z')
  t.equal(zonedLocalToIso('2026-01-01T03:30', 'Asia/Ho_Chi_Minh'), '2025-12-31T20:30:00.000Z', 'crosses back a day and a year')
  t.equal(zonedLocalToIso('2026-07-01T09:00', 'America/New_York'), '2026-07-01T13:00:00.000Z', 'summer time')
  t.equal(zonedLocalToIso('2026-12-01T09:00', 'America/New_York'), '2026-12-01T14:00:00.000Z', 'winter time')
  t.equal(zonedLocalToIso('2026-12-24T09:00', 'Asia/Kolkata'), '2026-12-24T03:30:00.000Z', 'half-hour offset')
  t.equal(zonedLocalToIso('24/12/2026 09:00', 'Asia/Ho_Chi_Minh'), null, 'anything but a datetime-local value is refused')
  t.equal(zonedLocalToIso('', 'Asia/Ho_Chi_Minh'), null)
})

t.test('the picker default reads the shop clock: an instant shown in Hồ Chí Minh is UTC + 7', async (t) => {
  t.equal(isoToZonedLocal(Date.parse('2026-12-24T20:15:00Z'), 'Asia/Ho_Chi_Minh'), '2026-12-25T03:15')
})

t.test('reading an instant on a shop clock and converting it back gives the same minute', async (t) => {
  const zones = ['Asia/Ho_Chi_Minh', 'Asia/Bangkok', 'Europe/London', 'America/New_York', 'Australia/Adelaide', 'UTC']
  fc.assert(fc.property(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => Math.floor(ms / 60_000) * 60_000),
    fc.constantFrom(...zones),
    (ms, zone) => {
      const local = isoToZonedLocal(ms, zone)
      const back = zonedLocalToIso(local, zone)!
      // In the hour a clock falls back, a wall time names two instants; both read as the same wall time.
      return back === new Date(ms).toISOString() || isoToZonedLocal(Date.parse(back), zone) === local
    },
  ))
})
