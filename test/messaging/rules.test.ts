// The sending rules: 07:00–22:00 in the shop's time zone, the rolling 24 h caps, eligibility, the [QC] frame.
import fc from 'fast-check'
import t from 'tap'
import { localParts } from '../../server/segments/time.ts'
import { ADVERTISING_CAP_PER_DAY, DAY_MS, eligibility, frameAdvertisingSms, nextAdvertisingInstant, rollingCap, smsRefusal } from '../../server/messaging/rules.ts'

const ZONES = ['Asia/Ho_Chi_Minh', 'Asia/Bangkok', 'UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']
const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true })
const inWindow = (d: Date, tz: string) => { const h = localParts(d, tz).hour; return h >= 7 && h < 22 }

t.test('examples in Vietnam (UTC+7)', async (t) => {
  const vn = 'Asia/Ho_Chi_Minh'
  t.equal(nextAdvertisingInstant(new Date('2026-12-10T03:00:00Z'), vn).toISOString(), '2026-12-10T03:00:00.000Z', '10:00 goes at once')
  t.equal(nextAdvertisingInstant(new Date('2026-12-10T14:59:59Z'), vn).toISOString(), '2026-12-10T14:59:59.000Z', '21:59:59 goes at once')
  t.equal(nextAdvertisingInstant(new Date('2026-12-10T15:00:00Z'), vn).toISOString(), '2026-12-11T00:00:00.000Z', '22:00 waits for 07:00 next day')
  t.equal(nextAdvertisingInstant(new Date('2026-12-10T19:30:00Z'), vn).toISOString(), '2026-12-11T00:00:00.000Z', '02:30 waits for 07:00 the same day')
  t.equal(nextAdvertisingInstant(new Date('2026-12-10T23:59:59Z'), vn).toISOString(), '2026-12-11T00:00:00.000Z', '06:59:59 waits one second')
})

t.test('property: the next allowed instant is inside 07:00–22:00 local, never earlier, and the first such instant', async (t) => {
  fc.assert(fc.property(instant, fc.constantFrom(...ZONES), (at, tz) => {
    const next = nextAdvertisingInstant(at, tz)
    if (next < at || !inWindow(next, tz)) return false
    if (inWindow(at, tz)) return next.getTime() === at.getTime()
    const p = localParts(next, tz)
    if (p.hour !== 7 || p.minute !== 0 || p.second !== 0) return false
    // Nothing earlier was allowed: every minute between at and next lies outside the window.
    for (let m = at.getTime(); m < next.getTime(); m += 15 * 60_000) if (inWindow(new Date(m), tz)) return false
    return next.getTime() - at.getTime() <= 10 * 3600_000
  }), { numRuns: 300 })
})

t.test('property: with the cap obeyed, no 24 h window ever holds more than 3 advertising messages to one recipient', async (t) => {
  const attempts = fc.array(fc.integer({ min: 0, max: 5 * DAY_MS }), { maxLength: 60 }).map(a => a.sort((x, y) => x - y))
  fc.assert(fc.property(attempts, (times) => {
    const sent: Date[] = []
    for (const ms of times) {
      const now = new Date(Date.UTC(2026, 0, 1) + ms)
      const cap = rollingCap(sent, now, ADVERTISING_CAP_PER_DAY)
      if (cap.ok) sent.push(now)
      // A refusal names when one more fits, and then it does.
      else if (!rollingCap(sent, cap.notBefore, ADVERTISING_CAP_PER_DAY).ok || cap.notBefore <= now) return false
    }
    for (const s of sent) {
      const count = sent.filter(x => x.getTime() > s.getTime() - DAY_MS && x <= s).length
      if (count > ADVERTISING_CAP_PER_DAY) return false
    }
    return true
  }))
})

t.test('property: the cap only needs the newest `limit` instants (what the log query returns)', async (t) => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2 * DAY_MS }), { maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (offsets, limit) => {
    const now = new Date(Date.UTC(2026, 0, 3))
    const all = offsets.map(o => new Date(now.getTime() - o)).filter(d => d.getTime() > now.getTime() - DAY_MS)
    const newest = all.slice().sort((a, b) => b.getTime() - a.getTime()).slice(0, limit)
    return JSON.stringify(rollingCap(all, now, limit)) === JSON.stringify(rollingCap(newest, now, limit))
  }))
})

t.test('eligibility: advertising needs consent, care needs no refusal, nothing without an address', async (t) => {
  t.same(eligibility('advertising', 'consented', 'a@b.vn'), { ok: true })
  t.same(eligibility('advertising', 'unknown', 'a@b.vn'), { ok: false, reason: 'no_consent' })
  t.same(eligibility('advertising', 'refused', 'a@b.vn'), { ok: false, reason: 'refused' })
  t.same(eligibility('care', 'unknown', '+84912345678'), { ok: true })
  t.same(eligibility('care', 'refused', '+84912345678'), { ok: false, reason: 'refused' })
  t.same(eligibility('care', 'consented', null), { ok: false, reason: 'no_contact' })
})

t.test('property: an advertising SMS starts with [QC], ends with the refusal, and framing twice changes nothing', async (t) => {
  const refusal = smsRefusal('https://app.example/u/1.2.s.abc.xyz')
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
    const once = frameAdvertisingSms(text, refusal)
    return once.startsWith('[QC] ') && once.endsWith(refusal) && frameAdvertisingSms(once, refusal) === once
  }))
  t.equal(frameAdvertisingSms('[QC] Giam 50k', refusal), `[QC] Giam 50k ${refusal}`)
})
