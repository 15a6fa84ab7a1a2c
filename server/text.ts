// Text at the edges: what customers typed (relayed by Haravan), admin inputs, search queries and CSV cells, made storable.
/*
 * Postgres text and jsonb refuse U+0000 and lone surrogates, and JSON.parse accepts both ("\u0000", "\ud800"), so
 * one such character anywhere in a delivery used to fail its whole transaction. Other control characters are
 * invisible, break exports and searches, and nobody means them. Every string from outside passes through cleanText
 * (objects through cleanJson) before it is stored, compared or searched.
 */

// C0 controls except tab (\t) and newline (\n), DEL, and C1 controls. CR goes too (CRLF becomes LF first).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/
// eslint-disable-next-line no-control-regex
const ASCII_CLEAN = /^[\u0009\u000A\u0020-\u007E]*$/
// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Control characters (but tab and newline) removed, lone surrogates replaced with U+FFFD, then NFC.
 * Idempotent; the result is valid text for Postgres. Controls go first: removing one between a letter and its
 * combining mark could otherwise leave a string that is no longer NFC.
 */
export function cleanText (s: string): string {
  if (ASCII_CLEAN.test(s)) return s
  let out = s
  if (HAS_CONTROL.test(out)) out = out.replace(/\r\n/g, '\n').replace(CONTROL, '')
  out = out.replace(LONE_SURROGATE, '\uFFFD')
  return out.normalize('NFC')
}

/** Deepest nesting cleanJson keeps; anything below becomes null (webhooks/body.ts cuts request bodies the same way). */
export const MAX_JSON_DEPTH = 32

/**
 * A parsed JSON value with every string (keys too) through cleanText. Values nested deeper than maxDepth become null,
 * so the recursion is bounded whatever the input. Returns a new value; the input is not modified.
 */
export function cleanJson (value: unknown, maxDepth = MAX_JSON_DEPTH): unknown {
  return clean(value, 0, maxDepth)
}

function clean (value: unknown, depth: number, maxDepth: number): unknown {
  if (typeof value === 'string') return cleanText(value)
  if (value === null || typeof value !== 'object') return value
  if (depth >= maxDepth) return null
  if (Array.isArray(value)) return value.map(v => clean(v, depth + 1, maxDepth))
  const out: Record<string, unknown> = {}
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue
    const key = cleanText(k)
    const v = clean((value as Record<string, unknown>)[k], depth + 1, maxDepth)
    // A key that is __proto__ would set the prototype instead of a property.
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true })
    else out[key] = v
  }
  return out
}

// DEL and C1 controls; C0 controls cannot stand unescaped inside a JSON string, so JSON.parse refuses them itself.
const DEL_OR_C1 = /[\u007F-\u009F]/

/**
 * True when every string JSON.parse(text) yields (keys too) is already what cleanText makes of it, so cleanJson
 * would return an equal value: no escape that can produce a control character or a surrogate (only \" \\ \/ \n \t),
 * no DEL or C1 control, no lone surrogate, and the text is NFC. Whole-text NFC implies each string is NFC: strings
 * are delimited by quotes, which never compose with their neighbours. The fast path of real traffic: Haravan sends
 * UTF-8 that needs none of this, and checking the text is a few native passes instead of a walk over every value.
 * decoded: the text was decoded from UTF-8 bytes, which cannot yield a lone surrogate (no need to look for one).
 */
export function jsonTextIsClean (text: string, decoded = false): boolean {
  for (let i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 2)) {
    const next = text.charCodeAt(i + 1)
    if (next !== 0x22 && next !== 0x5c && next !== 0x2f && next !== 0x6e && next !== 0x74) return false
  }
  return !DEL_OR_C1.test(text) && (decoded || isWellFormed(text)) && text.normalize('NFC') === text
}

// String.prototype.isWellFormed (ES2024, in Node 20) is not in the ES2023 lib the project compiles against.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed: () => boolean }).isWellFormed()

const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const NULL_BYTES = Buffer.from('null')

const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
const LOWER_E = 0x65
const UPPER_E = 0x45
/** Longest digit run a number may have and still be stored as sent (JSON.stringify never writes more than 21). */
const MAX_PLAIN_DIGITS = 30

/** The index of the quote that ends the string whose text starts at `from` (one not escaped), or the length. */
function closingQuote (bytes: Buffer, from: number): number {
  // Strings are most of a payload's bytes: indexOf skips them far faster than a loop over every byte.
  for (let q = bytes.indexOf(QUOTE, from); q >= 0; q = bytes.indexOf(QUOTE, q + 1)) {
    let backslashes = 0
    while (bytes[q - 1 - backslashes] === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return q
  }
  return bytes.length
}

/**
 * The JSON text with every value nested deeper than maxDepth replaced by null (linear, no recursion). Bytes inside
 * strings are never brackets. Malformed input stays malformed (JSON.parse reports it).
 * plainNumbers: no number has an exponent or more than MAX_PLAIN_DIGITS digits in a run, so every number is one
 * that JSON.stringify could have written and that Postgres stores without overflow (1e999999 is valid JSON but
 * overflows numeric).
 */
export function cutDeepNesting (bytes: Buffer, maxDepth = MAX_JSON_DEPTH): { bytes: Buffer, cut: boolean, plainNumbers: boolean } {
  const parts: Buffer[] = []
  let depth = 0
  let skipFrom = -1 // start of the value being cut, or -1
  let keptFrom = 0
  let digits = 0
  let plainNumbers = true
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b >= DIGIT_0 && b <= DIGIT_9) {
      if (++digits > MAX_PLAIN_DIGITS) plainNumbers = false
      continue
    }
    if ((b === LOWER_E || b === UPPER_E) && digits > 0) plainNumbers = false
    digits = 0
    if (b === QUOTE) i = closingQuote(bytes, i + 1)
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      depth++
      if (depth === maxDepth + 1 && skipFrom < 0) skipFrom = i
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--
      if (depth === maxDepth && skipFrom >= 0) {
        parts.push(bytes.subarray(keptFrom, skipFrom), NULL_BYTES)
        keptFrom = i + 1
        skipFrom = -1
      }
    }
  }
  if (parts.length === 0 && skipFrom < 0) return { bytes, cut: false, plainNumbers }
  if (skipFrom >= 0) parts.push(bytes.subarray(keptFrom, skipFrom), NULL_BYTES)
  else parts.push(bytes.subarray(keptFrom))
  return { bytes: Buffer.concat(parts), cut: true, plainNumbers }
}

/**
 * JSON text from outside (webhook bodies, Haravan's REST answers) cut below MAX_JSON_DEPTH, parsed and cleaned;
 * `cut` when deep values were dropped. `json` is the value as JSON text for storing: the text as sent when it needed
 * nothing (clean, uncut, plain numbers: the fast path of real traffic), else JSON.stringify of the cleaned value.
 * Throws what JSON.parse throws on malformed text.
 */
export function parseCleanJsonBytes (input: Buffer): { value: unknown, json: string, cut: boolean } {
  const { bytes, cut, plainNumbers } = cutDeepNesting(input)
  const text = bytes.toString('utf8')
  const parsed: unknown = JSON.parse(text)
  if (jsonTextIsClean(text, true)) return { value: parsed, json: !cut && plainNumbers ? text : JSON.stringify(parsed), cut }
  const value = cleanJson(parsed)
  return { value, json: JSON.stringify(value), cut }
}

export function parseCleanJson (text: string | Buffer): unknown {
  return parseCleanJsonBytes(typeof text === 'string' ? Buffer.from(text, 'utf8') : text).value
}
