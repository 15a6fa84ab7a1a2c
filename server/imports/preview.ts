// Upload → preview: stream the CSV, check each line, match it to the shop's customers, store import_rows in batches.
import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { imports } from '../../db/schema/index.ts'
import { readCsv, type CsvRecord } from './csv.ts'
import { checkRow, COLUMNS, nameKey, type CheckedRow, type ImportKind } from './kinds.ts'

// Rows per classify + insert round (one customer query, one insert); one batch is stored while the next is parsed.
export const BATCH_SIZE = 5000

export interface Preview {
  rows: number
  valid: number
  matched: number
  notFound: number
  alreadyImported: number
  invalid: number
  duplicates: number
  warnings: number
}

type RowStatus = 'matched' | 'not_found' | 'already_imported' | 'invalid'

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

async function classifyBatch (db: Db, shopId: string, kind: ImportKind, batch: CsvRecord[]): Promise<StoredRow[]> {
  const checked: Array<{ record: CsvRecord, row: CheckedRow }> = batch.map((record) => ({ record, row: checkRow(kind, record.fields) }))
  const phones = [...new Set(checked.flatMap(({ row }) => row.reason === null && row.phoneE164 ? [row.phoneE164] : []))]
  const byPhone = new Map<string, Customer[]>()
  const memberOf = new Map<number, { openingImportId: string | null }>()
  if (phones.length > 0) {
    // One query per batch: customers by phone (= any of one array parameter) with their member row, if any.
    // Phones are normalised E.164 (+ and digits), so the array literal needs no quoting.
    const found = await queryRows<{ id: number | string, phone_e164: string, email: string | null, full_name: string, member: boolean, opening_import_id: string | null }>(db, sql`
      select c.id, c.phone_e164, c.email, c.full_name, m.customer_id is not null as member, m.opening_import_id
      from customers c
        -- lateral + limit: always a primary-key probe per customer, whatever the planner believes about members
        left join lateral (select m.customer_id, m.opening_import_id from members m where m.shop_id = c.shop_id and m.customer_id = c.id limit 1) m on true
      where c.shop_id = ${shopId} and c.phone_e164 = any(${`{${phones.join(',')}}`}::text[])`)
    for (const row of found) {
      const c: Customer = { id: Number(row.id), phoneE164: row.phone_e164, email: row.email, fullName: row.full_name }
      const list = byPhone.get(row.phone_e164) ?? []
      list.push(c)
      byPhone.set(row.phone_e164, list)
      if (row.member) memberOf.set(c.id, { openingImportId: row.opening_import_id })
    }
  }

  return checked.map(({ record, row }) => {
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
    if (candidates.length === 0) return { ...stored, status: 'not_found', reason: REASONS.notFound }
    if (row.email !== null) {
      const withEmail = candidates.filter((c) => sameEmail(c.email, row.email))
      if (withEmail.length === 0) return { ...stored, reason: REASONS.emailMismatch(candidates[0]?.email ?? null) }
      candidates = withEmail
    }
    if (candidates.length > 1) {
      // One Haravan customer per phone is the norm; with several, the activated member is the one that holds points.
      const activated = candidates.filter((c) => memberOf.has(c.id))
      if (activated.length !== 1) return { ...stored, reason: REASONS.ambiguous(candidates.length) }
      candidates = activated
    }
    const customer = candidates[0] as Customer
    stored.customer_id = customer.id
    if (kind === 'opening_balance' && memberOf.get(customer.id)?.openingImportId) {
      return { ...stored, status: 'already_imported', reason: REASONS.alreadyImported }
    }
    if (row.name !== null && customer.fullName.trim() !== '' && nameKey(row.name) !== nameKey(customer.fullName)) {
      stored.warning = REASONS.nameMismatch(customer.fullName)
    }
    return { ...stored, status: 'matched' }
  })
}

// One statement per batch: the rows travel as a single JSON parameter (65,535-parameter limits never bite).
async function insertRows (db: Db, shopId: string, importId: string, rows: StoredRow[]): Promise<void> {
  if (rows.length === 0) return
  await db.execute(sql`
    insert into import_rows (shop_id, import_id, line, status, customer_id, phone_e164, name, email, raw, amount, second_amount, points, reason, warning)
    select ${shopId}, ${importId}::uuid, x.line, x.status, x.customer_id, x.phone, x.name, x.email, x.raw, x.amount, x.second_amount, x.points, x.reason, x.warning
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(line int, status text, customer_id bigint, phone text, name text, email text,
      raw jsonb, amount bigint, second_amount bigint, points bigint, reason text, warning text)`)
}

// The later line of a repeated phone is the duplicate; a line that is already invalid keeps its own reason.
async function markDuplicates (db: Db, shopId: string, importId: string): Promise<void> {
  // Materialised first: the planner otherwise may re-run the window per row of a freshly filled, unanalysed table.
  await db.execute(sql`
    with d as materialized (
      select line, first_line from (
        select line, status, min(line) over (partition by phone_e164) as first_line
        from import_rows where shop_id = ${shopId} and import_id = ${importId}::uuid and phone_e164 is not null
      ) w where line > first_line and status <> 'invalid'
    )
    update import_rows r set status = 'duplicate', reason = ${REASONS.duplicate} || d.first_line, warning = null
    from d where r.shop_id = ${shopId} and r.import_id = ${importId}::uuid and r.line = d.line`)
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
}

/** Parses and previews a whole file; the header is checked before anything is stored (a wrong file leaves no trace). */
export async function createImport (db: Db, input: CreateImportInput): Promise<{ id: string, preview: Preview }> {
  const { shopId, kind } = input
  const records = readCsv(input.source, COLUMNS[kind])
  let next = await records.next() // throws on a wrong header before the import exists
  const id = randomUUID()
  await db.insert(imports).values({ shopId, id, kind, status: 'parsing', fileName: input.fileName, createdBy: input.actor, createdAt: input.now })
  try {
    // Parsing the next batch overlaps with storing the previous one; at most one batch waits, so memory stays flat.
    let pending: Promise<void> = Promise.resolve()
    let batch: CsvRecord[] = []
    const flush = async (rows: CsvRecord[]) => { await insertRows(db, shopId, id, await classifyBatch(db, shopId, kind, rows)) }
    while (next.done !== true) {
      batch.push(next.value)
      if (batch.length >= BATCH_SIZE) {
        await pending
        pending = flush(batch)
        pending.catch(() => {}) // awaited below; this only stops an unhandled-rejection warning meanwhile
        batch = []
      }
      next = await records.next()
    }
    await pending
    await flush(batch)
    await markDuplicates(db, shopId, id)
    const preview = await countPreview(db, shopId, id)
    await db.update(imports).set({ status: 'previewed', preview: { ...preview }, totalRows: preview.rows })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
    return { id, preview }
  } catch (err) {
    await db.update(imports).set({ status: 'failed', error: (err as Error).message, finishedAt: input.now })
      .where(and(eq(imports.shopId, shopId), eq(imports.id, id)))
    throw err
  }
}
