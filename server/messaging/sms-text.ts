// SMS text rules shared by the server and the admin UI: GSM-7 vs Unicode part counting and "bỏ dấu". Pure, no imports.

// GSM 03.38 basic set (the escape 0x1B excluded) and the extension table, whose characters cost two septets.
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM_EXTENSION = '\f^{}\\[~]|€'
const basic = new Set(GSM_BASIC)
const extension = new Set(GSM_EXTENSION)

export interface SmsParts {
  /** true when the text needs UCS-2 (70 characters a part, 67 when split) */
  unicode: boolean
  /** septets (GSM-7) or UTF-16 code units (Unicode) */
  length: number
  parts: number
  /** characters still free in the last part */
  remaining: number
}

export const isGsm7 = (text: string): boolean => {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false
  return true
}

/**
 * Parts as a phone network splits them: one part holds 160 septets (GSM-7) or 70 code units (UCS-2); a longer text
 * is split into parts of 153 / 67 (the rest is the concatenation header), and a part never splits an extension
 * character's two septets nor a surrogate pair.
 */
export function countSmsParts (text: string): SmsParts {
  const unicode = !isGsm7(text)
  const sizes: number[] = []
  for (const ch of text) sizes.push(unicode ? ch.length : extension.has(ch) ? 2 : 1)
  const length = sizes.reduce((a, b) => a + b, 0)
  const single = unicode ? 70 : 160
  if (length === 0) return { unicode, length, parts: 0, remaining: single }
  if (length <= single) return { unicode, length, parts: 1, remaining: single - length }
  const per = unicode ? 67 : 153
  let parts = 1
  let used = 0
  for (const size of sizes) {
    if (used + size > per) { parts++; used = 0 }
    used += size
  }
  return { unicode, length, parts, remaining: per - used }
}

/** "Bỏ dấu": Vietnamese (and other Latin) diacritics removed, đ/Đ → d/D, so the text fits GSM-7's 160 a part. */
export function removeDiacritics (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC')
}
