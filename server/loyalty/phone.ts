// Vietnamese phone numbers: the cross-system member key, normalised to E.164 (+84…) or rejected with a reason.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

export type PhoneResult =
  | { ok: true, e164: string, national: string, kind: 'mobile' | 'landline' }
  | { ok: false, reason: string }

// The 2018 move from 11-digit to 10-digit mobile numbers (Decision 798/QĐ-BTTTT).
// Old numbers still live in merchants' spreadsheets, so they are rewritten, not rejected.
const OLD_MOBILE_PREFIXES: Readonly<Record<string, string>> = {
  // Viettel
  '0162': '032',
  '0163': '033',
  '0164': '034',
  '0165': '035',
  '0166': '036',
  '0167': '037',
  '0168': '038',
  '0169': '039',
  // MobiFone
  '0120': '070',
  '0121': '079',
  '0122': '077',
  '0126': '076',
  '0128': '078',
  // VinaPhone
  '0123': '083',
  '0124': '084',
  '0125': '085',
  '0127': '081',
  '0129': '082',
  // Vietnamobile
  '0186': '056',
  '0188': '058',
  // Gmobile
  '0199': '059',
}

const REASON = {
  empty: 'Số điện thoại trống',
  badChars: 'Số điện thoại chứa ký tự không hợp lệ',
  foreign: 'Số điện thoại không phải số Việt Nam',
  tooShort: 'Số điện thoại không hợp lệ: quá ngắn',
  tooLong: 'Số điện thoại không hợp lệ: quá dài',
  oldPrefix: 'Số điện thoại không hợp lệ: đầu số 11 số cũ không còn tồn tại',
  badPrefix: 'Số điện thoại không hợp lệ: đầu số không tồn tại ở Việt Nam',
  notPersonal: 'Số điện thoại không phải số di động hoặc cố định (tổng đài, dịch vụ)',
} as const

const fail = (reason: string): PhoneResult => ({ ok: false, reason })

// Separators people and spreadsheets put in numbers; anything else (letters, '/', ',') means
// the cell is not one phone number, and guessing would attach points to the wrong person.
// (\s also covers NBSP and the BOM that Excel exports carry.)
const SEPARATORS = /[\s.\-()]/g

// Fast path for the shape nearly every spreadsheet cell has: a current mobile written as 0 + 9 digits, +84/84 + 9
// digits, or the 9 digits alone (Excel dropped the 0). Those inputs reach validateNational unchanged, and for a 9-digit
// significant number starting 3/5/7/8/9 libphonenumber's VN metadata has no fixed-line, toll-free or other type of that
// length, so it answers MOBILE exactly when its mobile pattern (copied here) matches. Anything else takes the full
// path; test/loyalty/phone.test.ts checks every 3-digit prefix and random numbers against it (~50 µs → <1 µs a row).
const CURRENT_MOBILE = /^(?:(?:3\d|7[06-9])\d|5(?:[1689]\d|2[238]|59)|8(?:[1-8]\d|9[6-9])|9(?:[0-8]\d|9[013-9]))\d{6}$/

export function fastMobile (input: string): PhoneResult | null {
  let significant: string
  if (input.length === 10 && input.charCodeAt(0) === 48 /* 0 */) significant = input.slice(1)
  else if (input.length === 12 && input.startsWith('+84')) significant = input.slice(3)
  else if (input.length === 11 && input.startsWith('84')) significant = input.slice(2)
  else if (input.length === 9) significant = input
  else return null
  if (!CURRENT_MOBILE.test(significant)) return null
  return { ok: true, e164: '+84' + significant, national: '0' + significant, kind: 'mobile' }
}

export function normalizeVietnamPhone (input: string): PhoneResult {
  return fastMobile(input) ?? normalizeSlow(input)
}

/** The full rules (exported for the test that holds the fast path to them). */
export function normalizeSlow (input: string): PhoneResult {
  const compact = input.replace(SEPARATORS, '')
  if (compact === '') return fail(REASON.empty)
  if (!/^\+?\d+$/.test(compact)) return fail(REASON.badChars)
  // 1800/1900 hotlines have no leading zero; without this they would look like an old mobile that lost it.
  if (/^1[89]00\d{4,6}$/.test(compact)) return fail(REASON.notPersonal)

  const national = toNationalDigits(compact)
  if (!national.ok) return national.result
  return validateNational(convertOldMobilePrefix(national.digits))
}

type NationalDigits = { ok: true, digits: string } | { ok: false, result: PhoneResult }

// Turns every accepted way of writing the country code (or its absence) into a 0-prefixed national number.
function toNationalDigits (compact: string): NationalDigits {
  let digits: string
  if (compact.startsWith('+')) {
    if (!compact.startsWith('+84')) return { ok: false, result: fail(REASON.foreign) }
    digits = compact.slice(3)
  } else if (compact.startsWith('00')) {
    if (!compact.startsWith('0084')) return { ok: false, result: fail(REASON.foreign) }
    digits = compact.slice(4)
  } else if (compact.startsWith('84') && (compact.length === 11 || compact.length === 12)) {
    // 84 + 9-digit mobile or 84 + 10-digit landline / old mobile. A 9-digit 84… is a
    // mobile (084…) that lost its zero, handled below; no national number is 11–12 digits without its 0.
    digits = compact.slice(2)
  } else if (compact.startsWith('0')) {
    return { ok: true, digits: compact }
  } else {
    digits = compact
  }
  // "+84 0912…" is a frequent way of writing it; no Vietnamese number continues with 0 after the country code.
  if (digits.startsWith('0')) digits = digits.slice(1)
  // Excel drops the leading 0 (912345678, 2838221234, 1622345678). The DESIGN rule names 9-digit mobiles; landlines
  // and old mobiles lose it the same way, and a number without its 0 is nothing else, so restoring it is not a guess.
  return { ok: true, digits: '0' + digits }
}

function convertOldMobilePrefix (national: string): string {
  if (national.length !== 11) return national
  const replacement = OLD_MOBILE_PREFIXES[national.slice(0, 4)]
  return replacement === undefined ? national : replacement + national.slice(4)
}

// Mobiles are 10 national digits, landlines (02x) 11; libphonenumber's full metadata decides which ranges exist.
function validateNational (national: string): PhoneResult {
  const isLandlineRange = national.startsWith('02')
  const expectedLength = isLandlineRange ? 11 : 10
  if (national.length < expectedLength) return fail(REASON.tooShort)
  if (national.length > expectedLength) {
    if (national.length === 11 && national.startsWith('01')) return fail(REASON.oldPrefix)
    return fail(REASON.tooLong)
  }

  const parsed = parsePhoneNumberFromString(national, 'VN')
  if (parsed === undefined || parsed.country !== 'VN' || !parsed.isValid()) return fail(REASON.badPrefix)
  const type = parsed.getType()
  let kind: 'mobile' | 'landline'
  if (type === 'MOBILE') kind = 'mobile'
  else if (type === 'FIXED_LINE') kind = 'landline'
  else if (type === 'FIXED_LINE_OR_MOBILE') kind = isLandlineRange ? 'landline' : 'mobile'
  else return fail(REASON.notPersonal)
  return { ok: true, e164: parsed.number, national, kind }
}

// Display form: `0912 345 678` for mobiles, `028 3822 1234` style for landlines; anything else is shown as given.
export function formatVietnamPhone (e164: string): string {
  if (!e164.startsWith('+84')) return e164
  const parsed = parsePhoneNumberFromString(e164)
  return parsed?.country === 'VN' ? parsed.formatNational() : e164
}

// Search boxes get typed partial or oddly formatted numbers; the digits keep partial input searchable.
export function phoneSearchKey (input: string): string {
  const result = normalizeVietnamPhone(input)
  return result.ok ? result.e164 : input.replace(/\D/g, '')
}
