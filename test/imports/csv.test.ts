// The CSV reader: quote-free lines are split by our code, everything from the first quote on by fast-csv; the two
// must read any file exactly as fast-csv alone reads it, whatever the chunking.
import t from 'tap'
import fc from 'fast-check'
import { Readable } from 'node:stream'
import { parse } from 'fast-csv'
import { readCsvBatches, sniffDelimiter, type CsvRecord } from '../../server/imports/csv.ts'
import { BadRequestError } from '../../server/errors.ts'

const COLUMNS = ['A', 'B', 'C'] as const

async function * chunked (bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b)) {
    if (cut > at) yield bytes.subarray(at, cut)
    at = Math.max(at, cut)
  }
  if (at < bytes.length) yield bytes.subarray(at)
}

type Outcome = { records: CsvRecord[] } | { error: string }

async function ours (bytes: Buffer, cuts: number[], size: number): Promise<Outcome> {
  const records: CsvRecord[] = []
  try {
    for await (const batch of readCsvBatches(chunked(bytes, cuts), COLUMNS, size)) {
      if (batch.length === 0 || batch.length > size) throw new Error(`batch of ${batch.length}`)
      records.push(...batch)
    }
    return { records }
  } catch (err) {
    if (!(err instanceof BadRequestError)) throw err
    return { error: err.message }
  }
}

// What the reader did before it split lines itself: every byte through fast-csv (after the BOM), records built the
// same way (header mapped, blank rows skipped but counted, cells NFC).
async function reference (bytes: Buffer, cuts: number[]): Promise<Outcome> {
  const rows: string[][] = []
  let failed: Error | null = null
  try {
    const body = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? bytes.subarray(3) : bytes
    const delimiter = sniffDelimiter(body.toString().split(/\r|\n/)[0] as string)
    const parser = Readable.from(chunked(body, cuts)).pipe(parse({ delimiter, ignoreEmpty: false, trim: false }))
    // Every row as it is pushed, then the error if any (an async iterator may drop rows still buffered on an error).
    await new Promise<void>((resolve, reject) => {
      parser.on('data', (row: string[]) => rows.push(row)).on('error', reject).on('end', resolve)
    })
  } catch (err) {
    failed = err as Error
  }
  // The rows come out as they are parsed: a wrong header that came out before the broken quoting is reported first.
  if (rows.length === 0) return { error: failed ? `parse: ${failed.message}` : 'empty' }
  // Columns in any order, case and surrounding spaces aside; empty header cells ignored; each exactly once.
  const header = (rows[0] as string[]).map((cell) => cell.normalize('NFC').trim().toLowerCase())
  const named = header.filter((cell) => cell !== '')
  if (named.length !== 3 || [...named].sort().join() !== 'a,b,c') return { error: 'header' }
  if (failed) return { error: `parse: ${failed.message}` }
  const at = (name: string) => header.indexOf(name)
  const records: CsvRecord[] = []
  rows.slice(1).forEach((row, i) => {
    if (row.every((cell) => cell.trim() === '')) return
    const cell = (name: string) => (row[at(name)] ?? '').normalize('NFC')
    records.push({ line: i + 2, fields: { A: cell('a'), B: cell('b'), C: cell('c') } })
  })
  return { records }
}

// Our errors carry Vietnamese text; the reference names the kind. Equal outcome: the same records, or both refused
// the file for the same reason. (With broken quoting, which of a wrong header and the parse error surfaces first
// depends on when the stream reports its error; either way the file is refused.)
const kind = (o: Outcome) => 'records' in o
  ? o
  : { error: o.error.startsWith('File CSV bị lỗi định dạng') || o.error.startsWith('parse:') ? 'parse' : o.error.startsWith('File trống') || o.error === 'empty' ? 'empty' : 'header' }
const sameOutcome = (a: Outcome, b: Outcome, quoted: boolean): boolean => {
  const [x, y] = [kind(a), kind(b)]
  if (quoted && 'error' in x && 'error' in y && [x.error, y.error].includes('parse')) return true
  return JSON.stringify(x) === JSON.stringify(y)
}

// Everything a spreadsheet line can hold around its delimiters and line breaks: whitespace of several kinds (fast-csv
// skips JavaScript's \s when it looks for a token), NFD marks, astral characters (split across chunks), both
// delimiters. (U+FEFF is left out: fast-csv drops it at the start of any chunk it is given, which depends on chunking.)
const PLAIN = ['a', 'B', '1', ' ', '  ', '\t', '\u00a0', '\u3000', ';', ',', ';;', '\r', '\n', '\r\n', '\r\r\n', 'ệ', 'e\u0302\u0323', '😀', 'Đ']
const QUOTED = [...PLAIN, '"', '""', '"x;y"', '"a\r\nb"', ' "q" ']

function file (delimiter: ';' | ',', bom: boolean, header: string, body: string[]): Buffer {
  return Buffer.from((bom ? '\uFEFF' : '') + header.replaceAll(';', delimiter) + body.join(''))
}

const headers = fc.constantFrom('A;B;C\r\n', 'A;B;C\n', 'A;B;C\r', ' a ; b ; C ;;\r\n', 'C;A;B\n', 'A;B;C', '\r\nA;B;C\n', 'A;B\n')

for (const [name, alphabet, runs] of [['without quotes', PLAIN, 600], ['with quotes somewhere', QUOTED, 400]] as const) {
  t.test(`files ${name} read exactly as fast-csv reads them, whatever the chunking`, async (t) => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(';' as const, ',' as const), fc.boolean(), headers, fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }),
      fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), fc.integer({ min: 1, max: 7 }),
      async (delimiter, bom, header, body, cuts, size) => {
        const bytes = file(delimiter, bom, header, body)
        const [a, b] = [await ours(bytes, cuts, size), await reference(bytes, cuts)]
        const equal = sameOutcome(a, b, alphabet === QUOTED)
        if (!equal) t.same(kind(a), kind(b), JSON.stringify(bytes.toString()))
        return equal
      }), { numRuns: runs })
    t.pass(`${runs} random files`)
  })
}

t.test('a quote after thousands of plain lines hands the rest to fast-csv with the line numbers going on', async (t) => {
  const lines = ['A;B;C']
  for (let i = 0; i < 5000; i++) lines.push(`x${i};${i};`)
  lines.push('"Nguyễn; Văn A";"0912\r\n345678";c', 'last;1;2', '')
  const bytes = Buffer.from(lines.join('\r\n'))
  const result = await ours(bytes, [65536, 65537, 70000], 1000)
  t.same(result, await reference(bytes, [65536, 65537, 70000]))
  const records = (result as { records: CsvRecord[] }).records
  t.equal(records.length, 5002)
  t.same(records.at(-2), { line: 5002, fields: { A: 'Nguyễn; Văn A', B: '0912\r\n345678', C: 'c' } })
  t.same(records.at(-1), { line: 5003, fields: { A: 'last', B: '1', C: '2' } })
})

t.test('broken quoting is reported with the line it follows', async (t) => {
  // The plain lines of the first chunk are read before fast-csv meets the quote in the second.
  const bytes = Buffer.from('A;B;C\r\nx;1;2\r\n"a"b;1;2\r\n')
  t.match(await ours(bytes, [14], 10), { error: /^File CSV bị lỗi định dạng sau dòng 2: Parse Error: expected: ';' OR new line got: 'b'/ })
})

t.test('a line over 1 MB without a line break is refused, not buffered forever', async (t) => {
  const bytes = Buffer.concat([Buffer.from('A;B;C\r\n'), Buffer.alloc(3 * 1024 * 1024, 'x')])
  const cuts = Array.from({ length: 48 }, (_, i) => (i + 1) * 65536)
  t.same(await ours(bytes, cuts, 10), { error: 'File có một dòng dài hơn 1 MB: đây không phải bảng CSV theo mẫu.' })
})

t.test('stopping early releases the source', async (t) => {
  let released = false
  async function * source () {
    try {
      yield Buffer.from('A;B;C\r\n')
      for (let i = 0; ; i++) yield Buffer.from(`x;${i};\r\n`.repeat(100))
    } finally { released = true }
  }
  const reader = readCsvBatches(source(), COLUMNS, 10)
  t.equal((await reader.next()).value?.length, 10)
  t.notOk(released)
  await reader.return(undefined)
  t.ok(released)
})

t.test('the delimiter is sniffed from the header line alone, after the BOM', async (t) => {
  // Three bytes of the next line used to count too: the two commas here then tied with the header's semicolons.
  const bytes = Buffer.from('\uFEFFA;B;C\r\n,,x;1;2\r\n')
  t.same(await ours(bytes, [], 10), { records: [{ line: 2, fields: { A: ',,x', B: '1', C: '2' } }] })
  // A lone CR ends the header line as well (old Mac exports).
  t.same(await ours(Buffer.from('A;B;C\r,,,,;1;2\r'), [], 10), { records: [{ line: 2, fields: { A: ',,,,', B: '1', C: '2' } }] })
})
