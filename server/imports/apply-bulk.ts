// Set-based apply/undo of one import batch: a few statements per batch instead of ~5 per row, same ledger rules.
/*
 * The entries go in through the ledger writer's pieces (server/loyalty/ledger.ts) and keep every invariant there:
 *  - each entry is inserted `on conflict (shop_id, idempotency_key) do nothing returning …` (ledgerInsert), and the
 *    members' cached balances move by exactly the entries that came back (LEDGER_MOVES, balanceMovesSet), so
 *    cached == Σ entries holds and a re-run never counts anything twice. The undo is writeLedgerEntries itself; the
 *    apply composes the pieces in a statement of its own, since it also creates the members. Its fast path inserts without
 *    `on conflict` (the cursor on the import already rules a second insert out): every row goes in or the statement
 *    fails with unique_violation and the caller re-runs the batch the safe way, so the balances it computes from
 *    the rows it inserts are again exactly the entries;
 *  - last_activity_at moves to `now` only for activity kinds (earn, redeem, opening), as the writer does;
 *  - a member is activated from its customer (phone/email frozen, source 'import', no registration reward —
 *    activateMember queues none for imports either); a new member is written once, already holding its balances,
 *    its baseline and its tier, so 1,000,000 new members are 1,000,000 inserts and no updates;
 *  - an entry never exists without its member: a batch whose members could not all be written throws and rolls back.
 */
import { sql, type SQL } from 'drizzle-orm'
import { intArray, queryRows, type Db } from '../../db/client.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { balanceMovesSet, LEDGER_MOVES, ledgerInsert, writeLedgerEntries } from '../loyalty/ledger.ts'
import type { LoyaltySettings, Tier } from '../loyalty/rules.ts'
import { REASONS } from './preview.ts'
import { refreshImportedTotals } from './totals.ts'

export interface ApplyBatchInput {
  shopId: string
  importId: string
  kind: 'opening_balance' | 'point_adjustment'
  /** The batch is the matched lines in (from, to]: lines up to `from` are applied (imports.applied_through). */
  from: number
  to: number
  /**
   * true: entries and new members are inserted `on conflict do nothing` and counted from what came back (safe whatever
   * the state). false: plain inserts, cheaper by a third; an entry or member that exists raises unique_violation (23505)
   * and the caller re-runs the batch with true.
   */
  onConflict: boolean
  settings: LoyaltySettings
  /** expires_at of entries with positive points (null: the shop's points do not expire by lot). */
  expiresAt: Date | null
  actor: string
  tiers: Tier[]
  lowestTier: string
  now: Date
}

/** pointsForAmount(amount, earning, 100) in exact numeric arithmetic (rules.ts does it in BigInt). */
export function pointsSql (amount: SQL, earning: LoyaltySettings['earning']): SQL {
  const numerator = sql`(${amount})::numeric * ${earning.pointsPerStep}::numeric * 100`
  const denominator = sql`${earning.vndPerPoint}::numeric * 100`
  return earning.rounding === 'half_up'
    ? sql`case when (${amount}) > 0 then div(2 * ${numerator} + ${denominator}, 2 * ${denominator}) else 0 end`
    : sql`case when (${amount}) > 0 then div(${numerator}, ${denominator}) else 0 end`
}

// to_char groups thousands with commas (FM: no padding, no leading separator), which become dots; up to 19 digits, so
// every bigint. (A regexp_replace with a lookahead did the same at ten times the cost: ~5 µs a row.)
/** n.toLocaleString('vi-VN') for a non-negative integer: thousands grouped with dots. */
export const vndTextSql = (amount: SQL): SQL => sql`translate(to_char(${amount}, 'FM9,999,999,999,999,999,999'), ',', '.')`

/**
 * taken: lines of the batch; existed: members that existed before it; points, rankPoints: what its entries posted;
 * skipped: matched lines it skipped as already imported, skippedWarnings: how many of them had a warning.
 */
export interface BatchOutcome { taken: number, existed: number[], points: number, rankPoints: number, skipped: number, skippedWarnings: number }

interface BatchLines {
  rows: { line: number, customer_id: unknown }[]
  existing: Map<number, string | null> // member → its opening import, for the members that exist (locked)
}

/** The matched lines in (from, to], and their members that exist, locked. */
async function readAndLockBatch (tx: Db, input: ApplyBatchInput): Promise<BatchLines> {
  const { shopId, importId, from, to } = input
  const rows = await queryRows<{ line: number, customer_id: unknown }>(tx, sql`
    select line, customer_id from import_rows
    where shop_id = ${shopId} and import_id = ${importId}::uuid and line > ${from} and line <= ${to} and status = 'matched'
    order by line`)
  if (rows.length === 0) return { rows, existing: new Map() }
  const customerIds = [...new Set(rows.map((r) => Number(r.customer_id)))].sort((a, b) => a - b)
  // Locked in its own statement, so the check below sees any import of these members committed before the lock.
  const existing = new Map((await queryRows<{ customer_id: unknown, opening_import_id: string | null }>(tx, sql`
    select customer_id, opening_import_id from members
    where shop_id = ${shopId} and customer_id = any(${intArray(customerIds)}::bigint[]) for update`))
    .map((m) => [Number(m.customer_id), m.opening_import_id]))
  return { rows, existing }
}

/**
 * Which lines post: an opening balance already imported (by another file since the preview, or on an earlier line of
 * this one) is skipped, once per member, never twice. seen: the members of the lines that post.
 */
function chooseLines ({ rows, existing }: BatchLines, opening: boolean): { skipped: number[], seen: Set<number>, applied: number } {
  const skipped: number[] = []
  const seen = new Set<number>()
  let applied = 0
  for (const row of rows) {
    const customerId = Number(row.customer_id)
    if (opening && (existing.get(customerId) || seen.has(customerId))) { skipped.push(row.line); continue }
    seen.add(customerId)
    applied++
  }
  return { skipped, seen, applied }
}

/** Marks skipped lines already_imported; a skipped line loses its warning. Returns how many of them had one. */
async function markAlreadyImported (tx: Db, shopId: string, importId: string, skipped: number[]): Promise<number> {
  if (skipped.length === 0) return 0
  const [was] = await queryRows<{ warned: unknown }>(tx, sql`
    with s as (
      update import_rows r set status = 'already_imported', reason = ${REASONS.alreadyImported}, warning = null
      from import_rows o
      where r.shop_id = ${shopId} and r.import_id = ${importId}::uuid and r.line = any(${intArray(skipped)}::int[])
        and o.shop_id = r.shop_id and o.import_id = r.import_id and o.line = r.line
      returning o.warning is not null as warned
    )
    select count(*) filter (where warned) as warned from s`)
  return Number(was?.warned ?? 0)
}

/** tierForRankPoints (rules.ts) as one expression over `rank`. */
function tierSql (tiers: Tier[], lowestTier: string, rank: SQL): SQL {
  // The highest threshold reached, the first listed on a tie (a stable sort keeps list order), else the lowest tier.
  // (A per-row subquery over the tiers cost ~3 µs a member.)
  const byThreshold = [...tiers].sort((a, b) => b.threshold - a.threshold)
  return byThreshold.length === 0
    ? sql`${lowestTier}::text`
    : sql`case ${sql.join(byThreshold.map((t) => sql`when ${rank} >= ${t.threshold}::bigint then ${t.id}::text`), sql` `)} else ${lowestTier}::text end`
}

/**
 * The statement that posts a batch: the entries of its lines (entryForRow in apply.ts, as SQL) through ledgerInsert,
 * each member moved by its entries — a new member inserted already holding them, its baseline and its tier; an
 * existing one updated. perLine: every member has one line and the entries go in without `on conflict`, so the
 * entries are exactly x's rows and the moves are computed from them rather than from what came back.
 * Every join in it is an index probe or an aggregate (no join between two CTEs), so its plan does not hang on row
 * estimates of a freshly filled import_rows.
 */
function postBatchSql (input: ApplyBatchInput, existed: number[], perLine: boolean): SQL {
  const { shopId, importId, settings, now, from, to } = input
  const opening = input.kind === 'opening_balance'
  const at = now.toISOString()
  const amount = sql`coalesce(ir.amount, 0)`
  // The columns of entryForRow (apply.ts) per kind: v holds the narrow ones, x adds the wide ones (reason, rule) only
  // for the rows that become entries. An entry's rule is its amount alone: the earning rule is the import's (imports.rule),
  // stored once. (With the whole rule on each entry, 276 of an entry's 544 bytes, the apply took ~11 % longer.)
  const values = opening
    ? sql`${amount} as amount, null::text as note, ${pointsSql(amount, settings.earning)} as points,
        div(${amount}::numeric, ${settings.ranking.vndPerRankPoint}::numeric) as rank_points`
    : sql`null::bigint as amount, ir.raw->>'NoiDungDieuChinh' as note, coalesce(ir.points, 0)::numeric as points, 0::numeric as rank_points`
  const entry = opening
    ? sql`'opening'::text as kind, 'Dữ liệu đầu kỳ: DTDauKy ' || ${vndTextSql(sql`v.amount`)} || ' ₫' as reason,
        jsonb_build_object('amount', v.amount) as rule`
    : sql`'adjust'::text as kind, coalesce(v.note, 'Điều chỉnh điểm hàng loạt') as reason, null::jsonb as rule`
  // One row per member of the batch with what its entries move (LEDGER_MOVES). Per line: import entries are
  // 'available' opening or adjust entries, so they move available and rank points, and an opening entry is activity.
  // Otherwise the lines and the entries really inserted are summed.
  const moves = perLine
    ? sql`
      select v.customer_id, v.existed, v.second_amount as baseline, v.points as available, 0::numeric as pending, 0::numeric as used,
        0::numeric as expired, v.rank_points as rank,
        case when ${sql.raw(opening ? 'true' : 'false')} and (v.points <> 0 or v.rank_points <> 0) then ${at}::timestamptz end as activity_at
      from v`
    : sql`
      select e.customer_id, bool_or(e.existed) as existed, max(e.baseline) as baseline, ${LEDGER_MOVES}
      from (
        select v.customer_id, v.existed, v.second_amount as baseline, null::text as kind, 0::bigint as points, 0::bigint as rank_points,
          null::text as state, null::timestamptz as created_at from v
        union all
        select ins.customer_id, null, null, ins.kind, ins.points, ins.rank_points, ins.state, ins.created_at from ins
      ) e group by e.customer_id`
  return sql`
    with v as materialized (
      select ir.line, ir.customer_id, ir.second_amount, ir.customer_id = any(${intArray(existed)}::bigint[]) as existed, ${values}
      from import_rows ir
      -- (the skipped lines are already_imported by now: this statement sees the update above)
      where ir.shop_id = ${shopId} and ir.import_id = ${importId}::uuid and ir.line > ${from} and ir.line <= ${to} and ir.status = 'matched'
    ),
    x as (
      select v.customer_id, v.points, v.rank_points, 'available'::text as state, ${at}::timestamptz as available_at,
        case when v.points > 0 then ${input.expiresAt?.toISOString() ?? null}::timestamptz end as expires_at,
        'import'::text as source, ${importId}::text as source_id, 'import:' || ${importId}::text || ':' || v.line as idempotency_key,
        ${input.actor}::text as actor, null::timestamptz as created_at, ${entry}
      from v where v.points <> 0 or v.rank_points <> 0
    ),
    ins as (${ledgerInsert(shopId, now, { onConflict: input.onConflict, ordered: false })}),
    u as (${moves}),
    fresh as (
      insert into members (shop_id, customer_id, phone_e164, email, birthday_month, activated_at, activation_source, tier_id,
        points_available, points_pending, points_used, points_expired, rank_points, spend_baseline, total_spent, opening_import_id, last_activity_at, updated_at)
      select ${shopId}, cu.id, cu.phone_e164, cu.email, extract(month from cu.birthday)::smallint, ${at}::timestamptz, 'import',
        ${tierSql(input.tiers, input.lowestTier, sql`u.rank`)},
        u.available, u.pending, u.used, u.expired, u.rank,
        ${opening ? sql`coalesce(u.baseline, 0), coalesce(u.baseline, 0)` : sql`0, 0`}, ${opening ? sql`${importId}::uuid` : sql`null`},
        u.activity_at, ${at}::timestamptz
      from u join customers cu on cu.shop_id = ${shopId} and cu.id = u.customer_id
      where not u.existed
      order by u.customer_id
      ${input.onConflict ? sql`on conflict (shop_id, customer_id) do nothing` : sql``}
      returning customer_id
    ),
    upd as (
      update members mb set
        ${balanceMovesSet('mb', 'u')},
        ${opening
          ? sql`spend_baseline = coalesce(u.baseline, 0), opening_import_id = ${importId}::uuid,
            total_spent = mb.total_spent - mb.spend_baseline + coalesce(u.baseline, 0),`
          : sql``}
        updated_at = ${at}::timestamptz
      from u where mb.shop_id = ${shopId} and mb.customer_id = u.customer_id and u.existed
      returning mb.customer_id
    ),
    -- In the per-line form nothing else reads ins; Postgres still runs every data-modifying CTE to completion. The
    -- count checks it: an entry per x row, or the batch is not what this statement assumed. The sums are the
    -- import's running totals (imports.applied_points, applied_rank_points).
    n as (select count(*) as entries, coalesce(sum(points), 0) as points, coalesce(sum(rank_points), 0) as rank from ins)
    select (select count(*) from u) as members, (select count(*) from fresh) + (select count(*) from upd) as written,
      n.entries, (select count(*) from x) as wanted, n.points, n.rank
    from n`
}

/**
 * Applies the matched lines in (from, to] of an import: the members they touch are locked, an opening balance already
 * imported becomes already_imported, and the rest post entryForRow's entries (apply.ts) with the same keys in one
 * statement (postBatchSql). The lines themselves are not locked or marked: the caller moves imports.applied_through in
 * the same transaction, only from `from`, so two runs can never both commit the same lines.
 */
export async function applyNextBatch (tx: Db, input: ApplyBatchInput): Promise<BatchOutcome> {
  const lines = await readAndLockBatch(tx, input)
  if (lines.rows.length === 0) return { taken: 0, existed: [], points: 0, rankPoints: 0, skipped: 0, skippedWarnings: 0 }
  const { skipped, seen, applied } = chooseLines(lines, input.kind === 'opening_balance')
  const skippedWarnings = await markAlreadyImported(tx, input.shopId, input.importId, skipped)
  const existed = [...lines.existing.keys()].filter((id) => seen.has(id))
  const outcome = { taken: lines.rows.length, existed, skipped: skipped.length, skippedWarnings }
  if (applied === 0) return { ...outcome, points: 0, rankPoints: 0 }

  const perLine = !input.onConflict && seen.size === applied
  const [out] = await queryRows<{ members: unknown, written: unknown, entries: unknown, wanted: unknown, points: unknown, rank: unknown }>(
    tx, postBatchSql(input, existed, perLine))
  if (Number(out?.members) !== Number(out?.written)) {
    // A customer gone since the preview, or a member activated by someone else after our lock: nothing of the
    // batch stays (the caller's transaction rolls back) and the job's retry starts it again.
    throw new NotFoundError(`Không kích hoạt được ${Number(out?.members) - Number(out?.written)} thành viên của lô nhập`)
  }
  if (perLine && Number(out?.entries) !== Number(out?.wanted)) {
    // Cannot happen without on conflict (an insert either writes every row or fails); checked all the same, since the
    // balances above were computed from x rather than from what came back.
    throw new ConflictError('Số bút toán ghi được khác với dự kiến')
  }
  // The baseline (DTTichLuy) is the member's Tổng chi tiêu from now on, plus what it pays after the import (totals.ts).
  await refreshImportedTotals(tx, input.shopId, [...seen], input.now)
  return { ...outcome, points: Number(out?.points), rankPoints: Number(out?.rank) }
}

export interface UndoBulkInput {
  shopId: string
  importId: string
  opening: boolean
  lines: Array<{ line: number, customerId: number }>
  reason: string
  actor: string
  now: Date
}

/**
 * Compensates one batch of applied lines through the ledger writer: a 'reverse' entry per original entry, baselines
 * reset where this import set them (the caller moves imports.undone_through).
 */
export async function undoBulk (tx: Db, input: UndoBulkInput): Promise<void> {
  const { shopId, importId, opening, now } = input
  const at = now.toISOString()
  const keys = `{${input.lines.map((l) => `import:${importId}:${l.line}`).join(',')}}` // uuid, digits and ':': no quoting needed
  const customerIds = [...new Set(input.lines.map((l) => l.customerId))]
  // Points spent since the import are not taken from elsewhere: the balance goes negative, visibly.
  const reversals = sql`
    select o.customer_id, 'reverse'::text as kind, -o.points as points, -o.rank_points as rank_points, 'available'::text as state,
      ${at}::timestamptz as available_at, null::timestamptz as expires_at, 'import'::text as source, ${importId}::text as source_id,
      'undo:' || substr(o.idempotency_key, 8) as idempotency_key, ${input.reason}::text as reason, null::jsonb as rule,
      ${input.actor}::text as actor, null::timestamptz as created_at
    from ledger_entries o
    where o.shop_id = ${shopId} and o.idempotency_key = any(${keys}::text[]) and o.source = 'import' and o.source_id = ${importId}::text`
  await writeLedgerEntries(tx, shopId, reversals, now, opening
    ? {
        // The members whose baseline this import set (only there: the member can then be imported again).
        rows: sql`select customer_id from members where shop_id = ${shopId} and customer_id = any(${intArray(customerIds)}::bigint[])
          and opening_import_id = ${importId}::uuid`,
        set: sql`spend_baseline = case when u.opening_import_id = ${importId}::uuid then 0 else u.spend_baseline end,
          total_spent = case when u.opening_import_id = ${importId}::uuid then u.total_spent - u.spend_baseline else u.total_spent end,
          opening_import_id = case when u.opening_import_id = ${importId}::uuid then null else u.opening_import_id end,`,
      }
    : {})
  // Without the baseline, Tổng chi tiêu is again every paid order's spend (totals.ts).
  if (opening) await refreshImportedTotals(tx, shopId, customerIds, now)
}
