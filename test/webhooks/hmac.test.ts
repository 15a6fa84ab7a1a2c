// verifyHmac: base64 HMAC-SHA256 over the raw bytes, constant time, false for anything off.
import { createHmac } from 'node:crypto'
import t from 'tap'
import { safeEqual, verifyHmac } from '../../webhooks/hmac.ts'

const SECRET = 'secret'
const BODY = Buffer.from('{"id":1,"name":"Nguyễn Thị Lan","total_price":13200000.0000}', 'utf8')
const SIG = createHmac('sha256', SECRET).update(BODY).digest('base64')

t.test('a valid signature over the raw bytes verifies', async (t) => {
  t.equal(verifyHmac(BODY, SIG, SECRET), true)
  t.equal(verifyHmac(BODY.toString('utf8'), SIG, SECRET), true, 'the same bytes as a string')
  t.equal(verifyHmac(BODY, ` ${SIG} `, SECRET), true, 'surrounding whitespace is ignored')
  t.equal(verifyHmac('{"id":1}', 'A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=', SECRET), true, 'the simulator sample')
})

t.test('one tampered byte fails', async (t) => {
  const tampered = Buffer.from(BODY)
  tampered[5] = (tampered[5] ?? 0) ^ 1
  t.equal(verifyHmac(tampered, SIG, SECRET), false)
  // The re-serialised JSON (13200000 instead of 13200000.0000) is not the raw body either.
  t.equal(verifyHmac(JSON.stringify(JSON.parse(BODY.toString('utf8'))), SIG, SECRET), false)
  const flipped = (SIG[0] === 'A' ? 'B' : 'A') + SIG.slice(1)
  t.equal(verifyHmac(BODY, flipped, SECRET), false, 'a tampered signature')
  t.equal(verifyHmac(BODY, SIG, 'other-secret'), false, 'another secret')
})

t.test('wrong length, missing, repeated or hex signatures are false, never a throw', async (t) => {
  t.equal(verifyHmac(BODY, SIG.slice(0, -2), SECRET), false)
  t.equal(verifyHmac(BODY, SIG + 'AA', SECRET), false)
  t.equal(verifyHmac(BODY, '', SECRET), false)
  t.equal(verifyHmac(BODY, undefined, SECRET), false)
  t.equal(verifyHmac(BODY, [SIG, SIG], SECRET), false)
  t.equal(verifyHmac(BODY, `${SIG}, ${SIG}`, SECRET), false)
  t.equal(verifyHmac(BODY, createHmac('sha256', SECRET).update(BODY).digest('hex'), SECRET), false)
  t.equal(verifyHmac(BODY, SIG, ''), false, 'no secret configured never verifies')
})

t.test('safeEqual', async (t) => {
  t.equal(safeEqual('abc', 'abc'), true)
  t.equal(safeEqual('abc', 'abd'), false)
  t.equal(safeEqual('abc', 'abcd'), false)
})
