// Search keys: the same normalisation as customers.search_text (lower case, no diacritics, đ→d), and phone-shaped input.
import { searchKey } from '../haravan/mappers.ts'
import { phoneSearchKey } from '../loyalty/phone.ts'

/** 'Nguyễn Thị Mãi' → 'nguyen thi mai', '+84 912 345 678' → '84912345678': the normaliser customers.search_text is written with. */
export const normalizeSearchText = searchKey

/** Escapes LIKE wildcards so a search for '50%' means the characters, not a pattern. */
export function escapeLike (value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

// Only input made of digits and phone separators is treated as a phone; 'Mai 0912' is a name search.
export function phoneSearch (input: string): { e164: string } | null {
  const trimmed = input.trim()
  if (!/^\+?[\d\s.\-()]+$/.test(trimmed)) return null
  const key = phoneSearchKey(trimmed)
  return key.startsWith('+84') ? { e164: key } : null
}
