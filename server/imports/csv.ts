// Streaming CSV reader for merchant spreadsheets: BOM, `,` `;` or tab (sniffed from the header), CRLF/LF, quotes, NFC
// text; UTF-8, and what Excel writes otherwise (UTF-16 "Unicode Text", Windows-1258 "CSV" on a Vietnamese Windows).
import { isAscii, isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import { parse } from 'fast-csv'
import { BadRequestError } from '../errors.ts'
import { cleanText } from '../text.ts'

export interface CsvRecord {
  /** The spreadsheet row number: the header is line 1, so the first data row is line 2. */
  line: number
  /** The expected columns by their template name, NFC-normalised; missing cells are ''. */
  fields: Record<string, string>
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
// Enough to hold any sane header line; a file without a newline in its first 64 KB is not our template.
const MAX_HEADER_BYTES = 64 * 1024

/**
 * Comma, semicolon or tab, whichever the header line uses most often outside quotes (Excel in vi-VN writes `;`, its
 * "Unicode Text" tabs); a comma on a tie.
 */
export function sniffDelimiter (headerLine: string): ',' | ';' | '\t' {
  let commas = 0
  let semicolons = 0
  let tabs = 0
  let quoted = false
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === ',') commas++
    else if (!quoted && ch === ';') semicolons++
    else if (!quoted && ch === '\t') tabs++
  }
  return tabs > commas && tabs > semicolons ? '\t' : semicolons > commas ? ';' : ','
}

// What a spreadsheet file that is not text starts with: .xlsx (a zip) and .xls (an OLE compound file).
const XLSX = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const XLS = Buffer.from([0xd0, 0xcf, 0x11, 0xe0])
const NOT_CSV = 'Đây là file Excel (.xlsx/.xls), không phải CSV. Trong Excel chọn File → Save As (Lưu thành) → "CSV UTF-8 (Comma delimited)" rồi tải file đó lên.'

function transcoding (encoding: 'utf-16le' | 'utf-16be' | 'windows-1258'): (buf: Buffer | null) => Buffer {
  const decoder = new TextDecoder(encoding)
  return (buf) => Buffer.from(buf === null ? decoder.decode() : decoder.decode(buf, { stream: true }), 'utf8')
}

// More bytes that do not decode as UTF-8 than characters that do: Windows-1258 (its letters are single bytes above
// 0x7f, next to ASCII, which UTF-8 never allows), not a UTF-8 file with a damaged byte or two.
function mostlyNotUtf8 (buf: Buffer): boolean {
  let bad = 0
  let good = 0
  for (const ch of buf.toString('utf8')) {
    if (ch === '\uFFFD') bad++
    else if (ch.charCodeAt(0) > 0x7f) good++
  }
  return bad > good
}

/**
 * The file as UTF-8 bytes. UTF-16 (a BOM, or the NUL bytes of its ASCII header) is transcoded. Otherwise bytes pass
 * through as UTF-8, unless the first chunk holding a byte above 0x7f is mostly not UTF-8: then the file is what Excel
 * saves as "CSV" on a Vietnamese Windows, Windows-1258, and is transcoded from there on (the chunks before were ASCII,
 * the same in both). A .xlsx or .xls file is refused with what to do instead.
 */
async function * utf8Chunks (source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let head: Buffer = Buffer.alloc(0)
  let decided = false
  let transcode: ((buf: Buffer | null) => Buffer) | null = null
  let ascii = true
  let held: Buffer | null = null // plain bytes ending in the first high byte(s), a character still incomplete
  for await (const chunk of source) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (!decided) {
      head = Buffer.concat([head, buf])
      if (head.length < 4) continue
      buf = head
      decided = true
      if (head.subarray(0, 4).equals(XLSX) || head.subarray(0, 4).equals(XLS)) throw new BadRequestError(NOT_CSV)
      if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] !== 0 && head[1] === 0)) transcode = transcoding('utf-16le')
      else if ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0 && head[1] !== 0)) transcode = transcoding('utf-16be')
    }
    if (transcode !== null) { yield transcode(buf); continue }
    if (ascii) {
      if (held !== null) { buf = Buffer.concat([held, buf]); held = null }
      if (!isAscii(buf)) {
        // The chunks before were ASCII, so this one starts at a character; one cut at its end is not an error, but
        // the decision waits until it holds a whole character above ASCII.
        const cut = completeUtf8(buf)
        if (isAscii(buf.subarray(0, cut))) { held = buf; continue }
        ascii = false
        if (!isUtf8(buf.subarray(0, cut)) && mostlyNotUtf8(buf.subarray(0, cut))) {
          transcode = transcoding('windows-1258')
          yield transcode(buf)
          continue
        }
      }
    }
    yield buf
  }
  if (!decided && head.length > 0) {
    if (head[0] === 0xff && head[1] === 0xfe) return
    yield head
  }
  // The file ended inside its first character above ASCII: not UTF-8.
  if (held !== null) {
    transcode = transcoding('windows-1258')
    yield transcode(held)
  }
  if (transcode !== null) {
    const rest = transcode(null)
    if (rest.length > 0) yield rest
  }
}

// A column's name without case, accents, spaces or underscores: "Họ tên" and "HO_TEN" are HoTen.
const headerKey = (cell: string): string => cell.replace(/^\uFEFF/, '').normalize('NFD').replace(/[\u0300-\u036f\s_]/g, '')
  .replace(/[đĐ]/g, 'd').toLowerCase()

// Maps the file's columns onto the template's; order may differ, case, accents and spaces do not matter, and empty
// columns (Excel's trailing `;;;`) are ignored. Anything else means it is not our template: the message names what is
// missing, repeated or unknown.
function mapHeader (cells: string[], expected: readonly string[]): number[] {
  const wanted = new Map(expected.map((name, i) => [headerKey(name), i]))
  const indexOf: number[] = new Array<number>(expected.length).fill(-1)
  const unknown: string[] = []
  const repeated: string[] = []
  cells.forEach((cell, position) => {
    const key = headerKey(cell)
    if (key === '') return
    const target = wanted.get(key)
    if (target === undefined) unknown.push(`"${cell.trim()}"`)
    else if (indexOf[target] !== -1) repeated.push(expected[target] as string)
    else indexOf[target] = position
  })
  const missing = expected.filter((_, i) => indexOf[i] === -1)
  if (unknown.length + repeated.length + missing.length > 0) {
    const problems = [
      missing.length > 0 ? `thiếu cột ${missing.join(', ')}` : '',
      repeated.length > 0 ? `cột lặp lại ${repeated.join(', ')}` : '',
      unknown.length > 0 ? `cột không có trong mẫu ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? '…' : ''}` : '',
    ].filter((p) => p !== '').join('; ')
    throw new BadRequestError(`Tiêu đề file không đúng mẫu (dòng 1): ${problems}. Cần đúng các cột ${expected.join(', ')}; hãy tải file CSV mẫu và nhập dữ liệu vào đó.`)
  }
  return indexOf
}

async function * withoutBomSniffed (source: AsyncIterable<Buffer | string>, onHeaderLine: (line: string) => void): AsyncGenerator<Buffer> {
  let head: Buffer = Buffer.alloc(0)
  let sniffed = false
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (sniffed) { yield buf; continue }
    head = Buffer.concat([head, buf])
    if (head.length < 3 && BOM.subarray(0, head.length).equals(head)) continue // maybe a BOM still coming
    if (head.subarray(0, 3).equals(BOM)) head = head.subarray(3)
    // LF or CR (old Mac exports end lines with a lone CR), looked for after the BOM so the line is exactly the header.
    const lf = head.indexOf(0x0a)
    const cr = head.indexOf(0x0d)
    const newline = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
    if (newline === -1 && head.length < MAX_HEADER_BYTES) continue
    onHeaderLine(head.subarray(0, newline === -1 ? head.length : newline).toString('utf8'))
    sniffed = true
    yield head
  }
  if (!sniffed) {
    if (head.subarray(0, 3).equals(BOM)) head = head.subarray(3)
    onHeaderLine(head.toString('utf8'))
    if (head.length > 0) yield head
  }
}

// Pasted from macOS or some web forms, Vietnamese comes decomposed (NFD); names compare in NFC. A cell also loses
// control characters and lone surrogates (cleanText). Printable ASCII without a control is clean already.
const MAYBE_UNCLEAN = /[^\u0020-\u007e]/
const cleanCell = (cell: string): string => MAYBE_UNCLEAN.test(cell) ? cleanText(cell) : cell

/** Resolves when the stream has something to read, has ended or has failed. */
function readable (stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('readable', done).off('end', done).off('error', done).off('close', done)
      resolve()
    }
    stream.on('readable', done).on('end', done).on('error', done).on('close', done)
  })
}

/** A cell (quoted or not) and a record longer than these are not a spreadsheet row of ours. */
export const MAX_CELL_BYTES = 64 * 1024
export const MAX_RECORD_BYTES = 256 * 1024

/** A cell or record over the limits: readCsvBatches adds where in the file. */
export class CsvLimitError extends BadRequestError {}

const DOUBLE_QUOTE = 0x22
const LINE_FEED = 0x0a
const CARRIAGE_RETURN = 0x0d

/**
 * Follows the quoting byte by byte (delimiter, quote and line breaks are ASCII, never inside a UTF-8 character) and
 * throws CsvLimitError as soon as a cell or a record is too long: fast-csv gathers a quoted cell whole, so a 10 MB
 * cell or an unterminated quote would otherwise be read to the end of the file (slowly, into memory) first.
 */
function recordGuard (delimiter: string, firstLine: number): (buf: Buffer) => void {
  const delim = delimiter.charCodeAt(0)
  let quoted = false
  let cell = 0
  let record = 0
  let line = firstLine // the spreadsheet line the current record starts on
  let lastWasCr = false
  const unclosed = () => (quoted ? ' (có thể thiếu dấu " đóng)' : '')
  return (buf) => {
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]
      if (!quoted && (b === LINE_FEED || b === CARRIAGE_RETURN)) {
        if (!(b === LINE_FEED && lastWasCr)) line++ // CRLF is one line break
        lastWasCr = b === CARRIAGE_RETURN
        cell = 0
        record = 0
        continue
      }
      lastWasCr = false
      // A doubled quote inside quotes toggles twice: it stays quoted, as it should.
      if (b === DOUBLE_QUOTE) quoted = !quoted
      else if (!quoted && b === delim) cell = 0
      if (++cell > MAX_CELL_BYTES) throw new CsvLimitError(`dòng ${line} có một ô dài hơn ${MAX_CELL_BYTES / 1024} KB${unclosed()}`)
      if (++record > MAX_RECORD_BYTES) throw new CsvLimitError(`dòng ${line} dài hơn ${MAX_RECORD_BYTES / 1024} KB${unclosed()}`)
    }
  }
}

/** fast-csv's rows of `head` and every chunk after it, as arrays of whatever its parser has ready (one await each). */
async function * fastCsvRows (head: Buffer, rest: AsyncGenerator<Buffer>, delimiter: string, firstLine: number): AsyncGenerator<string[][]> {
  const guard = recordGuard(delimiter, firstLine)
  let limit: CsvLimitError | null = null
  async function * all () {
    try {
      guard(head)
      yield head
      for await (const chunk of rest) { // destroying the stream returns rest too
        guard(chunk)
        yield chunk
      }
    } catch (err) {
      if (err instanceof CsvLimitError) limit = err
      throw err
    }
  }
  const bytes = Readable.from(all())
  const parser = parse({ delimiter, ignoreEmpty: false, trim: false })
  let failure: Error | null = null
  parser.on('error', (err: Error) => { failure ??= err })
  bytes.on('error', (err) => parser.destroy(err))
  bytes.pipe(parser)
  try {
    for (;;) {
      const rows: string[][] = []
      let row: string[] | null
      while ((row = parser.read() as string[] | null) !== null) rows.push(row)
      if (rows.length > 0) {
        yield rows
        continue
      }
      if (limit !== null) throw limit
      if (failure !== null) throw failure
      if (parser.readableEnded || parser.destroyed) return
      await readable(parser)
    }
  } finally {
    // Also when the reader stops early (a failed preview returns the generator): the parser's buffered rows go too.
    bytes.destroy()
    parser.destroy()
  }
}

const ROW_END = /\r\n|\n|\r/
// JavaScript's \s, as fast-csv skips it when it looks for a line's first token.
const BLANK = /^\s*$/
// A line without a row delimiter this long is not a spreadsheet row of ours (and would make every chunk rescan it).
const MAX_LINE_CHARS = 1024 * 1024

/**
 * The rows of complete lines without a quote, exactly as fast-csv reads them (trim and ignoreEmpty off): cells split
 * at the delimiter, kept as written, with fast-csv's two quirks about blanks: a line of only whitespace is a row of no
 * cells, and whitespace before a line's first delimiter is dropped (the first cell is '').
 */
function splitLines (lines: string[], delimiter: string, rows: string[][]): void {
  for (const text of lines) {
    if (BLANK.test(text)) { rows.push([]); continue }
    const cells = text.split(delimiter)
    if (cells.length > 1 && BLANK.test(cells[0] as string)) cells[0] = ''
    rows.push(cells)
  }
}

/** Where `buf` stops holding whole UTF-8 characters: the bytes after it are the start of one that continues in the next chunk. */
function completeUtf8 (buf: Buffer): number {
  for (let i = buf.length - 1; i >= 0 && i >= buf.length - 4; i--) {
    const byte = buf[i] as number
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: look further back for the lead byte
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return i + length > buf.length ? i : buf.length
  }
  return buf.length
}

/**
 * The file's rows, an array per chunk. A chunk without a double quote (most exports: Excel quotes only cells holding
 * the delimiter, a quote or a line break) cannot hold a quoted cell, so its complete lines are split as fast-csv would
 * split them (test/imports/csv.test.ts holds the two equal on random files); from the first quote on, the rest of
 * the file goes to fast-csv itself. Its tokenizer cost 2.5-6 µs a row (a fifth to a quarter of the preview's Node time).
 */
async function * csvRows (chunks: AsyncGenerator<Buffer>, delimiter: () => string): AsyncGenerator<string[][]> {
  let pending = '' // the start of a line whose row delimiter has not arrived yet
  let carry: Buffer = Buffer.alloc(0) // the first bytes of a character split between two chunks
  let delegated = false
  let linesRead = 0 // spreadsheet lines yielded so far (the header included)
  try {
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
      const buf = carry.length > 0 ? Buffer.concat([carry, next.value]) : next.value
      // 0x22 is never part of a multi-byte UTF-8 sequence: the bytes tell whether the text has a quote.
      if (buf.includes(0x22)) {
        delegated = true
        // pending starts at a row boundary: with no quote before it, every line break was one.
        yield * fastCsvRows(Buffer.concat([Buffer.from(pending), buf]), chunks, delimiter(), linesRead + 1)
        return
      }
      const cut = completeUtf8(buf)
      carry = buf.subarray(cut)
      const text = pending + buf.toString('utf8', 0, cut)
      // A CR at the very end may be the first half of a CRLF: that line waits for the next chunk, as in fast-csv.
      // (lastIndexOf takes a negative start as 0: a text of just that CR would count it as a line break.)
      const last = text.endsWith('\r') ? text.length - 2 : text.length - 1
      const end = last < 0 ? -1 : Math.max(text.lastIndexOf('\n', last), text.lastIndexOf('\r', last))
      pending = text.slice(end + 1)
      if (pending.length > MAX_LINE_CHARS) throw new BadRequestError('File có một dòng dài hơn 1 MB: đây không phải bảng CSV theo mẫu.')
      if (end < 0) continue
      const lines = text.slice(0, end + 1).split(ROW_END)
      lines.pop() // '' after the last row delimiter
      const rows: string[][] = []
      splitLines(lines, delimiter(), rows)
      linesRead += rows.length
      yield rows
    }
    // At the end a line needs no row delimiter, but fast-csv reads nothing from trailing whitespace.
    const lines = (pending + carry.toString('utf8')).split(ROW_END)
    const tail = lines.pop() as string
    if (!BLANK.test(tail)) lines.push(tail)
    const rows: string[][] = []
    splitLines(lines, delimiter(), rows)
    if (rows.length > 0) yield rows
  } finally {
    // Stopped early or failed: the source stream is released (once delegated, fast-csv's stream does that).
    if (!delegated) await chunks.return(undefined)
  }
}

/**
 * Reads records in batches of up to `size`, with backpressure (memory stays flat in the file size).
 * Throws BadRequestError for an empty file, a header that is not the template, or broken quoting.
 */
export async function * readCsvBatches (source: AsyncIterable<Buffer | string>, expected: readonly string[], size = 1000): AsyncGenerator<CsvRecord[]> {
  let delimiter: ',' | ';' | '\t' = ','
  const chunks = withoutBomSniffed(utf8Chunks(source), (line) => { delimiter = sniffDelimiter(line) })
  const rowChunks = csvRows(chunks, () => delimiter)
  let line = 0
  let columns: number[] | null = null
  try {
    let batch: CsvRecord[] = []
    for await (const rows of rowChunks) {
      for (const row of rows) {
        line++
        if (columns === null) {
          columns = mapHeader(row, expected)
          continue
        }
        // A blank spreadsheet row still has a row number, so later line numbers match what Excel shows.
        if (row.every((cell) => cell.trim() === '')) continue
        const fields: Record<string, string> = {}
        for (let i = 0; i < expected.length; i++) {
          const cell = row[columns[i] as number] ?? ''
          if (Buffer.byteLength(cell) > MAX_CELL_BYTES) throw new CsvLimitError(`dòng ${line} có một ô dài hơn ${MAX_CELL_BYTES / 1024} KB`)
          fields[expected[i] as string] = cleanCell(cell)
        }
        batch.push({ line, fields })
        if (batch.length >= size) {
          yield batch
          batch = []
        }
      }
    }
    if (batch.length > 0) yield batch
  } catch (err) {
    if (err instanceof CsvLimitError) throw new BadRequestError(`File CSV không hợp lệ: ${err.message}. Mỗi ô tối đa ${MAX_CELL_BYTES / 1024} KB, mỗi dòng tối đa ${MAX_RECORD_BYTES / 1024} KB; hãy kiểm tra file theo mẫu.`)
    // Only the parser's own complaints are the file's fault; a stream error (size limit, aborted upload) stays as it is.
    if (!(err instanceof Error) || !err.message.startsWith('Parse Error')) throw err
    throw new BadRequestError(`File CSV bị lỗi định dạng sau dòng ${line}: ${(err as Error).message}`)
  } finally {
    await rowChunks.return(undefined)
  }
  if (columns === null) throw new BadRequestError('File trống: cần dòng tiêu đề ' + expected.join(', '))
}

/** readCsvBatches one record at a time. */
export async function * readCsv (source: AsyncIterable<Buffer | string>, expected: readonly string[]): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(source, expected)) yield * batch
}
