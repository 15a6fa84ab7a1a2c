// npm run ledger:verify — cached balances equal the sums of entries, no idempotency key repeats, every order holds its target.
import { pathToFileURL } from 'node:url'
import { and, asc, eq, gt, sql } from 'drizzle-orm'
import { openDatabase, queryRows, type Db } from '../db/client.ts'
import { members, orders } from '../db/schema/index.ts'
import { loadConfig } from '../server/config.ts'
import { heldByMember, memberForOrder, orderTarget } from '../server/loyalty/order-points.ts'
import { getLoyaltySettings } from '../server/loyalty/settings.ts'

export interface LedgerProblem {
  shopId: string
  check: 'balance' | 'duplicate_key' | 'order_target'
  customerId?: number
  orderId?: number
  detail: string
}

const n = (v: unknown): number => Number(v ?? 0)

async function balanceProblems (db: Db): Promise<LedgerProblem[]> {
  // The definitions at the top of server/loyalty/ledger.ts, as SQL.
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with s as (
      select shop_id, customer_id,
        sum(case when state = 'available' then points else 0 end) as available,
        sum(case when state = 'pending' then points else 0 end) - sum(case when kind = 'release' then points else 0 end) as pending,
        -sum(case when kind = 'redeem' then points else 0 end) as used,
        -sum(case when kind = 'expire' then points else 0 end) as expired,
        sum(rank_points) as rank
      from ledger_entries group by shop_id, customer_id
    )
    select coalesce(m.shop_id, s.shop_id) as shop_id, coalesce(m.customer_id, s.customer_id) as customer_id, m.customer_id is null as orphan,
      m.points_available, m.points_pending, m.points_used, m.points_expired, m.rank_points,
      coalesce(s.available, 0) as available, coalesce(s.pending, 0) as pending, coalesce(s.used, 0) as used,
      coalesce(s.expired, 0) as expired, coalesce(s.rank, 0) as rank
    from members m full join s on s.shop_id = m.shop_id and s.customer_id = m.customer_id
    where m.customer_id is null
      or m.points_available <> coalesce(s.available, 0) or m.points_pending <> coalesce(s.pending, 0)
      or m.points_used <> coalesce(s.used, 0) or m.points_expired <> coalesce(s.expired, 0) or m.rank_points <> coalesce(s.rank, 0)`)
  return rows.map(r => ({
    shopId: String(r.shop_id),
    check: 'balance' as const,
    customerId: n(r.customer_id),
    detail: r.orphan === true
      ? 'entries without a member row'
      : `cached available/pending/used/expired/rank ${n(r.points_available)}/${n(r.points_pending)}/${n(r.points_used)}/${n(r.points_expired)}/${n(r.rank_points)}` +
        ` ≠ entries ${n(r.available)}/${n(r.pending)}/${n(r.used)}/${n(r.expired)}/${n(r.rank)}`,
  }))
}

async function duplicateKeyProblems (db: Db): Promise<LedgerProblem[]> {
  const rows = await queryRows<{ shop_id: string, idempotency_key: string, n: unknown }>(db, sql`
    select shop_id, idempotency_key, count(*) as n from ledger_entries group by shop_id, idempotency_key having count(*) > 1`)
  return rows.map(r => ({ shopId: r.shop_id, check: 'duplicate_key' as const, detail: `key ${r.idempotency_key} used ${n(r.n)} times` }))
}

async function orderProblems (db: Db, shopId: string): Promise<LedgerProblem[]> {
  const problems: LedgerProblem[] = []
  const settings = await getLoyaltySettings(db, shopId)
  let after = -1
  for (;;) {
    const batch = await db.select().from(orders).where(and(eq(orders.shopId, shopId), gt(orders.id, after))).orderBy(asc(orders.id)).limit(500)
    if (batch.length === 0) break
    for (const order of batch) {
      const { held } = await heldByMember(db, shopId, order.id)
      const memberId = await memberForOrder(db, shopId, order)
      let expected = { points: 0, rankPoints: 0 }
      if (memberId !== undefined) {
        const [m] = await db.select().from(members).where(and(eq(members.shopId, shopId), eq(members.customerId, memberId)))
        if (m) expected = (await orderTarget(db, shopId, order, m, settings)).target
      }
      for (const id of new Set([...held.map(h => h.customerId), ...(memberId === undefined ? [] : [memberId])])) {
        const h = held.find(x => x.customerId === id) ?? { points: 0, rankPoints: 0 }
        const want = id === memberId ? expected : { points: 0, rankPoints: 0 }
        if (h.points !== want.points || h.rankPoints !== want.rankPoints) {
          problems.push({ shopId, check: 'order_target', orderId: order.id, customerId: id, detail: `holds ${h.points} points/${h.rankPoints} rank, target ${want.points}/${want.rankPoints}` })
        }
      }
    }
    after = batch[batch.length - 1]!.id
  }
  return problems
}

export async function verifyLedger (db: Db): Promise<{ ok: boolean, problems: LedgerProblem[] }> {
  const problems = [...await balanceProblems(db), ...await duplicateKeyProblems(db)]
  const shopRows = await queryRows<{ shop_id: string }>(db, sql`select distinct shop_id from orders order by shop_id`)
  for (const { shop_id: shopId } of shopRows) problems.push(...await orderProblems(db, shopId))
  return { ok: problems.length === 0, problems }
}

async function main () {
  const config = loadConfig(process.env)
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const { ok, problems } = await verifyLedger(database.db)
    for (const p of problems) {
      console.log([p.shopId, p.check, p.customerId === undefined ? '' : `customer ${p.customerId}`, p.orderId === undefined ? '' : `order ${p.orderId}`, p.detail].filter(Boolean).join('  '))
    }
    console.log(ok ? 'ledger ok' : `${problems.length} problem(s)`)
    process.exitCode = ok ? 0 : 1
  } finally {
    await database.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => { console.error(err); process.exit(2) })
}
