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
  for (const [k, v] of Object.entries(value)) {
    // A key that is __proto__ would set the prototype instead of a property.
    Object.defineProperty(out, cleanText(k), { value: clean(v, depth + 1, maxDepth), enumerable: true, writable: true, configurable: true })
  }
  return out
}

const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const NULL_BYTES = Buffer.from('null')

/**
 * The JSON text with every value nested deeper than maxDepth replaced by null (linear, no recursion). Bytes inside
 * strings are never brackets. Malformed input stays malformed (JSON.parse reports it).
 */
export function cutDeepNesting (bytes: Buffer, maxDepth = MAX_JSON_DEPTH): { bytes: Buffer, cut: boolean } {
  const parts: Buffer[] = []
  let depth = 0
  let inString = false
  let skipFrom = -1 // start of the value being cut, or -1
  let keptFrom = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]
    if (inString) {
      if (b === BACKSLASH) i++
      else if (b === QUOTE) inString = false
      continue
    }
    if (b === QUOTE) inString = true
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
  if (parts.length === 0 && skipFrom < 0) return { bytes, cut: false }
  if (skipFrom >= 0) parts.push(bytes.subarray(keptFrom, skipFrom), NULL_BYTES)
  else parts.push(bytes.subarray(keptFrom))
  return { bytes: Buffer.concat(parts), cut: true }
}

/** JSON text from outside (webhook bodies, Haravan's REST answers) parsed, cut below MAX_JSON_DEPTH and cleaned. */
export function parseCleanJson (text: string | Buffer): unknown {
  const { bytes } = cutDeepNesting(typeof text === 'string' ? Buffer.from(text, 'utf8') : text)
  return cleanJson(JSON.parse(bytes.toString('utf8')))
}
