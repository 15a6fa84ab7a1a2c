// cleanText / cleanJson / cutDeepNesting: what the edges make of text from outside; and what the log keeps of URLs and errors.
import t from 'tap'
import fc from 'fast-check'
import { cleanJson, cleanText, cutDeepNesting, parseCleanJson } from '../../server/text.ts'
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
