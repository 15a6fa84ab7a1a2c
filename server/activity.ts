// Nhật ký hoạt động: one append-only row per merchant-visible action (settings, imports, activations, adjustments), and reading it.
import { sql, type SQL } from 'drizzle-orm'
import { activityLog } from '../db/schema/index.ts'
import { queryRows, type Db } from '../db/client.ts'
import { escapeLike } from './segments/search.ts'
import type { ActivityItem, ActorKind } from '../api-types/activity.ts'

export interface ActivityInput {
  /** Haravan user id of the merchant staff, or 'system' / 'haravan' for automatic actions. */
  actor: string
  /** Dotted verb, e.g. 'settings.loyalty.updated', 'import.opening_balance.applied', 'member.activated'. */
  action: string
  subject?: string
  details?: Record<string, unknown>
}

export async function logActivity (db: Db, shopId: string, input: ActivityInput, at: Date): Promise<void> {
  await db.insert(activityLog).values({ shopId, actor: input.actor, action: input.action, subject: input.subject, details: input.details ?? {}, createdAt: at })
}

export type { ActivityItem, ActorKind }

export interface ActivityQuery {
  /** Prefix of the action code ('import.' lists every import action). */
  action?: string
  actor?: string
  actorKind?: ActorKind
  from?: Date
  to?: Date
  page: number
  limit: number
}

// Who acted: Haravan (install/uninstall webhooks), the app itself (jobs, automatic rewards), else a merchant's staff.
const actorKindSql = sql.raw('case when a.actor = \'haravan\' then \'haravan\' when a.actor is null or a.actor = \'system\' then \'system\' else \'merchant\' end')

function whereOf (shopId: string, q: ActivityQuery): SQL {
  const where: SQL[] = [sql`a.shop_id = ${shopId}`]
  if (q.action) where.push(sql`a.action like ${`${escapeLike(q.action)}%`}`)
  if (q.actor) where.push(sql`a.actor = ${q.actor}`)
  if (q.actorKind) where.push(sql`${actorKindSql} = ${q.actorKind}`)
  if (q.from) where.push(sql`a.created_at >= ${q.from.toISOString()}::timestamptz`)
  if (q.to) where.push(sql`a.created_at < ${q.to.toISOString()}::timestamptz`)
  return sql.join(where, sql` and `)
}

/**
 * A page of the log, newest first, each row with its subject's name resolved by joins on the same statement: a member
 * or reward action names a customer (its id), an import action an import (its uuid), a group action a group (the
 * name it had is in details when it was deleted since). Each join is a primary-key probe guarded by the action, so a
 * subject that is not an id of that kind is never cast.
 */
export async function listActivity (db: Db, shopId: string, q: ActivityQuery): Promise<{ items: ActivityItem[], total: number }> {
  const where = whereOf(shopId, q)
  const uuid = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
  const [rows, totals] = await Promise.all([
    queryRows<{ id: unknown, actor: string | null, actor_kind: ActorKind, action: string, subject: string | null, subject_label: string | null, details: unknown, created_at: unknown }>(db, sql`
      select a.id, a.actor, ${actorKindSql} as actor_kind, a.action, a.subject, a.details, a.created_at,
        coalesce(c.full_name, i.file_name, s.name, case when a.action like 'segment.%' then a.details->>'name' end) as subject_label
      from activity_log a
      left join customers c on c.shop_id = a.shop_id
        and c.id = case when (a.action like 'member.%' or a.action like 'reward.%') and a.subject ~ '^[0-9]{1,18}$' then a.subject::bigint end
      left join imports i on i.shop_id = a.shop_id
        and i.id = case when a.action like 'import.%' and a.subject ~ ${uuid} then a.subject::uuid end
      left join segments s on s.shop_id = a.shop_id
        and s.id = case when a.action like 'segment.%' and a.subject ~ ${uuid} then a.subject::uuid end
      where ${where}
      order by a.created_at desc, a.id desc
      limit ${q.limit} offset ${(q.page - 1) * q.limit}`),
    queryRows<{ n: unknown }>(db, sql`select count(*) as n from activity_log a where ${where}`),
  ])
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      actor: r.actor,
      actorKind: r.actor_kind,
      action: r.action,
      subject: r.subject,
      subjectLabel: r.subject_label,
      details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details ?? {}) as Record<string, unknown>,
      createdAt: new Date(r.created_at as string).toISOString(),
    })),
    total: Number(totals[0]?.n ?? 0),
  }
}
