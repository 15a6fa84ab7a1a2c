// Set-based apply/undo of one import batch: a few statements per batch instead of ~5 per row, same ledger rules.
/*
 * The per-row path was activateMember + postLedgerEntry (server/loyalty/ledger.ts). This does the same work for a
 * whole batch inside the caller's transaction and must keep every invariant of the header comment there:
 *  - each entry is inserted `on conflict (shop_id, idempotency_key) do nothing returning …`, and the members'
 *    cached balances move by exactly the entries that came back (balanceDelta, as SQL in BALANCE_SUMS), so
 *    cached == Σ entries holds and a re-run never counts anything twice;
 *  - last_activity_at moves to `now` only for activity kinds (earn, redeem, opening), as postLedgerEntry does;
 *  - a member is activated from its customer (phone/email frozen, source 'import', no registration reward —
 *    activateMember queues none for imports either); a new member is written once, already holding its balances,
 *    its baseline and its tier, so 1,000,000 new members are 1,000,000 inserts and no updates;
 *  - an entry never exists without its member: a batch whose members could not all be written throws and rolls back.
 */
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { NotFoundError } from '../errors.ts'
import type { LoyaltySettings, Tier } from '../loyalty/rules.ts'
import { REASONS } from './preview.ts'

// balanceDelta (server/loyalty/ledger.ts), summed per member over the rows an insert returned (alias e).
const BALANCE_SUMS = sql.raw(`
  sum(case when e.state = 'available' then e.points else 0 end) as available,
  sum(case when e.state = 'pending' then e.points else 0 end) - sum(case when e.kind = 'release' then e.points else 0 end) as pending,
  -sum(case when e.kind = 'redeem' then e.points else 0 end) as used,
  -sum(case when e.kind = 'expire' then e.points else 0 end) as expired,
  sum(e.rank_points) as rank,
  bool_or(e.kind in ('earn', 'redeem', 'opening')) as activity`)

// Inserts the entries of x (rows with a kind), skipping keys that exist; the CTE returns what was really inserted.
const insertEntries = (shopId: string, now: string): SQL => sql`
  insert into ledger_entries (shop_id, customer_id, kind, points, rank_points, state, available_at, expires_at, source, source_id,
    idempotency_key, reason, rule, actor, created_at)
  select ${shopId}, x.customer_id, x.kind, x.points, x.rank_points, x.state, x.available_at, x.expires_at, x.source, x.source_id,
    x.key, x.reason, x.rule, x.actor, ${now}::timestamptz
  from x where x.kind is not null
  on conflict (shop_id, idempotency_key) do nothing
  returning customer_id, kind, points, rank_points, state`

export interface ApplyBatchInput {
  shopId: string
  importId: string
  kind: 'opening_balance' | 'point_adjustment'
  size: number
  /** Lines up to this one are done: a keyset cursor, so a batch never walks past the rows applied before it. */
  after: number
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

// Every digit followed by a multiple of three digits gets a dot after it (the pattern travels as a parameter).
const VND_GROUPS = String.raw`(\d)(?=(\d{3})+$)`
/** n.toLocaleString('vi-VN') for a non-negative integer: thousands grouped with dots. */
export const vndTextSql = (amount: SQL): SQL => sql`regexp_replace((${amount})::text, ${VND_GROUPS}, '\\1.', 'g')`

export interface BatchOutcome { taken: number, last: number, existed: number[] }

const intArray = (ns: number[]): string => `{${ns.join(',')}}`

// The member's cached balances move by exactly the sums of the entries this statement inserted (the `u` rows),
// following balanceDelta in server/loyalty/ledger.ts; apply and undo share it.
function cachedBalanceMoves (at: string) {
  return sql`points_available = mb.points_available + u.available,
        points_pending = mb.points_pending + u.pending,
        points_used = mb.points_used + u.used,
        points_expired = mb.points_expired + u.expired,
        rank_points = mb.rank_points + u.rank,
        last_activity_at = case when u.activity then greatest(mb.last_activity_at, ${at}::timestamptz) else mb.last_activity_at end`
}

/**
 * Applies the next `size` matched, unapplied lines of an import: the lines and the members they touch are locked
 * (two small statements), an opening balance already imported (by another file since the preview, or on an earlier
 * line of this one) becomes already_imported, and the rest post entryForRow's entries (apply.ts) with the same keys
 * in one statement. Every join in it is an index probe or an aggregate (no join between two CTEs), so its plan does
 * not hang on row estimates of a freshly filled import_rows.
 */
export async function applyNextBatch (tx: Db, input: ApplyBatchInput): Promise<BatchOutcome> {
  const { shopId, importId, settings, now } = input
  const opening = input.kind === 'opening_balance'
  const at = now.toISOString()
  const rows = await queryRows<{ line: number, customer_id: unknown }>(tx, sql`
    select line, customer_id from import_rows
    where shop_id = ${shopId} and import_id = ${importId}::uuid and line > ${input.after} and status = 'matched' and applied_at is null
    order by line limit ${input.size} for update`)
  if (rows.length === 0) return { taken: 0, last: input.after, existed: [] }
  const last = rows[rows.length - 1]!.line
  const customerIds = [...new Set(rows.map((r) => Number(r.customer_id)))]
  // Locked in its own statement, so the check below sees any import of these members committed before the lock.
  const existing = new Map((await queryRows<{ customer_id: unknown, opening_import_id: string | null }>(tx, sql`
    select customer_id, opening_import_id from members
    where shop_id = ${shopId} and customer_id = any(${intArray(customerIds)}::bigint[]) for update`))
    .map((m) => [Number(m.customer_id), m.opening_import_id]))
  const applied: number[] = []
  const skipped: number[] = []
  const seen = new Set<number>()
  for (const row of rows) {
    const customerId = Number(row.customer_id)
    if (opening && (existing.get(customerId) || seen.has(customerId))) {
      // Imported by another file since the preview (or twice in this one): once per member, never twice.
      skipped.push(row.line)
      continue
    }
    seen.add(customerId)
    applied.push(row.line)
  }
  if (skipped.length > 0) {
    await tx.execute(sql`
      update import_rows set status = 'already_imported', reason = ${REASONS.alreadyImported}, warning = null
      where shop_id = ${shopId} and import_id = ${importId}::uuid and line = any(${intArray(skipped)}::int[])`)
  }
  const existed = [...existing.keys()].filter((id) => seen.has(id))
  if (applied.length === 0) {
    await tx.execute(sql`update imports set done_rows = done_rows + ${rows.length} where shop_id = ${shopId} and id = ${importId}::uuid`)
    return { taken: rows.length, last, existed }
  }

  const tierValues = sql.join(input.tiers.map((t) => sql`(${t.id}::text, ${t.threshold}::bigint)`), sql`, `)
  const amount = sql`coalesce(ir.amount, 0)`
  const ruleBase = JSON.stringify({ earning: settings.earning, multiplierPct: 100, ranking: settings.ranking })
  // The columns of entryForRow (apply.ts) per kind.
  const values = opening
    ? sql`'opening'::text as kind, ${pointsSql(amount, settings.earning)} as points,
        div(${amount}::numeric, ${settings.ranking.vndPerRankPoint}::numeric) as rank_points,
        'Dữ liệu đầu kỳ: DTDauKy ' || ${vndTextSql(amount)} || ' ₫' as reason,
        ${ruleBase}::jsonb || jsonb_build_object('amount', ${amount}) as rule`
    : sql`'adjust'::text as kind, coalesce(ir.points, 0)::numeric as points, 0::numeric as rank_points,
        coalesce(ir.raw->>'NoiDungDieuChinh', 'Điều chỉnh điểm hàng loạt') as reason, null::jsonb as rule`
  const lines = intArray(applied)
  const [out] = await queryRows<{ members: unknown, written: unknown }>(tx, sql`
    with t(id, threshold) as (values ${tierValues}),
    v as materialized (
      select ir.line, ir.customer_id, ir.second_amount, ir.customer_id = any(${intArray(existed)}::bigint[]) as existed, ${values}
      from import_rows ir where ir.shop_id = ${shopId} and ir.import_id = ${importId}::uuid and ir.line = any(${lines}::int[])
    ),
    x as (
      select v.customer_id, v.kind, v.points, v.rank_points, 'available'::text as state, ${at}::timestamptz as available_at,
        case when v.points > 0 then ${input.expiresAt?.toISOString() ?? null}::timestamptz end as expires_at,
        'import'::text as source, ${importId}::text as source_id, 'import:' || ${importId}::text || ':' || v.line as key,
        v.reason, v.rule, ${input.actor}::text as actor
      from v where v.points <> 0 or v.rank_points <> 0
    ),
    ins as (${insertEntries(shopId, at)}),
    -- One row per member of the batch: its lines (zero points) and the entries really inserted, summed.
    u as (
      select e.customer_id, bool_or(e.existed) as existed, max(e.baseline) as baseline, ${BALANCE_SUMS}
      from (
        select v.customer_id, v.existed, v.second_amount as baseline, null::text as kind, 0::bigint as points, 0::bigint as rank_points, null::text as state from v
        union all
        select ins.customer_id, null, null, ins.kind, ins.points, ins.rank_points, ins.state from ins
      ) e group by e.customer_id
    ),
    fresh as (
      insert into members (shop_id, customer_id, phone_e164, email, birthday_month, activated_at, activation_source, tier_id,
        points_available, points_pending, points_used, points_expired, rank_points, spend_baseline, opening_import_id, last_activity_at, updated_at)
      select ${shopId}, cu.id, cu.phone_e164, cu.email, extract(month from cu.birthday)::smallint, ${at}::timestamptz, 'import',
        coalesce((select t.id from t where t.threshold <= u.rank order by t.threshold desc limit 1), ${input.lowestTier}),
        u.available, u.pending, u.used, u.expired, u.rank,
        ${opening ? sql`coalesce(u.baseline, 0)` : sql`0`}, ${opening ? sql`${importId}::uuid` : sql`null`},
        case when u.activity then ${at}::timestamptz end, ${at}::timestamptz
      from u join customers cu on cu.shop_id = ${shopId} and cu.id = u.customer_id
      where not u.existed
      on conflict (shop_id, customer_id) do nothing
      returning customer_id
    ),
    upd as (
      update members mb set
        ${cachedBalanceMoves(at)},
        ${opening ? sql`spend_baseline = coalesce(u.baseline, 0), opening_import_id = ${importId}::uuid,` : sql``}
        updated_at = ${at}::timestamptz
      from u where mb.shop_id = ${shopId} and mb.customer_id = u.customer_id and u.existed
      returning mb.customer_id
    ),
    done as (
      update import_rows set applied_at = ${at}::timestamptz
      where shop_id = ${shopId} and import_id = ${importId}::uuid and line = any(${lines}::int[])
      returning 1
    ),
    progress as (
      update imports set done_rows = done_rows + ${rows.length} where shop_id = ${shopId} and id = ${importId}::uuid returning 1
    )
    -- (done and progress run too: Postgres always runs a data-modifying CTE to completion, read or not.)
    select (select count(*) from u) as members, (select count(*) from fresh) + (select count(*) from upd) as written`)
  if (Number(out?.members) !== Number(out?.written)) {
    // A customer gone since the preview, or a member activated by someone else after our lock: nothing of the
    // batch stays (the caller's transaction rolls back) and the job's retry starts it again.
    throw new NotFoundError(`Không kích hoạt được ${Number(out?.members) - Number(out?.written)} thành viên của lô nhập (member not written; retry)`)
  }
  return { taken: rows.length, last, existed }
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

/** Compensates one batch of applied lines: a 'reverse' entry per original entry, baselines reset, applied_at back to null. */
export async function undoBulk (tx: Db, input: UndoBulkInput): Promise<void> {
  const { shopId, importId, opening, now } = input
  const at = now.toISOString()
  const keys = `{${input.lines.map((l) => `import:${importId}:${l.line}`).join(',')}}` // uuid, digits and ':': no quoting needed
  const customerIds = intArray([...new Set(input.lines.map((l) => l.customerId))])
  const [counts] = await queryRows<{ expected: unknown, written: unknown }>(tx, sql`
    with x as (
      -- Points spent since the import are not taken from elsewhere: the balance goes negative, visibly.
      select o.customer_id, 'reverse'::text as kind, -o.points as points, -o.rank_points as rank_points, 'available'::text as state,
        ${at}::timestamptz as available_at, null::timestamptz as expires_at, 'import'::text as source, ${importId}::text as source_id,
        'undo:' || substr(o.idempotency_key, 8) as key, ${input.reason}::text as reason, null::jsonb as rule, ${input.actor}::text as actor
      from ledger_entries o
      where o.shop_id = ${shopId} and o.idempotency_key = any(${keys}::text[]) and o.source = 'import' and o.source_id = ${importId}::text
    ),
    ins as (${insertEntries(shopId, at)}),
    -- One row per member of the batch: zero for each, plus the compensating entries really inserted.
    u as (
      select e.customer_id, count(e.kind) as entries, ${BALANCE_SUMS}
      from (
        select unnest(${customerIds}::bigint[]) as customer_id, null::text as kind, 0::bigint as points, 0::bigint as rank_points, null::text as state
        union all
        select ins.customer_id, ins.kind, ins.points, ins.rank_points, ins.state from ins
      ) e group by e.customer_id
    ),
    upd as (
      update members mb set
        ${cachedBalanceMoves(at)},
        ${opening
          // Only where this import set it: the member can then be imported again.
          ? sql`spend_baseline = case when mb.opening_import_id = ${importId}::uuid then 0 else mb.spend_baseline end,
            opening_import_id = case when mb.opening_import_id = ${importId}::uuid then null else mb.opening_import_id end,`
          : sql``}
        updated_at = ${at}::timestamptz
      from u
      where mb.shop_id = ${shopId} and mb.customer_id = u.customer_id
        and (u.entries > 0 ${opening ? sql`or mb.opening_import_id = ${importId}::uuid` : sql``})
      returning mb.customer_id, u.entries
    ),
    done as (
      update import_rows set applied_at = null
      where shop_id = ${shopId} and import_id = ${importId}::uuid and line = any(${intArray(input.lines.map((l) => l.line))}::int[])
      returning 1
    ),
    progress as (
      update imports set done_rows = done_rows + ${input.lines.length} where shop_id = ${shopId} and id = ${importId}::uuid returning 1
    )
    select (select count(*) from u where u.entries > 0) as expected, (select count(*) from upd where upd.entries > 0) as written`)
  if (Number(counts?.expected) !== Number(counts?.written)) {
    throw new NotFoundError('Khách hàng chưa là thành viên (member not found)')
  }
}
