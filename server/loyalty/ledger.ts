// The append-only points ledger: entries with idempotency keys, and the member's cached balances kept in step.
/*
 * Cached balances on `members` — each is a sum over the member's ledger_entries, changed in the same
 * statement as the entry (writeLedgerEntries), so `cached == sum(entries)` always holds (ledger:verify):
 *
 *   points_available = Σ points  where state = 'available'            (earn/opening/adjust/redeem/reverse/expire
 *                                                                       posted as available, and every 'release')
 *   points_pending   = Σ points  where state = 'pending'  −  Σ points where kind = 'release'
 *   points_used      = −Σ points where kind = 'redeem'                 (a voided reservation posts a positive 'redeem')
 *   points_expired   = −Σ points where kind = 'expire'
 *   rank_points      = Σ rank_points                                   (lifetime; the rolling window is computed by jobs)
 *
 * A 'release' entry moves points from pending to available: it is always state 'available' and carries
 * the source, source_id and available_at of the pending lot it matures, so a lot's unreleased remainder is
 * Σ pending points of (source, source_id, available_at) − Σ release points of the same.
 * Nothing in ledger_entries is ever updated or deleted. Balances may go negative only through clawbacks
 * (reverse, expire, negative adjust); spending (spendPoints) locks the member row and refuses overdraft.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import { queryPrepared, type Db } from '../../db/client.ts'
import { customers, ledgerEntries, members } from '../../db/schema/index.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { lowestTierId } from './tiers.ts'
import { queueAutomaticReward } from './rewards-catalogue.ts'
import { formatVi } from '../zod-vi.ts'

export type EntryKind = 'earn' | 'opening' | 'redeem' | 'reverse' | 'expire' | 'adjust' | 'release'
export type EntrySource = 'order' | 'import' | 'adjustment' | 'reward' | 'system'

export interface NewEntry {
  customerId: number
  kind: EntryKind
  points: number // signed integer
  rankPoints?: number // signed integer, default 0
  state: 'pending' | 'available'
  availableAt: Date
  expiresAt?: Date | null
  source: EntrySource
  sourceId?: string
  idempotencyKey: string // unique per shop
  reason?: string
  rule?: Record<string, unknown>
  actor?: string
  createdAt?: Date // default: the writer's now
}

export interface BalanceDelta { available: number, pending: number, used: number, expired: number, rank: number }

/** How one entry moves the cached balances (the definitions above, per entry). */
export function balanceDelta (entry: Pick<NewEntry, 'kind' | 'points' | 'rankPoints' | 'state'>): BalanceDelta {
  const p = entry.points
  return {
    available: entry.state === 'available' ? p : 0,
    pending: (entry.state === 'pending' ? p : 0) - (entry.kind === 'release' ? p : 0),
    used: entry.kind === 'redeem' ? -p : 0,
    expired: entry.kind === 'expire' ? -p : 0,
    rank: entry.rankPoints ?? 0,
  }
}

// Kinds that show the customer was active (inactivity expiry counts from the last of these).
const ACTIVITY_KINDS: EntryKind[] = ['earn', 'redeem', 'opening']

/*
 * The ledger writer. Every entry is posted by one statement built from the pieces below: the entries (rows of a CTE
 * `x`) are inserted `on conflict (shop_id, idempotency_key) do nothing returning …` (ledgerInsert), and the members'
 * cached balances move by exactly the entries that came back (LEDGER_MOVES, balanceDelta as SQL; balanceMovesSet),
 * so cached == Σ entries holds and a retry never counts anything twice. writeLedgerEntries is that statement for
 * entries computed in code (orders, the webhook batch, adjustments, rewards, jobs) or selected in SQL (an import's
 * undo); the import apply, which creates the members it posts to in the same statement, composes the same pieces.
 */

/** The columns of `x`, in ledgerInsert's order. */
const ENTRY_COLUMNS = `customer_id bigint, kind text, points bigint, rank_points bigint, state text, available_at timestamptz,
  expires_at timestamptz, source text, source_id text, idempotency_key text, reason text, rule jsonb, actor text, created_at timestamptz`

/**
 * Inserts the rows of the CTE `x` (ENTRY_COLUMNS; created_at null: `now`) as entries and returns the ones really
 * inserted. With onConflict, keys that exist are skipped; without it (the import apply's fast path, where a cursor
 * already rules a second insert out) a key that exists raises unique_violation and the caller re-runs the safe way.
 */
export function ledgerInsert (shopId: string, now: Date, opts: { onConflict?: boolean, ordered?: boolean } = {}): SQL {
  return sql`
  insert into ledger_entries (shop_id, customer_id, kind, points, rank_points, state, available_at, expires_at, source, source_id,
    idempotency_key, reason, rule, actor, created_at)
  select ${shopId}, x.customer_id, x.kind, x.points, x.rank_points, x.state, x.available_at, x.expires_at, x.source, x.source_id,
    x.idempotency_key, x.reason, x.rule, x.actor, coalesce(x.created_at, ${now.toISOString()}::timestamptz)
  from x where x.kind is not null${opts.ordered === false ? sql`` : sql` order by x.customer_id`}
  ${opts.onConflict === false ? sql`` : sql`on conflict (shop_id, idempotency_key) do nothing`}
  returning customer_id, kind, points, rank_points, state, created_at`
}

/**
 * balanceDelta summed per member over entry rows `e` (what ledgerInsert returned), plus the time of the latest
 * activity entry (null: none). Group by e.customer_id.
 */
export const LEDGER_MOVES = sql.raw(`
  sum(case when e.state = 'available' then e.points else 0 end) as available,
  sum(case when e.state = 'pending' then e.points else 0 end) - sum(case when e.kind = 'release' then e.points else 0 end) as pending,
  -sum(case when e.kind = 'redeem' then e.points else 0 end) as used,
  -sum(case when e.kind = 'expire' then e.points else 0 end) as expired,
  sum(e.rank_points) as rank,
  count(e.kind) as entries,
  max(e.created_at) filter (where e.kind in (${ACTIVITY_KINDS.map(k => `'${k}'`).join(', ')})) as activity_at`)

/**
 * The SET list moving member row `member` by the LEDGER_MOVES row `moves` (which may be null: no entries); `activity`:
 * another activity time for last_activity_at (greatest() skips nulls).
 */
export function balanceMovesSet (member: string, moves: string, activity: SQL = sql`null`): SQL {
  const [m, d] = [sql.raw(member), sql.raw(moves)]
  return sql`points_available = ${m}.points_available + coalesce(${d}.available, 0),
    points_pending = ${m}.points_pending + coalesce(${d}.pending, 0),
    points_used = ${m}.points_used + coalesce(${d}.used, 0),
    points_expired = ${m}.points_expired + coalesce(${d}.expired, 0),
    rank_points = ${m}.rank_points + coalesce(${d}.rank, 0),
    last_activity_at = greatest(${m}.last_activity_at, ${d}.activity_at, ${activity})`
}

const MISSING_MEMBER = 'ledger entry posted for a member that does not exist: '

/** More work on the member rows, in the writer's statement (one new version of each member row). */
export interface MemberExtras {
  /** A select of rows `t` with a customer_id: these members are written too, even with no entry. */
  rows?: SQL
  /** Assignments added to the update of member `u` (may read `t` and the moves `d`), each followed by a comma. */
  set?: SQL
  /** Another activity time for last_activity_at (may read `t`). */
  activity?: SQL
}

/**
 * Entries computed in code as the rows of `x` (one JSON parameter however many). Of two entries with one key, the
 * first is posted, as if they were posted one after the other.
 */
function entryRows (entries: NewEntry[]): SQL {
  const keys = new Set<string>()
  const unique: NewEntry[] = []
  for (const e of entries) {
    if (!Number.isSafeInteger(e.points) || !Number.isSafeInteger(e.rankPoints ?? 0)) throw new RangeError('ledger points must be safe integers')
    if (e.kind === 'release' && e.state !== 'available') throw new RangeError('a release entry is always available')
    if (keys.has(e.idempotencyKey)) continue
    keys.add(e.idempotencyKey)
    unique.push(e)
  }
  const rows = JSON.stringify(unique.map(e => ({
    customer_id: e.customerId,
    kind: e.kind,
    points: e.points,
    rank_points: e.rankPoints ?? 0,
    state: e.state,
    available_at: e.availableAt.toISOString(),
    expires_at: e.expiresAt ? e.expiresAt.toISOString() : null,
    source: e.source,
    source_id: e.sourceId ?? null,
    idempotency_key: e.idempotencyKey,
    reason: e.reason ?? null,
    rule: e.rule ?? null,
    actor: e.actor ?? null,
    created_at: e.createdAt ? e.createdAt.toISOString() : null,
  })))
  return sql`select * from json_to_recordset(${rows}::json) as v(${sql.raw(ENTRY_COLUMNS)})`
}

/**
 * The ledger writer: in one statement, inserts the entries whose idempotency key is new (a duplicate inserts nothing
 * and moves nothing) and moves the cached balances of their members by exactly those entries, plus `extras`.
 * entries: computed in code, or a select of rows with ENTRY_COLUMNS (created_at null: `now`).
 * Returns how many entries were inserted. Every entry's member must exist: otherwise nothing is written and it
 * throws NotFoundError. That check is in SQL, so the statement may be the last before a pipelined COMMIT (defer).
 * Concurrency: the caller serialises writers of the same keys where it matters (order lock, member lock); the
 * unique key makes a lost race insert nothing.
 */
export async function writeLedgerEntries (
  tx: Db, shopId: string, entries: NewEntry[] | SQL, now: Date, extras: MemberExtras = {},
): Promise<number> {
  if (Array.isArray(entries) && entries.length === 0 && !extras.rows) return 0
  const source = Array.isArray(entries) ? entryRows(entries) : entries
  const at = now.toISOString()
  const statement = sql`
    with x as (${source}),
    ins as (${ledgerInsert(shopId, now)}),
    d as (select e.customer_id, ${LEDGER_MOVES} from ins e group by e.customer_id),
    t as (${extras.rows ?? sql`select null::bigint as customer_id where false`}),
    k as (select customer_id from d union select customer_id from t),
    upd as (
      update members u set
        ${balanceMovesSet('u', 'd', extras.activity)},
        ${extras.set ?? sql``}
        updated_at = ${at}::timestamptz
      from k left join d on d.customer_id = k.customer_id left join t on t.customer_id = k.customer_id
      -- The = any(array(…)) gives the planner the index lookups; with the join alone a generic plan may scan the shop.
      where u.shop_id = ${shopId} and u.customer_id = k.customer_id and u.customer_id = any(array(select customer_id from k))
      returning u.customer_id
    )
    select coalesce(sum(d.entries), 0) as inserted from d
    union all
    -- An entry never exists without its member: such an entry fails the statement, and with it the transaction.
    -- (A cast that fails is the way plain SQL raises an error; it is evaluated for such a row only.)
    select (${sql.raw(`'${MISSING_MEMBER}'`)} || d.customer_id)::bigint from d where not exists (select 1 from upd where upd.customer_id = d.customer_id)`
  try {
    const [row] = await queryPrepared<{ inserted: unknown }>(tx, statement)
    return Number(row?.inserted ?? 0)
  } catch (err) {
    // drizzle wraps the driver's error (its cause) in one that quotes the statement.
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      const missing = new RegExp(`${MISSING_MEMBER}(\\d+)`).exec(e.message)
      if (missing) throw new NotFoundError(`Khách hàng ${missing[1]} chưa là thành viên`)
    }
    throw err
  }
}

export type MemberRow = typeof members.$inferSelect

/** Locks the member row for the rest of the transaction (spends, reversals and maturing serialise on it). */
export async function lockMember (tx: Db, shopId: string, customerId: number): Promise<MemberRow | undefined> {
  const [row] = await tx.select().from(members)
    .where(and(eq(members.shopId, shopId), eq(members.customerId, customerId)))
    .for('update')
  return row
}

/**
 * Activates (idempotently) the customer as a member; returns whether the row was created.
 * source: 'auto' | 'manual' | 'import'. Freezes phone_e164 and email from the customer at activation.
 */
export async function activateMember (
  tx: Db, shopId: string, customerId: number, source: 'auto' | 'manual' | 'import', _actor: string, now: Date,
): Promise<{ created: boolean }> {
  // Callers log activations themselves: a manual one to the activity log; auto/import ones in bulk would flood it.
  const [customer] = await tx.select({
    phoneE164: customers.phoneE164,
    email: customers.email,
    birthdayMonth: sql<number | null>`extract(month from ${customers.birthday})::smallint`,
  }).from(customers)
    .where(and(eq(customers.shopId, shopId), eq(customers.id, customerId)))
  if (!customer) throw new NotFoundError('Không tìm thấy khách hàng')
  const inserted = await tx.insert(members).values({
    shopId,
    customerId,
    phoneE164: customer.phoneE164,
    email: customer.email,
    birthdayMonth: customer.birthdayMonth === null ? null : Number(customer.birthdayMonth),
    activatedAt: now,
    activationSource: source,
    tierId: await lowestTierId(tx, shopId),
    updatedAt: now,
  }).onConflictDoNothing({ target: [members.shopId, members.customerId] }).returning({ customerId: members.customerId })
  if (inserted.length > 0 && source !== 'import') await queueAutomaticReward(tx, shopId, customerId, 'registration', {}, now)
  return { created: inserted.length > 0 }
}

export class InsufficientPointsError extends ConflictError {
  constructor (available: number, wanted: number) {
    super(`Không đủ điểm: có ${formatVi(available)} điểm khả dụng, cần ${formatVi(wanted)} điểm`)
  }
}

export interface SpendInput {
  customerId: number
  points: number // positive: how many to spend
  idempotencyKey: string
  source?: EntrySource
  sourceId?: string
  reason?: string
  actor?: string
  rule?: Record<string, unknown>
}

/**
 * Spends (reserves) available points as a 'redeem' entry under the member row lock: two concurrent spends can
 * never use the same points. Throws InsufficientPointsError when available < points; false for a duplicate key.
 * A redemption that is later voided is undone by a positive 'redeem' entry (see the balance definitions).
 */
export async function spendPoints (tx: Db, shopId: string, input: SpendInput, now: Date): Promise<boolean> {
  if (!Number.isSafeInteger(input.points) || input.points <= 0) throw new RangeError('spend a positive integer of points')
  const member = await lockMember(tx, shopId, input.customerId)
  if (!member) throw new NotFoundError('Không tìm thấy thành viên')
  const [dup] = await tx.select({ id: ledgerEntries.id }).from(ledgerEntries)
    .where(and(eq(ledgerEntries.shopId, shopId), eq(ledgerEntries.idempotencyKey, input.idempotencyKey)))
  if (dup) return false
  if (member.pointsAvailable < input.points) throw new InsufficientPointsError(member.pointsAvailable, input.points)
  return await writeLedgerEntries(tx, shopId, [{
    customerId: input.customerId,
    kind: 'redeem',
    points: -input.points,
    state: 'available',
    availableAt: now,
    source: input.source ?? 'reward',
    sourceId: input.sourceId,
    idempotencyKey: input.idempotencyKey,
    reason: input.reason,
    actor: input.actor,
    rule: input.rule,
  }], now) > 0
}
