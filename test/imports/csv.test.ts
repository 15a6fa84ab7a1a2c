// The CSV reader: quote-free lines are split by our code, everything from the first quote on by fast-csv; the two
// must read any file exactly as fast-csv alone reads it, whatever the chunking.
import t from 'tap'
import fc from 'fast-check'
import { Readable } from 'node:stream'
import { parse } from 'fast-csv'
import { readCsvBatches, sniffDelimiter, type CsvRecord } from '../../server/imports/csv.ts'
import { BadRequestError } from '../../server/errors.ts'
import { cleanText } from '../../server/text.ts'

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
// same way (header mapped, blank rows skipped but counted, cells through cleanText: NFC, no control characters).
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
    const cell = (name: string) => cleanText(row[at(name)] ?? '')
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
  t.same(records.at(-2), { line: 5002, fields: { A: 'Nguyễn; Văn A', B: '0912\n345678', C: 'c' } }, 'the quoted line break kept, as LF')
  t.same(records.at(-1), { line: 5003, fields: { A: 'last', B: '1', C: '2' } })
})

t.test('a chunk of only a CR, before one that starts with LF: that CR LF is one line break', async (t) => {
  // Found by the property above in CI: a chunk of just that CR made the text to split just that CR, lastIndexOf(…, -1)
  // found it, so CR and LF counted as two line breaks and every later line number was one too high.
  const bytes = Buffer.from('A;B;C\nệ\t,B\r\r\n\r\n\n\nệ')
  for (const cuts of [[15, 16], [14, 15], [13, 14], [14]]) {
    const read = await ours(bytes, cuts, 1)
    t.same('records' in read && read.records.map((r) => r.line), [2, 7], `cut at ${cuts.join()}`)
    t.same(read, await reference(bytes, cuts))
  }
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

// Windows-1258 bytes of NFC text: a letter it has whole, or a base letter it has followed by its tone mark.
const CP1258 = new Map<string, number>()
for (let byte = 0; byte < 256; byte++) CP1258.set(new TextDecoder('windows-1258').decode(Buffer.from([byte])), byte)
function windows1258 (text: string): Buffer {
  const bytes: number[] = []
  for (const ch of text) {
    const whole = CP1258.get(ch)
    if (whole !== undefined) { bytes.push(whole); continue }
    const marks = [...ch.normalize('NFD')]
    let k = marks.length
    while (k > 0 && !CP1258.has(marks.slice(0, k).join('').normalize('NFC'))) k--
    if (k === 0) throw new Error(`not in Windows-1258: ${ch}`)
    for (const part of [marks.slice(0, k).join('').normalize('NFC'), ...marks.slice(k)]) {
      const byte = CP1258.get(part)
      if (byte === undefined) throw new Error(`not in Windows-1258: ${part}`)
      bytes.push(byte)
    }
  }
  return Buffer.from(bytes)
}

const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Đỗ Văn Giang', 'Phạm Thị Dung', '"Võ Thị, Phương"']
const EXCEL_LINES = (delimiter: string) => ['A;B;C', ...NAMES.map((name, i) => `${name};09${i};${i * 1000}`)].map((l) => l.replaceAll(';', delimiter))
const EXPECTED = NAMES.map((name, i) => ({ line: i + 2, fields: { A: name.replace(/^"(.*)"$/, '$1'), B: `09${i}`, C: `${i * 1000}` } }))
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16()

t.test('what Excel saves besides CSV UTF-8 reads the same: UTF-16 "Unicode Text" (tabs), Windows-1258 "CSV"', async (t) => {
  const text = (delimiter: string) => EXCEL_LINES(delimiter).join('\r\n') + '\r\n'
  const files: Array<[string, Buffer]> = [
    ['UTF-16LE with BOM, tabs', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text('\t'), 'utf16le')])],
    ['UTF-16LE without BOM, semicolons', Buffer.from(text(';'), 'utf16le')],
    ['UTF-16BE with BOM, commas', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text(','))])],
    ['Windows-1258, semicolons', windows1258(text(';'))],
    ['UTF-8, tabs', Buffer.from(text('\t'))],
  ]
  for (const [name, bytes] of files) {
    for (const cuts of [[], [1, 3, 5, 17, 40], Array.from({ length: bytes.length }, (_, i) => i)]) {
      t.same(await ours(bytes, cuts, 4), { records: EXPECTED }, `${name}, ${cuts.length} cuts`)
    }
  }
})

t.test('Windows-1258 is recognised where its first letter above ASCII comes, after chunks of plain lines', async (t) => {
  const plain = Array.from({ length: 5000 }, (_, i) => `Khach hang ${i};${i};${i}`)
  const bytes = windows1258(['A;B;C', ...plain, 'Nguyễn Văn An;1;2', 'Đỗ Văn Giang;3;4', ''].join('\r\n'))
  const result = await ours(bytes, Array.from({ length: 8 }, (_, i) => (i + 1) * 16384), 1000)
  const records = (result as { records: CsvRecord[] }).records
  t.equal(records.length, 5002)
  t.same(records.slice(-2), [
    { line: 5002, fields: { A: 'Nguyễn Văn An', B: '1', C: '2' } },
    { line: 5003, fields: { A: 'Đỗ Văn Giang', B: '3', C: '4' } },
  ])
  // The same text in UTF-8 stays UTF-8 (its letters are valid there), whatever the chunking.
  const utf8 = Buffer.from(['A;B;C', 'Nguyễn Văn An;1;2', ''].join('\r\n'))
  t.same(await ours(utf8, [7, 8, 9, 10], 10), { records: [{ line: 2, fields: { A: 'Nguyễn Văn An', B: '1', C: '2' } }] })
})

t.test('an Excel workbook (.xlsx, .xls) is refused saying how to save it as CSV', async (t) => {
  for (const magic of [[0x50, 0x4b, 0x03, 0x04], [0xd0, 0xcf, 0x11, 0xe0]]) {
    const result = await ours(Buffer.concat([Buffer.from(magic), Buffer.alloc(100, 1)]), [2], 10)
    t.match(result, { error: /^Đây là file Excel \(\.xlsx\/\.xls\), không phải CSV\. .*CSV UTF-8/ })
  }
})

t.test('header names match without case, accents, spaces or underscores; a wrong header names what is wrong', async (t) => {
  t.same(await ours(Buffer.from('á;B_;  c \r\n1;2;3\r\n'), [], 10), { records: [{ line: 2, fields: { A: '1', B: '2', C: '3' } }] })
  t.match(await ours(Buffer.from('A;B;GhiChu\r\n1;2;3\r\n'), [], 10), { error: /^Tiêu đề file không đúng mẫu \(dòng 1\): thiếu cột C; cột không có trong mẫu "GhiChu"\. Cần đúng các cột A, B, C/ })
  t.match(await ours(Buffer.from('A;B;C;a\r\n'), [], 10), { error: /\(dòng 1\): cột lặp lại A\./ })
})

t.test('a UTF-8 file with a damaged byte stays UTF-8: only that letter is lost', async (t) => {
  const bytes = Buffer.concat([Buffer.from('A;B;C\r\nNguyễn Văn An;1;2\r\nTrần Thị Bình;3;'), Buffer.from([0xff]), Buffer.from(';\r\nĐỗ Văn Giang;5;6\r\n')])
  t.same(await ours(bytes, [], 10), {
    records: [
      { line: 2, fields: { A: 'Nguyễn Văn An', B: '1', C: '2' } },
      { line: 3, fields: { A: 'Trần Thị Bình', B: '3', C: '\uFFFD' } },
      { line: 4, fields: { A: 'Đỗ Văn Giang', B: '5', C: '6' } },
    ]
  })
})

t.test('a cell or a record over the limits is refused at once, quoted or not, with its line', async (t) => {
  const refuse = async (bytes: Buffer, pattern: RegExp) => {
    const result = await ours(bytes, [], 100)
    t.match(result, { error: pattern })
  }
  const head = 'A;B;C\r\nx;1;2\r\n'
  // 10 MB inside one quoted cell, and a quote never closed over 30 MB: refused after the first 64 KB / 256 KB.
  await refuse(Buffer.from(head + '"' + 'a'.repeat(10 * 1024 * 1024) + '";1;2\r\n'), /dòng 3 có một ô dài hơn 64 KB/)
  await refuse(Buffer.from(head + 'y;"' + 'b;\n'.repeat(10 * 1024 * 1024)), /dòng 3 (có một ô )?dài hơn \d+ KB \(có thể thiếu dấu " đóng\)/)
  // Unquoted: a 100 KB cell on an otherwise normal line.
  await refuse(Buffer.from(head + 'z;' + '9'.repeat(100 * 1024) + ';1\r\n'), /dòng 3 có một ô dài hơn 64 KB/)
  // Under the limits, every row is read.
  const ok = await ours(Buffer.from(head + '"' + 'c'.repeat(60 * 1024) + '";"1";"2"\r\n'), [], 100)
  t.equal((ok as { records: CsvRecord[] }).records.length, 2)
})

t.test('cells are cleaned: control characters and lone surrogates never reach the database', async (t) => {
  const result = await ours(Buffer.from('A;B;C\nNguye\u0302\u0303n\u0000;0912\u0007345678;\ud800x\n'), [], 10)
  t.same((result as { records: CsvRecord[] }).records[0]?.fields, { A: 'Nguyễn', B: '0912345678', C: '\ufffdx' })
})
