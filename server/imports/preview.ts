// Upload → preview: stream the CSV, check each line, match it to the shop's customers, store import_rows in batches.
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import type { Writable } from 'node:stream'
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { isPostgres } from './driver.ts'
import { imports } from '../../db/schema/index.ts'
import { readCsvBatches, type CsvRecord } from './csv.ts'
import { FirstLines } from './first-lines.ts'
import { checkRow, COLUMNS, nameKey, type CheckedRow, type ImportKind } from './kinds.ts'
import type { ImportPreview as Preview } from '../../api-types/imports.ts'

// Rows per classify round (one customer query), and rounds under way at once, each on its own connection, while the
// next batch is parsed. Every row of a batch outlives a few young-generation collections and is promoted, so the rows
// in flight set how much garbage the old generation holds before it is collected. 1,000,000 rows (docs/BENCHMARKS.md):
// one round of 3,000 kept Node and Postgres each ~68 % busy (each waited for the other): 15.2-18.7 s, 273-286 MB RSS;
// two rounds of 2,000 keep them 73-86 % busy: 12.0-17.4 s, 241-293 MB. One round of 5,000 peaked up to 312 MB.
const BATCH_SIZE = 2000
const LOOKUPS_IN_FLIGHT = 2

// The preview's counts, as the API answers them.
export type { Preview }

type RowStatus = 'matched' | 'not_found' | 'already_imported' | 'invalid' | 'duplicate'

interface StoredRow {
  line: number
  status: RowStatus
  customer_id: number | null
  phone: string | null
  name: string | null
  email: string | null
  raw: Record<string, string>
  amount: number | null
  second_amount: number | null
  points: number | null
  reason: string | null
  warning: string | null
}

export const REASONS = {
  notFound: 'Không tìm thấy khách hàng có số điện thoại này trên Haravan',
  alreadyImported: 'Dữ liệu đầu kỳ của khách hàng này đã nhập trước đó',
  emailMismatch: (email: string | null) => email
    ? `Email không khớp với khách hàng trên Haravan (Haravan: ${email})`
    : 'Email không khớp: khách hàng trên Haravan chưa có email',
  ambiguous: (n: number) => `Có ${n} khách hàng trên Haravan cùng số điện thoại này; hãy ghi Email để phân biệt`,
  nameMismatch: (name: string) => `Họ tên khác với trên Haravan: "${name}"`,
  duplicate: 'Trùng số điện thoại với dòng ',
} as const

interface Customer { id: number, phoneE164: string | null, email: string | null, fullName: string }

const sameEmail = (a: string | null, b: string | null) => a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase()

/** A batch's lines checked, each with the first line of its phone in the file (null: no phone, or not known here). */
interface CheckedBatch { records: CsvRecord[], checked: CheckedRow[], firstLines: Array<number | null> }

// Synchronous, and called in line order: a phone's first line is known before any later line of it is checked.
function checkBatch (kind: ImportKind, records: CsvRecord[], seen: FirstLines): CheckedBatch {
  const checked = records.map((record) => checkRow(kind, record.fields))
  const firstLines = records.map((record, i) => {
    const phone = checked[i]?.phoneE164 ?? null
    return phone === null ? null : seen.firstLine(phone, record.line)
  })
  return { records, checked, firstLines }
}

/** The shop's customers with the batch's phones, and which of them are members (with their opening import, if any). */
interface PhoneLookup { byPhone: Map<string, Customer[]>, memberOf: Map<number, { openingImportId: string | null }> }

async function customersByPhone (db: Db, shopId: string, checked: CheckedRow[], anyMember: boolean): Promise<PhoneLookup> {
  const unique = new Set<string>()
  for (const row of checked) if (row.reason === null && row.phoneE164) unique.add(row.phoneE164)
  const phones = [...unique]
  const byPhone = new Map<string, Customer[]>()
  const memberOf = new Map<number, { openingImportId: string | null }>()
  if (phones.length === 0) return { byPhone, memberOf }
  // One query per batch: customers by phone with their member row, if any. Each phone is an index probe (a lateral
  // subquery behind `offset 0` cannot be turned into a join): with 10,000 phones against 1,000,000 customers the
  // planner otherwise prefers a parallel scan of every customer, 200 ms a batch. Phones are normalised E.164
  // (+ and digits), so the array literal needs no quoting; sorted, the probes walk the index in order.
  phones.sort()
  // Each customer comes back with the position of its phone in the array (an int is cheaper to send and parse than
  // the phone), and with its member row only when the shop had members when the preview started (a first import
  // has none: half the probes and two columns saved).
  // lateral + limit: always a primary-key probe per customer, whatever the planner believes about members
  const memberJoin = sql`left join lateral (select m.customer_id, m.opening_import_id from members m
    where m.shop_id = ${shopId} and m.customer_id = c.id limit 1) m on true`
  const found = await queryRows<{ i: number, id: number | string, email: string | null, full_name: string, member?: boolean, opening_import_id?: string | null }>(db, sql`
    select p.i::int as i, c.id, c.email, c.full_name ${anyMember ? sql`, m.customer_id is not null as member, m.opening_import_id` : sql``}
    from unnest(${`{${phones.join(',')}}`}::text[]) with ordinality as p(phone, i)
      join lateral (
        select c.id, c.email, c.full_name from customers c where c.shop_id = ${shopId} and c.phone_e164 = p.phone offset 0
      ) c on true
      ${anyMember ? memberJoin : sql``}
    order by c.id`)
  for (const row of found) {
    const phone = phones[row.i - 1] as string
    const c: Customer = { id: Number(row.id), phoneE164: phone, email: row.email, fullName: row.full_name }
    const list = byPhone.get(phone) ?? []
    list.push(c)
    byPhone.set(phone, list)
    if (row.member === true) memberOf.set(c.id, { openingImportId: row.opening_import_id ?? null })
  }
  return { byPhone, memberOf }
}

/** One checked line against the customers found for its phone: matched (maybe with a warning), or why not. */
function classifyLine (kind: ImportKind, record: CsvRecord, row: CheckedRow, { byPhone, memberOf }: PhoneLookup): StoredRow {
  const stored: StoredRow = {
    line: record.line,
    status: 'invalid',
    customer_id: null,
    phone: row.phoneE164,
    name: row.name,
    email: row.email,
    raw: record.fields,
    amount: row.amount,
    second_amount: row.secondAmount,
    points: row.points,
    reason: row.reason,
    warning: null,
  }
  if (row.reason !== null) return stored
  let candidates = byPhone.get(row.phoneE164 as string) ?? []
  if (candidates.length === 0) return Object.assign(stored, { status: 'not_found', reason: REASONS.notFound })
  if (row.email !== null) {
    const withEmail = candidates.filter((c) => sameEmail(c.email, row.email))
    if (withEmail.length === 0) return Object.assign(stored, { reason: REASONS.emailMismatch(candidates[0]?.email ?? null) })
    candidates = withEmail
  }
  if (candidates.length > 1) {
    // One Haravan customer per phone is the norm; with several, the activated member is the one that holds points.
    const activated = candidates.filter((c) => memberOf.has(c.id))
    if (activated.length !== 1) return Object.assign(stored, { reason: REASONS.ambiguous(candidates.length) })
    candidates = activated
  }
  const customer = candidates[0] as Customer
  stored.customer_id = customer.id
  if (kind === 'opening_balance' && memberOf.get(customer.id)?.openingImportId) {
    return Object.assign(stored, { status: 'already_imported', reason: REASONS.alreadyImported })
  }
  // Equal strings have equal keys: the usual case skips the normalisation (~2 µs a name).
  if (row.name !== null && row.name !== customer.fullName && customer.fullName.trim() !== '' && nameKey(row.name) !== nameKey(customer.fullName)) {
    stored.warning = REASONS.nameMismatch(customer.fullName)
  }
  stored.status = 'matched'
  return stored
}

async function classifyBatch (db: Db, shopId: string, kind: ImportKind, b: CheckedBatch, anyMember: boolean): Promise<StoredRow[]> {
  const lookup = await customersByPhone(db, shopId, b.checked, anyMember)
  // The later line of a repeated phone is the duplicate, unless it is invalid (it keeps its own reason, as in SQL).
  return b.records.map((record, i) => {
    const stored = classifyLine(kind, record, b.checked[i] as CheckedRow, lookup)
    const first = b.firstLines[i] ?? null
    if (first === null || first === record.line || stored.status === 'invalid') return stored
    return Object.assign(stored, { status: 'duplicate', reason: REASONS.duplicate + first, warning: null })
  })
}

// One statement per batch: the rows travel as a single JSON parameter (65,535-parameter limits never bite).
async function insertRows (db: Db, shopId: string, importId: string, rowsJson: string): Promise<void> {
  if (rowsJson === '[]') return
  await db.execute(sql`
    insert into import_rows (shop_id, import_id, line, status, customer_id, phone_e164, name, email, raw, amount, second_amount, points, reason, warning)
    select ${shopId}, ${importId}::uuid, x.line, x.status, x.customer_id, x.phone, x.name, x.email, x.raw, x.amount, x.second_amount, x.points, x.reason, x.warning
    from json_to_recordset(${rowsJson}::json) as x(line int, status text, customer_id bigint, phone text, name text, email text,
      raw json, amount bigint, second_amount bigint, points bigint, reason text, warning text)`)
}

// COPY's text format: tab between columns, \N for null, and backslash, tab, newline and carriage return escaped.
const COPY_SPECIAL = /[\\\t\n\r]/
const COPY_SPECIALS = /[\\\t\n\r]/g
const COPY_ESCAPE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const copyText = (v: string | null): string => v === null ? '\\N' : COPY_SPECIAL.test(v) ? v.replace(COPY_SPECIALS, (c) => COPY_ESCAPE[c] as string) : v
const copyNumber = (v: number | null): string => v === null ? '\\N' : String(v)

function copyLines (shopId: string, importId: string, rows: StoredRow[]): string {
  const head = `${copyText(shopId)}\t${importId}\t`
  let text = ''
  for (const r of rows) {
    text += head + r.line + '\t' + r.status + '\t' + copyNumber(r.customer_id) + '\t' + copyText(r.phone) + '\t' + copyText(r.name) + '\t' +
      copyText(r.email) + '\t' + copyText(JSON.stringify(r.raw)) + '\t' + copyNumber(r.amount) + '\t' + copyNumber(r.second_amount) + '\t' +
      copyNumber(r.points) + '\t' + copyText(r.reason) + '\t' + copyText(r.warning) + '\n'
  }
  return text
}

/**
 * encode: a batch of rows as the text the sink takes, done as soon as the batch is classified, so the row objects die
 * young (fewer survive into the old generation while earlier batches are written: less garbage-collection work).
 */
interface RowSink { encode (rows: StoredRow[]): string, write (payload: string): Promise<void>, end (): Promise<void>, abort (err: Error): void }

interface PostgresJsClient {
  (strings: TemplateStringsArray, ...values: unknown[]): { writable (): Promise<Writable> }
  options?: { max?: number }
}

/**
 * Where the classified rows go. On Postgres: one COPY … FROM STDIN for the whole file on its own connection (the
 * customer queries use others), written with backpressure, so the database ingests a batch while the next is parsed.
 * On PGlite (tests, small files): one insert per batch.
 */
async function rowSink (db: Db, shopId: string, importId: string): Promise<RowSink> {
  const client = isPostgres(db) ? (db as unknown as { $client: PostgresJsClient }).$client : null
  // The COPY holds a connection for the whole file while the customer queries need another one.
  if (client === null || (client.options?.max ?? 1) < 2) {
    return { encode: (rows) => JSON.stringify(rows), write: (json) => insertRows(db, shopId, importId, json), end: async () => {}, abort: () => {} }
  }
  const copy = await client`copy import_rows (shop_id, import_id, line, status, customer_id, phone_e164, name, email,
    raw, amount, second_amount, points, reason, warning) from stdin`.writable()
  let failed: Error | null = null
  copy.on('error', (err: Error) => { failed = err })
  return {
    encode: (rows) => copyLines(shopId, importId, rows),
    async write (text) {
      if (failed) throw failed
      if (text.length > 0 && !copy.write(text)) await once(copy, 'drain')
    },
    async end () {
      if (failed) throw failed
      copy.end()
      await finished(copy) // the COPY's CommandComplete
    },
    abort (err) { if (!copy.destroyed) copy.destroy(err) },
  }
}

// The later line of a repeated phone is the duplicate; a line that is already invalid keeps its own reason. The preview
// marks them as it reads (FirstLines); this pass is for a file with more distinct phones than that table holds.
// Returns what each changed line was before, so the caller's counts follow without counting the table again.
async function markDuplicates (db: Db, shopId: string, importId: string): Promise<Array<{ status: string, warned: boolean }>> {
  const mark = (tx: Db) => queryRows<{ status: string, warned: boolean }>(tx, sql`
    -- Materialised first: the planner otherwise may re-run the window per row of a freshly filled, unanalysed table.
    with d as materialized (
      select line, first_line, status, warned from (
        select line, status, warning is not null as warned, min(line) over (partition by phone_e164) as first_line
        from import_rows where shop_id = ${shopId} and import_id = ${importId}::uuid and phone_e164 is not null
      ) w where line > first_line and status not in ('invalid', 'duplicate')
    )
    update import_rows r set status = 'duplicate', reason = ${REASONS.duplicate} || d.first_line, warning = null
    from d where r.shop_id = ${shopId} and r.import_id = ${importId}::uuid and r.line = d.line
    returning d.status, d.warned`)
  if (!isPostgres(db)) return mark(db)
  // The window sorts every line by phone: in memory rather than through temp files at the default 4 MB.
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '128MB'`)
    return mark(tx)
  })
}

/** The preview's counts, kept as the rows are stored (and moved by the duplicates pass), not counted afterwards. */
interface Tally { status: Record<RowStatus, number>, warnings: number }

const emptyTally = (): Tally => ({ status: { matched: 0, not_found: 0, already_imported: 0, invalid: 0, duplicate: 0 }, warnings: 0 })

function previewOf ({ status: tally, warnings }: Tally): Preview {
  return {
    rows: tally.matched + tally.not_found + tally.already_imported + tally.invalid + tally.duplicate,
    valid: tally.matched + tally.not_found + tally.already_imported,
    matched: tally.matched,
    notFound: tally.not_found,
    alreadyImported: tally.already_imported,
    invalid: tally.invalid,
    duplicates: tally.duplicate,
    warnings,
  }
}

export async function countPreview (db: Db, shopId: string, importId: string): Promise<Preview> {
  const rows = await queryRows<{ status: string, n: number | string, warnings: number | string }>(db, sql`
    select status, count(*) as n, count(warning) as warnings from import_rows
    where shop_id = ${shopId} and import_id = ${importId}::uuid group by status`)
  const by = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0)
  const preview: Preview = {
    rows: rows.reduce((sum, r) => sum + Number(r.n), 0),
    valid: 0,
    matched: by('matched'),
    notFound: by('not_found'),
    alreadyImported: by('already_imported'),
    invalid: by('invalid'),
    duplicates: by('duplicate'),
    warnings: rows.reduce((sum, r) => sum + Number(r.warnings), 0),
  }
  preview.valid = preview.matched + preview.notFound + preview.alreadyImported
  return preview
}

export interface CreateImportInput {
  shopId: string
  kind: ImportKind
  fileName: string | null
  actor: string
  now: Date
  source: AsyncIterable<Buffer | string>
  /** The table of phones already seen (tests pass a small one to exercise the SQL pass). */
  firstLines?: FirstLines
}

/**
 * A pipeline: while a batch is parsed, the LOOKUPS_IN_FLIGHT batches before it are classified (their customer
 * queries) and earlier ones are written to the sink, in order; a bounded number of batches waits in each stage, so
 * memory stays flat. add() takes a batch once room() resolved; drained() resolves when every batch is written.
 */
function previewPipeline (classify: (records: CsvRecord[]) => Promise<StoredRow[]>, out: RowSink, tally: Tally) {
  // Oldest first: the classify rounds under way, and the writes not yet taken by the sink.
  const classifying: Array<Promise<unknown>> = []
  const writing: Array<Promise<void>> = []
  let written: Promise<void> = Promise.resolve()
  return {
    async room () {
      while (classifying.length >= LOOKUPS_IN_FLIGHT) await classifying.shift()
      while (writing.length > LOOKUPS_IN_FLIGHT) await writing.shift()
    },
    add (records: CsvRecord[]) {
      const classified = classify(records).then((rows) => {
        for (const row of rows) {
          tally.status[row.status]++
          if (row.warning !== null) tally.warnings++
        }
        return out.encode(rows)
      })
      const write = written.then(async () => { await out.write(await classified) })
      // Both are awaited (room, drained); these only stop unhandled-rejection warnings meanwhile.
      classified.catch(() => {})
      write.catch(() => {})
      classifying.push(classified)
      writing.push(write)
      written = write
    },
    drained: () => written,
  }
}

/** The rest of the file, from the batch already read, regrouped into BATCH_SIZE lines for the pipeline. */
async function feed (chunks: AsyncGenerator<CsvRecord[]>, first: IteratorResult<CsvRecord[]>, pipeline: ReturnType<typeof previewPipeline>): Promise<void> {
  let next = first
  let batch: CsvRecord[] = []
  while (next.done !== true) {
    for (const record of next.value) batch.push(record)
    if (batch.length >= BATCH_SIZE) {
      await pipeline.room()
      pipeline.add(batch)
      batch = []
    }
    next = await chunks.next()
  }
  pipeline.add(batch)
  await pipeline.drained()
}

/** The SQL duplicates pass, for a file with more distinct phones than FirstLines holds; the tally follows its changes. */
async function markRemainingDuplicates (db: Db, shopId: string, importId: string, tally: Tally): Promise<void> {
  for (const changed of await markDuplicates(db, shopId, importId)) {
    tally.status[changed.status as RowStatus]--
    tally.status.duplicate++
    if (changed.warned) tally.warnings--
  }
}

async function shopHasMembers (db: Db, shopId: string): Promise<boolean> {
  const [members] = await queryRows<{ any: boolean }>(db, sql`select exists (select 1 from members where shop_id = ${shopId}) as any`)
  return members?.any === true
}

/** Parses and previews a whole file; the header is checked before anything is stored (a wrong file leaves no trace). */
export async function createImport (db: Db, input: CreateImportInput): Promise<{ id: string, preview: Preview }> {
  const { shopId, kind } = input
  const chunks = readCsvBatches(input.source, COLUMNS[kind])
  const first = await chunks.next() // throws on a wrong header before the import exists
  const id = randomUUID()
  await db.insert(imports).values({ shopId, id, kind, status: 'parsing', fileName: input.fileName, createdBy: input.actor, createdAt: input.now })
  let sink: RowSink | null = null
  try {
    sink = await rowSink(db, shopId, id)
    const anyMember = await shopHasMembers(db, shopId)
    const tally = emptyTally()
    // Repeated phones, marked as the lines are read while the table holds them all (always, up to 1,500,000 phones).
    const seen = input.firstLines ?? new FirstLines()
    const classify = (records: CsvRecord[]) => classifyBatch(db, shopId, kind, checkBatch(kind, records, seen), anyMember)
    await feed(chunks, first, previewPipeline(classify, sink, tally))
    await sink.end()
    sink = null
    if (seen.gaveUp) await markRemainingDuplicates(db, shopId, id, tally)
    const preview = previewOf(tally)
    await db.update(imports).set({ status: 'previewed', preview: { ...preview }, totalRows: preview.rows })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
    return { id, preview }
  } catch (err) {
    sink?.abort(err as Error)
    await chunks.return(undefined)
    await db.update(imports).set({ status: 'failed', error: (err as Error).message, finishedAt: input.now })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
    throw err
  }
}
