// Streaming CSV reader for merchant spreadsheets: BOM, `,` or `;` (sniffed from the header), CRLF/LF, quotes, NFC text.
import { Readable } from 'node:stream'
import { parse } from 'fast-csv'
import { BadRequestError } from '../errors.ts'

export interface CsvRecord {
  /** The spreadsheet row number: the header is line 1, so the first data row is line 2. */
  line: number
  /** The expected columns by their template name, NFC-normalised; missing cells are ''. */
  fields: Record<string, string>
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])
// Enough to hold any sane header line; a file without a newline in its first 64 KB is not our template.
const MAX_HEADER_BYTES = 64 * 1024

/** Comma or semicolon, whichever the header line uses more often outside quotes (Excel in vi-VN writes `;`). */
export function sniffDelimiter (headerLine: string): ',' | ';' {
  let commas = 0
  let semicolons = 0
  let quoted = false
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === ',') commas++
    else if (!quoted && ch === ';') semicolons++
  }
  return semicolons > commas ? ';' : ','
}

const headerKey = (cell: string): string => cell.normalize('NFC').replace(/^\uFEFF/, '').trim().toLowerCase()

// Maps the file's columns onto the template's; order may differ, case and surrounding spaces do not matter,
// and empty trailing columns (Excel's `;;;`) are ignored. Anything else means it is not our template.
function mapHeader (cells: string[], expected: readonly string[]): number[] {
  const wanted = new Map(expected.map((name, i) => [name.toLowerCase(), i]))
  const indexOf: number[] = new Array<number>(expected.length).fill(-1)
  let ok = true
  cells.forEach((cell, position) => {
    const key = headerKey(cell)
    if (key === '') return
    const target = wanted.get(key)
    if (target === undefined || indexOf[target] !== -1) ok = false
    else indexOf[target] = position
  })
  if (!ok || indexOf.includes(-1)) {
    throw new BadRequestError(`Tiêu đề file không đúng mẫu: cần đúng các cột ${expected.join(', ')} (dòng 1). Hãy tải file CSV mẫu và nhập dữ liệu vào đó.`)
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
    const newline = head.indexOf(0x0a)
    if (newline === -1 && head.length < MAX_HEADER_BYTES) continue
    if (head.subarray(0, 3).equals(BOM)) head = head.subarray(3)
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

// Pasted from macOS or some web forms, Vietnamese comes decomposed (NFD); names compare in NFC. Text below U+0300
// (ASCII, Latin-1 and the precomposed letters there) is NFC already, so it skips the normaliser.
const MAYBE_NOT_NFC = /[\u0300-\uffff]/
const nfc = (cell: string): string => MAYBE_NOT_NFC.test(cell) ? cell.normalize('NFC') : cell

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

/**
 * Reads records in batches of up to `size`, with backpressure (memory stays flat in the file size).
 * The parser's rows are taken with synchronous `read()` calls, a batch at a time: one await per batch, not per row.
 * Throws BadRequestError for an empty file, a header that is not the template, or broken quoting.
 */
export async function * readCsvBatches (source: AsyncIterable<Buffer | string>, expected: readonly string[], size = 1000): AsyncGenerator<CsvRecord[]> {
  let delimiter: ',' | ';' = ','
  const chunks = withoutBomSniffed(source, (line) => { delimiter = sniffDelimiter(line) })
  // The parser is created lazily: the delimiter is only known once the first line has gone through.
  const first = await chunks.next()
  if (first.done === true) throw new BadRequestError('File trống: cần dòng tiêu đề ' + expected.join(', '))
  async function * all () { yield first.value as Buffer; yield * chunks }
  const bytes = Readable.from(all())
  const parser = parse({ delimiter, ignoreEmpty: false, trim: false })
  let failure: Error | null = null
  parser.on('error', (err: Error) => { failure ??= err })
  bytes.on('error', (err) => parser.destroy(err))
  bytes.pipe(parser)

  let line = 0
  let columns: number[] | null = null
  try {
    for (;;) {
      const batch: CsvRecord[] = []
      let row: string[] | null
      while (batch.length < size && (row = parser.read() as string[] | null) !== null) {
        line++
        if (columns === null) {
          columns = mapHeader(row, expected)
          continue
        }
        // A blank spreadsheet row still has a row number, so later line numbers match what Excel shows.
        if (row.every((cell) => cell.trim() === '')) continue
        const fields: Record<string, string> = {}
        for (let i = 0; i < expected.length; i++) fields[expected[i] as string] = nfc(row[columns[i] as number] ?? '')
        batch.push({ line, fields })
      }
      if (batch.length > 0) {
        yield batch
        continue
      }
      if (failure !== null) throw failure
      if (parser.readableEnded || parser.destroyed) break
      await readable(parser)
    }
  } catch (err) {
    // Only the parser's own complaints are the file's fault; a stream error (size limit, aborted upload) stays as it is.
    if (!(err instanceof Error) || !err.message.startsWith('Parse Error')) throw err
    throw new BadRequestError(`File CSV bị lỗi định dạng sau dòng ${line}: ${(err as Error).message}`)
  } finally {
    // Also when the reader stops early (a failed preview returns the generator): the parser's buffered rows go too.
    bytes.destroy()
    parser.destroy()
  }
  if (columns === null) throw new BadRequestError('File trống: cần dòng tiêu đề ' + expected.join(', '))
}

/** readCsvBatches one record at a time. */
export async function * readCsv (source: AsyncIterable<Buffer | string>, expected: readonly string[]): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(source, expected)) yield * batch
}
