// cleanText / cleanJson / cutDeepNesting: what the edges make of text from outside; and what the log keeps of URLs and errors.
import t from 'tap'
import fc from 'fast-check'
import { cleanJson, cleanText, cutDeepNesting, jsonTextIsClean, parseCleanJson, parseCleanJsonBytes } from '../../server/text.ts'
import { loggedUrl } from '../../server/app.ts'
import { loggedError } from '../../server/plugins/error-handler.ts'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

t.test('cleanText: no control but tab and newline, no lone surrogate, NFC, idempotent, clean text unchanged', async (t) => {
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map(c => String.fromCharCode(c)) }))
  fc.assert(fc.property(text, (s) => {
    const c = cleanText(s)
    return !CONTROL.test(c) && !LONE.test(c) && c === c.normalize('NFC') && cleanText(c) === c
  }), { numRuns: 2000 })
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
    const clean = s.normalize('NFC').replace(/\r\n/g, '\n').replace(CONTROL, '')
    return CONTROL.test(s) || LONE.test(s) || s !== s.normalize('NFC') || cleanText(s) === clean
  }), { numRuns: 1000 })
  t.equal(cleanText('Nguye\u0302\u0303n\u0000 Thi\u0323\tLan\r\n\ud800'), 'Nguyễn Thị\tLan\n\ufffd')
  t.equal(cleanText('e\u0000\u0301'), 'é', 'a control between a letter and its mark: removed first, then NFC')
})

t.test('cleanJson cleans keys and values at any depth it keeps; cutDeepNesting cuts without recursion', async (t) => {
  t.same(cleanJson({ 'k\u0000': ['a\u0000', { b: '\ud800' }], n: 1, z: null }), { k: ['a', { b: '\ufffd' }], n: 1, z: null })
  const deep = Buffer.from('{"a":"[{","b":' + '['.repeat(300_000) + ']'.repeat(300_000) + ',"c":1}')
  const { bytes, cut } = cutDeepNesting(deep, 3)
  t.equal(cut, true)
  t.same(JSON.parse(bytes.toString()), { a: '[{', b: [[null]], c: 1 }, 'brackets inside strings are not nesting')
  t.same(parseCleanJson('{"x":"\\u0000y"}'), { x: 'y' })
  fc.assert(fc.property(fc.json({ depthSize: 'medium' }), (text) => {
    const { bytes, cut } = cutDeepNesting(Buffer.from(text), 64)
    return cut || bytes.toString() === text
  }))
})

t.test('cutDeepNesting gives what cutting the parsed value gives, whatever the strings hold (quotes, backslashes, brackets)', async (t) => {
  const cutValue = (v: unknown, maxDepth: number, depth = 1): unknown => {
    if (v === null || typeof v !== 'object') return v
    if (depth > maxDepth) return null
    if (Array.isArray(v)) return v.map(x => cutValue(x, maxDepth, depth + 1))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cutValue(x, maxDepth, depth + 1)]))
  }
  const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', 'ễ', '1', 'e', ',', ':') })
  const value = fc.letrec(tie => ({
    v: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(tricky, tie('v'), { maxKeys: 4 })),
  })).v
  fc.assert(fc.property(value, fc.integer({ min: 1, max: 5 }), (v, maxDepth) => {
    const text = JSON.stringify(v)
    const { bytes } = cutDeepNesting(Buffer.from(text), maxDepth)
    t.same(JSON.parse(bytes.toString()), cutValue(JSON.parse(text), maxDepth))
  }), { numRuns: 3000 })
})

t.test('parseCleanJson: the fast path (text already clean) gives what cleaning every value gives, for any JSON', async (t) => {
  // Strings of any code units (controls, lone surrogates, combining marks, C1), raw or escaped in the text.
  const unit = fc.oneof(fc.integer({ min: 0, max: 0xffff }).map(c => String.fromCharCode(c)), fc.constantFrom('e', '\u0301', 'ễ', 'Đ', '\r', '\u0000', '\ud800', '\u0085', '"', '\\'))
  const str = fc.string({ unit })
  const value = fc.letrec(tie => ({
    v: fc.oneof({ depthSize: 'small' }, str, fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('v')), fc.dictionary(str, tie('v'))),
  })).v
  fc.assert(fc.property(value, fc.boolean(), (v, raw) => {
    // raw: non-ASCII as itself (what Haravan sends); otherwise every non-ASCII code unit escaped as \uXXXX.
    const text = raw ? JSON.stringify(v) : JSON.stringify(v).replace(/[\u007f-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    const expected = cleanJson(JSON.parse(text))
    t.same(parseCleanJson(text), expected)
    return JSON.stringify(parseCleanJson(text)) === JSON.stringify(expected)
  }), { numRuns: 3000 })
  t.equal(jsonTextIsClean('{"tên":"Nguyễn Thị Lan","ghi_chú":"giao giờ hành chính\\n","x":"a\\\\u0000"}'), true, 'NFC text, only \\n and \\\\ escapes')
  t.equal(jsonTextIsClean('{"x":"a\\u0000"}'), false)
  t.equal(jsonTextIsClean('{"x":"a\\r"}'), false)
  t.equal(jsonTextIsClean('{"x":"Nguye\u0302\u0303n"}'), false, 'not NFC')
  t.equal(jsonTextIsClean('{"x":"a\u0085"}'), false, 'a C1 control')
})

t.test('parseCleanJsonBytes: the JSON kept for storing is the value, and its numbers are ones Postgres stores', async (t) => {
  fc.assert(fc.property(fc.json({ depthSize: 'small' }), fc.boolean(), (text, pretty) => {
    const r = parseCleanJsonBytes(Buffer.from(pretty ? JSON.stringify(JSON.parse(text), null, 2) : text))
    return JSON.stringify(JSON.parse(r.json)) === JSON.stringify(r.value)
  }), { numRuns: 2000 })
  const huge = parseCleanJsonBytes(Buffer.from('{"total_price":1e999999,"n":123456789012345678901234567890123,"ok":"1e999999"}'))
  t.equal(huge.json, '{"total_price":null,"n":1.2345678901234569e+32,"ok":"1e999999"}', 'an exponent or a long digit run: re-written, not stored as sent')
  const sent = '{"id":1,"note":"Giao giờ hành chính","lines":[{"price":150000.5}]}'
  t.equal(parseCleanJsonBytes(Buffer.from(sent)).json, sent, 'clean text is stored as sent')
  t.equal(parseCleanJsonBytes(Buffer.from('{"a":"x\\u0000"}')).json, '{"a":"x"}', 'text that needed cleaning: the cleaned value')
})

t.test('logged URLs keep the path and the query parameter names, never their values', async (t) => {
  t.equal(loggedUrl('/webhooks/haravan?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42'), '/webhooks/haravan?hub.mode=…&hub.verify_token=…&hub.challenge=…')
  t.equal(loggedUrl('/api/members?q=Nguy%E1%BB%85n%200912345678&page=2'), '/api/members?q=…&page=…')
  t.equal(loggedUrl('/launch?shop=x&hmac=abc&timestamp=1'), '/launch?shop=…&hmac=…&timestamp=…')
  t.equal(loggedUrl('/healthz'), '/healthz')
  t.notMatch(loggedUrl('/x?a=0912345678'), /0912345678/)
})

t.test("a 5xx is logged with the database's own message, never the failed query's parameters", async (t) => {
  const wrapped = new Error('Failed query: insert into customers (phone) values ($1)\nparams: 0912345678', { cause: new Error('value too long') })
  const logged = loggedError(wrapped)
  t.equal(logged.message, 'value too long')
  t.notMatch(JSON.stringify(logged), /0912345678/)
})
