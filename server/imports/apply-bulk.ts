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
import type { NewEntry } from '../loyalty/ledger.ts'
import type { Tier } from '../loyalty/rules.ts'

/** One applied line: the member it touches, its baseline (opening), and its entry when it moves points. */
export interface BulkLine {
  line: number
  customerId: number
  baseline: number
  entry: NewEntry | null
}

// balanceDelta (server/loyalty/ledger.ts), summed per member over the rows an insert returned (alias e).
const BALANCE_SUMS = sql.raw(`
  sum(case when e.state = 'available' then e.points else 0 end) as available,
  sum(case when e.state = 'pending' then e.points else 0 end) - sum(case when e.kind = 'release' then e.points else 0 end) as pending,
  -sum(case when e.kind = 'redeem' then e.points else 0 end) as used,
  -sum(case when e.kind = 'expire' then e.points else 0 end) as expired,
  sum(e.rank_points) as rank,
  bool_or(e.kind in ('earn', 'redeem', 'opening')) as activity`)

const bigintArray = (ids: number[]): string => `{${ids.join(',')}}`

function entryJson (e: NewEntry) {
  if (!Number.isSafeInteger(e.points) || !Number.isSafeInteger(e.rankPoints ?? 0)) throw new RangeError('ledger points must be safe integers')
  if (e.kind === 'release' && e.state !== 'available') throw new RangeError('a release entry is always available')
  return {
    kind: e.kind,
    points: e.points,
    rank_points: e.rankPoints ?? 0,
    state: e.state,
    available_at: e.availableAt.toISOString(),
    expires_at: e.expiresAt?.toISOString() ?? null,
    source: e.source,
    source_id: e.sourceId ?? null,
    key: e.idempotencyKey,
    reason: e.reason ?? null,
    rule: e.rule ?? null,
    actor: e.actor ?? null,
  }
}

const ENTRY_COLUMNS = sql.raw(`kind text, points bigint, rank_points bigint, state text, available_at timestamptz, expires_at timestamptz,
  source text, source_id text, key text, reason text, rule jsonb, actor text`)

// Inserts the entries of x (rows with a kind), skipping keys that exist; the CTE returns what was really inserted.
const insertEntries = (shopId: string, now: string): SQL => sql`
  insert into ledger_entries (shop_id, customer_id, kind, points, rank_points, state, available_at, expires_at, source, source_id,
    idempotency_key, reason, rule, actor, created_at)
  select ${shopId}, x.customer_id, x.kind, x.points, x.rank_points, x.state, x.available_at, x.expires_at, x.source, x.source_id,
    x.key, x.reason, x.rule, x.actor, ${now}::timestamptz
  from x where x.kind is not null
  on conflict (shop_id, idempotency_key) do nothing
  returning customer_id, kind, points, rank_points, state`

export interface ApplyBulkInput {
  shopId: string
  importId: string
  opening: boolean
  lines: BulkLine[]
  /** Members that existed (and were locked) before this batch; every other line's customer is activated here. */
  existing: number[]
  tiers: Tier[]
  lowestTier: string
  /** Lines of the batch to mark already_imported (skipped). */
  skipped: number[]
  skippedReason: string
  /** How many import rows the batch took (applied + skipped): the progress bump. */
  taken: number
  now: Date
}

/** Applies one batch in one statement (plus one for skipped lines); returns nothing, throws when a member is missing. */
export async function applyBulk (tx: Db, input: ApplyBulkInput): Promise<void> {
  const { shopId, importId, opening, lines, existing, now } = input
  const at = now.toISOString()
  if (input.skipped.length > 0) {
    await tx.execute(sql`
      update import_rows set status = 'already_imported', reason = ${input.skippedReason}, warning = null
      where shop_id = ${shopId} and import_id = ${importId}::uuid and line = any(${`{${input.skipped.join(',')}}`}::int[])`)
  }
  if (lines.length === 0) {
    await bumpProgress(tx, shopId, importId, input.taken)
    return
  }
  const json = JSON.stringify(lines.map((l) => ({ line: l.line, customer_id: l.customerId, baseline: l.baseline, ...(l.entry ? entryJson(l.entry) : {}) })))
  const tierValues = sql.join(input.tiers.map((t) => sql`(${t.id}::text, ${t.threshold}::bigint)`), sql`, `)
  const existingIds = bigintArray(existing)
  // A new member's tier: its rank points are all in this batch (lifetime and rolling window alike), and from the
  // lowest tier an upgrade-only recompute lands on the highest tier they reach — the same as recomputeTiersFor.
  const [counts] = await queryRows<{ members: unknown, written: unknown }>(tx, sql`
    with t(id, threshold) as (values ${tierValues}),
    x as (select * from jsonb_to_recordset(${json}::jsonb) as x(line int, customer_id bigint, baseline bigint, ${ENTRY_COLUMNS})),
    ins as (${insertEntries(shopId, at)}),
    agg as (select e.customer_id, ${BALANCE_SUMS} from ins e group by e.customer_id),
    m as (select x.customer_id, max(x.baseline) as baseline from x group by x.customer_id),
    fresh as (
      insert into members (shop_id, customer_id, phone_e164, email, activated_at, activation_source, tier_id,
        points_available, points_pending, points_used, points_expired, rank_points, spend_baseline, opening_import_id, last_activity_at, updated_at)
      select ${shopId}, c.id, c.phone_e164, c.email, ${at}::timestamptz, 'import',
        coalesce((select t.id from t where t.threshold <= coalesce(agg.rank, 0) order by t.threshold desc limit 1), ${input.lowestTier}),
        coalesce(agg.available, 0), coalesce(agg.pending, 0), coalesce(agg.used, 0), coalesce(agg.expired, 0), coalesce(agg.rank, 0),
        ${opening ? sql`m.baseline` : sql`0`}, ${opening ? sql`${importId}::uuid` : sql`null`},
        case when agg.activity then ${at}::timestamptz end, ${at}::timestamptz
      from m join customers c on c.shop_id = ${shopId} and c.id = m.customer_id
        left join agg on agg.customer_id = m.customer_id
      where m.customer_id <> all(${existingIds}::bigint[])
      on conflict (shop_id, customer_id) do nothing
      returning customer_id
    ),
    upd as (
      update members mb set
        points_available = mb.points_available + coalesce(agg.available, 0),
        points_pending = mb.points_pending + coalesce(agg.pending, 0),
        points_used = mb.points_used + coalesce(agg.used, 0),
        points_expired = mb.points_expired + coalesce(agg.expired, 0),
        rank_points = mb.rank_points + coalesce(agg.rank, 0),
        last_activity_at = case when agg.activity then greatest(mb.last_activity_at, ${at}::timestamptz) else mb.last_activity_at end,
        ${opening ? sql`spend_baseline = m.baseline, opening_import_id = ${importId}::uuid,` : sql``}
        updated_at = ${at}::timestamptz
      from m left join agg on agg.customer_id = m.customer_id
      where mb.shop_id = ${shopId} and mb.customer_id = m.customer_id and m.customer_id = any(${existingIds}::bigint[])
      returning mb.customer_id
    ),
    done as (
      update import_rows r set applied_at = ${at}::timestamptz
      from x where r.shop_id = ${shopId} and r.import_id = ${importId}::uuid and r.line = x.line
      returning 1
    ),
    progress as (
      update imports set done_rows = done_rows + ${input.taken} where shop_id = ${shopId} and id = ${importId}::uuid returning 1
    )
    -- (done and progress run too: Postgres always runs a data-modifying CTE to completion, read or not.)
    select (select count(*) from m) as members,
      (select count(*) from fresh) + (select count(*) from upd) as written`)
  if (Number(counts?.members) !== Number(counts?.written)) {
    // A customer gone since the preview, or a member activated by someone else after our lock: nothing of the
    // batch stays (the caller's transaction rolls back) and the job's retry starts it again.
    throw new NotFoundError(`Không kích hoạt được ${Number(counts?.members) - Number(counts?.written)} thành viên của lô nhập (member not written; retry)`)
  }
}

async function bumpProgress (tx: Db, shopId: string, importId: string, n: number): Promise<void> {
  await tx.execute(sql`update imports set done_rows = done_rows + ${n} where shop_id = ${shopId} and id = ${importId}::uuid`)
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
  const json = JSON.stringify(input.lines.map((l) => ({ line: l.line, customer_id: l.customerId })))
  const [counts] = await queryRows<{ expected: unknown, written: unknown }>(tx, sql`
    with b as (select * from jsonb_to_recordset(${json}::jsonb) as b(line int, customer_id bigint)),
    x as (
      -- Points spent since the import are not taken from elsewhere: the balance goes negative, visibly.
      select o.customer_id, 'reverse'::text as kind, -o.points as points, -o.rank_points as rank_points, 'available'::text as state,
        ${at}::timestamptz as available_at, null::timestamptz as expires_at, 'import'::text as source, ${importId}::text as source_id,
        'undo:' || ${importId}::text || ':' || b.line as key, ${input.reason}::text as reason, null::jsonb as rule, ${input.actor}::text as actor
      from b join ledger_entries o on o.shop_id = ${shopId} and o.idempotency_key = 'import:' || ${importId}::text || ':' || b.line
        and o.source = 'import' and o.source_id = ${importId}::text
    ),
    ins as (${insertEntries(shopId, at)}),
    agg as (select e.customer_id, ${BALANCE_SUMS} from ins e group by e.customer_id),
    m as (select distinct b.customer_id from b),
    upd as (
      update members mb set
        points_available = mb.points_available + coalesce(agg.available, 0),
        points_pending = mb.points_pending + coalesce(agg.pending, 0),
        points_used = mb.points_used + coalesce(agg.used, 0),
        points_expired = mb.points_expired + coalesce(agg.expired, 0),
        rank_points = mb.rank_points + coalesce(agg.rank, 0),
        last_activity_at = case when agg.activity then greatest(mb.last_activity_at, ${at}::timestamptz) else mb.last_activity_at end,
        ${opening
          // Only where this import set it: the member can then be imported again.
          ? sql`spend_baseline = case when mb.opening_import_id = ${importId}::uuid then 0 else mb.spend_baseline end,
            opening_import_id = case when mb.opening_import_id = ${importId}::uuid then null else mb.opening_import_id end,`
          : sql``}
        updated_at = ${at}::timestamptz
      from m left join agg on agg.customer_id = m.customer_id
      where mb.shop_id = ${shopId} and mb.customer_id = m.customer_id
        and (agg.customer_id is not null ${opening ? sql`or mb.opening_import_id = ${importId}::uuid` : sql``})
      returning mb.customer_id
    ),
    done as (
      update import_rows r set applied_at = null
      from b where r.shop_id = ${shopId} and r.import_id = ${importId}::uuid and r.line = b.line
      returning 1
    ),
    progress as (
      update imports set done_rows = done_rows + ${input.lines.length} where shop_id = ${shopId} and id = ${importId}::uuid returning 1
    )
    select (select count(*) from agg) as expected,
      (select count(*) from upd where customer_id in (select customer_id from agg)) as written`)
  if (Number(counts?.expected) !== Number(counts?.written)) {
    throw new NotFoundError('Khách hàng chưa là thành viên (member not found)')
  }
}
