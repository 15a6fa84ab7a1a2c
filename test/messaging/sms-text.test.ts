// SMS part counting (GSM-7 160/153 with 2-septet extension characters, Unicode 70/67) and bỏ dấu, by example and property.
import fc from 'fast-check'
import t from 'tap'
import { countSmsParts, isGsm7, removeDiacritics } from '../../server/messaging/sms-text.ts'

const VN_LETTERS = 'aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ'
const vnChars = [...VN_LETTERS, ...VN_LETTERS.toUpperCase(), ' ', ',', '.', '0', '5', '9', '!', '%']
const vnText = fc.array(fc.constantFrom(...vnChars), { maxLength: 400 }).map(a => a.join(''))
const gsmChars = [...'abcXYZ019 .,!?@£$_\n', ...'{}[]~^|€\\']
const gsmText = fc.array(fc.constantFrom(...gsmChars), { maxLength: 600 }).map(a => a.join(''))

t.test('examples at the boundaries', async (t) => {
  t.same(countSmsParts('a'.repeat(160)), { unicode: false, length: 160, parts: 1, remaining: 0 })
  t.equal(countSmsParts('a'.repeat(161)).parts, 2)
  t.equal(countSmsParts('a'.repeat(306)).parts, 2, '2 × 153')
  t.equal(countSmsParts('a'.repeat(307)).parts, 3)
  t.same(countSmsParts('€'.repeat(80)), { unicode: false, length: 160, parts: 1, remaining: 0 }, 'extension characters count 2')
  t.equal(countSmsParts('€'.repeat(81)).parts, 2)
  t.equal(countSmsParts('a'.repeat(151) + '€' + 'a'.repeat(153)).parts, 2, '306 septets, the € inside the first part')
  t.equal(countSmsParts('a'.repeat(152) + '€' + 'a'.repeat(152)).parts, 3, '306 septets, a € straddling parts 1 and 2 moves whole to part 2')
  t.same(countSmsParts('ă'.repeat(70)), { unicode: true, length: 70, parts: 1, remaining: 0 })
  t.equal(countSmsParts('ă'.repeat(71)).parts, 2)
  t.equal(countSmsParts('ă'.repeat(134)).parts, 2, '2 × 67')
  t.equal(countSmsParts('ă'.repeat(135)).parts, 3)
  t.equal(countSmsParts('').parts, 0)
  t.equal(removeDiacritics('Đặng Thị Ngọc Ánh, chúc mừng sinh nhật!'), 'Dang Thi Ngoc Anh, chuc mung sinh nhat!')
  t.equal(removeDiacritics('đường ĐỒNG khởi'), 'duong DONG khoi')
})

t.test('property: GSM-7 text fits 160 in one part, otherwise ceil(length / 153) parts when nothing straddles', async (t) => {
  fc.assert(fc.property(gsmText, (text) => {
    const r = countSmsParts(text)
    if (r.unicode) return false
    if (r.length === 0) return r.parts === 0
    if (r.length <= 160) return r.parts === 1 && r.remaining === 160 - r.length
    // Greedy packing is at least the ideal and at most one extra part per straddled pair.
    const ideal = Math.ceil(r.length / 153)
    return r.parts >= ideal && r.parts <= Math.ceil(r.length / 152)
  }))
  fc.assert(fc.property(fc.array(fc.constantFrom(...'abc 123.,'), { minLength: 1, maxLength: 1000 }).map(a => a.join('')), (text) => {
    const r = countSmsParts(text)
    return r.parts === (text.length <= 160 ? 1 : Math.ceil(text.length / 153))
  }))
})

t.test('property: Unicode text counts 70 / 67 per part, and adding a character never lowers the count', async (t) => {
  fc.assert(fc.property(vnText, fc.constantFrom(...vnChars), (text, extra) => {
    const r = countSmsParts(text)
    const longer = countSmsParts(text + extra)
    if (r.unicode && r.length > 0) {
      if (r.parts !== (r.length <= 70 ? 1 : Math.ceil(r.length / 67))) return false
    }
    return longer.parts >= r.parts
  }))
})

t.test('property: bỏ dấu turns any Vietnamese text into GSM-7 of the same length, and is idempotent', async (t) => {
  fc.assert(fc.property(vnText, (text) => {
    const plain = removeDiacritics(text)
    return isGsm7(plain) && [...plain].length === [...text].length && removeDiacritics(plain) === plain && !/[đĐ]/.test(plain)
  }))
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ019 .,!?') }), (ascii) => removeDiacritics(ascii) === ascii))
})

t.test('property: bỏ dấu never needs more parts', async (t) => {
  fc.assert(fc.property(vnText, (text) => countSmsParts(removeDiacritics(text)).parts <= countSmsParts(text).parts))
})
