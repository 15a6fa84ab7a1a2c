// CSV imports (opening balances, bulk adjustments): one row per upload and one per parsed line.
import { bigint, integer, json, jsonb, pgTable, primaryKey, text, timestamp, uuid, index } from 'drizzle-orm/pg-core'

export const imports = pgTable('imports', {
  shopId: text('shop_id').notNull(),
  id: uuid('id').notNull(),
  kind: text('kind', { enum: ['opening_balance', 'point_adjustment'] }).notNull(),
  status: text('status', { enum: ['parsing', 'previewed', 'applying', 'done', 'failed', 'undoing', 'undone'] }).notNull(),
  fileName: text('file_name'),
  totalRows: integer('total_rows').notNull().default(0),
  doneRows: integer('done_rows').notNull().default(0),
  // Keyset cursors of the apply and undo jobs: every matched line up to this one is applied (undone). Each batch moves
  // its cursor in the same transaction as its ledger entries, so a crash never leaves a line half done or done twice.
  appliedThrough: integer('applied_through').notNull().default(0),
  undoneThrough: integer('undone_through').notNull().default(0),
  // Running totals of the apply, moved with applied_through in each batch's transaction, so the result needs no count
  // over the whole import at the end: the points and ranking points its entries posted, and the matched lines it
  // skipped as already imported (and how many of those had a warning, which a skipped line loses). Set to 0 on
  // confirm; null on an import confirmed before they existed, whose result is then counted at the end.
  appliedPoints: bigint('applied_points', { mode: 'number' }),
  appliedRankPoints: bigint('applied_rank_points', { mode: 'number' }),
  skippedRows: integer('skipped_rows'),
  skippedWarnings: integer('skipped_warnings'),
  preview: jsonb('preview').$type<Record<string, unknown>>(),
  // Opening balances: the earning and ranking rule the whole import is applied with, frozen by the apply's first run
  // (a resumed apply keeps it even if the settings changed meanwhile). Its ledger entries record only their amount
  // (rule = {"amount": …}): the rule is stored once here rather than on each of up to millions of entries.
  rule: jsonb('rule').$type<Record<string, unknown>>(),
  result: jsonb('result').$type<Record<string, unknown>>(),
  options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
  error: text('error'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  undoneAt: timestamp('undone_at', { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.id] }),
  index('imports_created_idx').on(t.shopId, t.createdAt),
])

export const importRows = pgTable('import_rows', {
  shopId: text('shop_id').notNull(),
  importId: uuid('import_id').notNull(),
  line: integer('line').notNull(),
  status: text('status', { enum: ['matched', 'not_found', 'already_imported', 'invalid', 'duplicate'] }).notNull(),
  customerId: bigint('customer_id', { mode: 'number' }),
  phoneE164: text('phone_e164'),
  name: text('name'),
  email: text('email'),
  // The line as read (column → text): the rows API and the error report read it whole, the apply reads
  // raw->>'NoiDungDieuChinh'. json, not jsonb: kept as written, it costs ~1.7-2.0 s instead of ~3.1 s to take in
  // per 1,000,000 rows of a preview's COPY, and nothing needs jsonb's operators or indexes on it.
  raw: json('raw').$type<Record<string, string>>(),
  amount: bigint('amount', { mode: 'number' }),
  secondAmount: bigint('second_amount', { mode: 'number' }),
  points: bigint('points', { mode: 'number' }),
  reason: text('reason'),
  warning: text('warning'),
  appliedAt: timestamp('applied_at', { withTimezone: true }),
}, (t) => [
  primaryKey({ columns: [t.shopId, t.importId, t.line] }),
])
