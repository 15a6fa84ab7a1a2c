// Retries deliveries left 'received' or 'failed' in the inbox, each in its own transaction; scheduled every minute on pg-boss.
import { sql } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { queryRows, type Db } from '../db/client.ts'
import { errorText } from './inbox.ts'
import { topicHandlerFor, UNINSTALL_TOPIC } from './topics/index.ts'

export const INBOX_RETRY_QUEUE = 'webhooks.retry'

export interface RetryOptions {
  now: Date
  /** rows handled in one run (default 200) */
  limit?: number
  /** a row that failed this many times is left alone, for a person to look at (default 10) */
  maxAttempts?: number
  /** rows younger than this (since receipt or the last attempt) are left alone (default 30) */
  minAgeSeconds?: number
}

export interface RetryResult { applied: number, failed: number, ignored: number }

interface InboxRow { shop_id: string, id: number | string, topic: string, payload: string, shop_status: string | null }

type Outcome = 'applied' | 'failed' | 'ignored'

/**
 * One row at a time: lock it (SKIP LOCKED, so other instances take other rows), apply it inside a savepoint,
 * and mark it applied or failed in the same transaction — the lock is held until the row's fate is written.
 */
export async function retryInbox (db: Db, opts: RetryOptions): Promise<RetryResult> {
  const limit = opts.limit ?? 200
  const maxAttempts = opts.maxAttempts ?? 10
  const now = opts.now.toISOString()
  const cutoff = new Date(opts.now.getTime() - (opts.minAgeSeconds ?? 30) * 1000).toISOString()
  const result: RetryResult = { applied: 0, failed: 0, ignored: 0 }

  for (let i = 0; i < limit; i++) {
    const outcome = await db.transaction(async (tx): Promise<Outcome | null> => {
      const [row] = await queryRows<InboxRow>(tx, sql`
        select i.shop_id, i.id, i.topic, i.payload::text as payload, s.status as shop_status
        from webhook_inbox i left join shops s on s.shop_id = i.shop_id
        where i.status in ('received', 'failed') and i.attempts < ${maxAttempts}
          and coalesce(i.processed_at, i.received_at) <= ${cutoff}::timestamptz
        order by i.received_at
        limit 1
        for update of i skip locked`)
      if (!row) return null
      const mark = async (status: Outcome, error: string | null) => {
        await tx.execute(sql`
          update webhook_inbox set status = ${status}, attempts = attempts + ${status === 'ignored' ? 0 : 1},
            last_error = ${error}, processed_at = ${now}::timestamptz
          where shop_id = ${row.shop_id} and id = ${Number(row.id)}`)
        return status
      }

      const handler = topicHandlerFor(row.topic)
      // Background work stops for a shop that is gone (except recording the uninstall itself).
      const served = row.shop_status === 'installed' || (row.shop_status !== null && row.topic === UNINSTALL_TOPIC)
      if (!handler || !served) return mark('ignored', handler ? `shop ${row.shop_status ?? 'unknown'}` : 'unknown topic')

      let body: unknown
      try {
        body = JSON.parse(row.payload)
      } catch (err) {
        return mark('failed', errorText(err))
      }
      // A body stored as a JSON string is one that was not JSON when it arrived.
      if (typeof body === 'string') return mark('failed', 'invalid JSON')
      const parsed = handler.parse(body)
      if (!parsed.ok) return mark('failed', parsed.error)
      try {
        await tx.transaction((sp) => handler.apply(sp, row.shop_id, parsed.value, opts.now))
      } catch (err) {
        return mark('failed', errorText(err))
      }
      return mark('applied', null)
    })
    if (outcome === null) break
    result[outcome]++
  }
  return result
}

export interface RetryJobDeps {
  db: Db
  clock: () => Date
  log?: { info (obj: object, msg: string): void }
}

/** Creates the queue (pg-boss 10 needs it), the worker, and the every-minute schedule. Safe to call on every start. */
export async function registerInboxRetryJob (boss: PgBoss, deps: RetryJobDeps): Promise<void> {
  await boss.createQueue(INBOX_RETRY_QUEUE)
  await boss.work(INBOX_RETRY_QUEUE, async () => {
    const result = await retryInbox(deps.db, { now: deps.clock() })
    if (result.applied + result.failed + result.ignored > 0) deps.log?.info({ ...result }, 'webhook inbox retried')
  })
  await boss.schedule(INBOX_RETRY_QUEUE, '* * * * *')
}
