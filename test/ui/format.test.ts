// The admin's formatting of phone numbers and signed points: one spelling everywhere (0888 592 642, -998.811).
import fc from 'fast-check'
import t from 'tap'
import { formatPhone, formatSignedPoints } from '../../embedded-ui/src/format.ts'

t.test('a Vietnamese mobile number reads 0888 592 642 whether stored as +84…, 84… or 0…', async (t) => {
  t.equal(formatPhone('+84888592642'), '0888 592 642')
  t.equal(formatPhone('84888592642'), '0888 592 642')
  t.equal(formatPhone('0888592642'), '0888 592 642')
  t.equal(formatPhone('0888 592 642'), '0888 592 642')
  t.equal(formatPhone(null), '—', 'no phone reads as a dash')
  t.equal(formatPhone('+14155550123'), '+14155550123', 'a foreign number is shown as stored')
})

t.test('property: every +84 ten-digit number keeps its digits and groups them 4-3-3', async () => {
  fc.assert(fc.property(fc.stringMatching(/^[35789]\d{8}$/), (subscriber) => {
    const shown = formatPhone(`+84${subscriber}`)
    return /^0\d{3} \d{3} \d{3}$/.test(shown) && shown.replace(/ /g, '') === `0${subscriber}`
  }))
})

t.test('points carry their sign and Vietnamese thousands separators', async (t) => {
  t.equal(formatSignedPoints(-998811), '-998.811')
  t.equal(formatSignedPoints(1000), '+1.000')
  t.equal(formatSignedPoints(0), '0')
})
