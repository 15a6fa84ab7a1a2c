// Repeated phones in one file: marked while the file is read (FirstLines), or by the SQL pass once the table gives up;
// both ways must mark exactly the same lines with the same reasons and counts.
import { Readable } from 'node:stream'
import { and, asc, eq } from 'drizzle-orm'
import fc from 'fast-check'
import t from 'tap'
import { importRows } from '../../db/schema/index.ts'
import { FirstLines } from '../../server/imports/first-lines.ts'
import { createImport } from '../../server/imports/preview.ts'
import { build } from '../helper.ts'
import { seedCustomers } from './helpers.ts'

t.test('FirstLines answers the first line of every phone, through its growth', async (t) => {
  const table = new FirstLines()
  const first = new Map<string, number>()
  const phoneOf = (line: number) => '+849' + String((line * 7919) % 40_000).padStart(8, '0')
  let wrong = 0
  // 60,000 lines over 40,000 phones: the table grows from 4,096 slots several times on the way.
  for (let line = 2; line < 60_002; line++) {
    const phone = phoneOf(line)
    const want = first.get(phone) ?? line
    first.set(phone, want)
    if (table.firstLine(phone, line) !== want) wrong++
  }
  t.equal(wrong, 0)
  t.equal(table.gaveUp, false)
  t.equal(table.firstLine('+84999999999', 70_000), 70_000, 'a new phone is its own first line')
  t.equal(table.firstLine('+84999999999', 70_001), 70_000, 'and the first line of its repeats')
  t.equal(table.firstLine(phoneOf(2), 80_000), 2, 'a phone from the start is still known')
})

t.test('FirstLines gives up past its limit, or on a phone that is not E.164, and answers null from then on', async (t) => {
  const small = new FirstLines(2)
  t.equal(small.firstLine('+84900000001', 2), 2)
  t.equal(small.firstLine('+84900000002', 3), 3)
  t.equal(small.firstLine('+84900000001', 4), 2, 'repeats are still answered at the limit')
  t.equal(small.firstLine('+84900000003', 5), null, 'a third phone is one too many')
  t.ok(small.gaveUp)
  t.equal(small.firstLine('+84900000001', 6), null, 'nothing is answered after giving up')
  const odd = new FirstLines()
  t.equal(odd.firstLine('0900000001', 2), null, 'not E.164')
  t.ok(odd.gaveUp)
  t.equal(new FirstLines().firstLine('+0123', 2), null, 'E.164 has no leading zero')
  t.equal(new FirstLines().firstLine('+1234567890123456', 2), null, 'more than 15 digits')
})

// The same phone written the ways Excel files write it; 0912345678 belongs to customer 101.
const SPELLINGS: Record<string, string[]> = {
  a: ['0912345678', '+84 912 345 678', '84912345678', '912345678'],
  b: ['0987654321', '84987654321'],
  c: ['0911111111', '+84911111111'], // nobody's
  d: ['0934567890'], // 105, imported before
  e: ['0944444444', '0944 444 444'],
}

const lineArb = fc.record({
  phone: fc.constantFrom(...Object.keys(SPELLINGS), 'bad'),
  spelling: fc.nat(3),
  amount: fc.constantFrom('1.500.000', '1.500.000', '0', '', '1,5'),
  email: fc.constantFrom('', '', '', 'an@example.com', 'khac@example.com', 'x@'),
  name: fc.constantFrom('Nguyễn Văn An', 'Bùi Thị Hoa', 'Ai Đó', ''),
})

function fileOf (lines: Array<{ phone: string, spelling: number, amount: string, email: string, name: string }>): Buffer {
  const text = ['HoTen;DienThoai;Email;DTDauKy;DTTichLuy', ...lines.map((l) => {
    const spellings = SPELLINGS[l.phone]
    const phone = spellings ? spellings[l.spelling % spellings.length] : 'abc'
    return `${l.name};${phone};${l.email};${l.amount};0`
  })].join('\r\n')
  return Buffer.from(text)
}

t.test('marking while reading and the SQL pass mark the same lines, with the same reasons and counts', async (t) => {
  const { app, shopId } = await build(t)
  await seedCustomers(app, shopId)
  const preview = async (file: Buffer, firstLines: FirstLines) => {
    const { id, preview } = await createImport(app.db, {
      shopId, kind: 'opening_balance', fileName: 'f.csv', actor: 'test', now: app.clock(), source: Readable.from([file]), firstLines,
    })
    const rows = await app.db.select({ line: importRows.line, status: importRows.status, reason: importRows.reason, warning: importRows.warning })
      .from(importRows).where(and(eq(importRows.shopId, shopId), eq(importRows.importId, id))).orderBy(asc(importRows.line))
    return { preview, rows }
  }
  let withDuplicates = 0
  await fc.assert(fc.asyncProperty(fc.array(lineArb, { minLength: 3, maxLength: 40 }), fc.nat(6), async (lines, limit) => {
    const file = fileOf(lines)
    const reading = await preview(file, new FirstLines())
    const sqlOnly = await preview(file, new FirstLines(0))
    const mixed = await preview(file, new FirstLines(limit)) // gives up part-way through most files
    if (reading.preview.duplicates > 0) withDuplicates++
    t.same(sqlOnly, reading)
    t.same(mixed, reading)
  }), { numRuns: 40, seed: 20261124 })
  t.ok(withDuplicates >= 20, `most files have repeated phones (${withDuplicates} of 40)`)
})
