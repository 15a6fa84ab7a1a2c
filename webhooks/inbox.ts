// The webhook inbox: store a verified delivery once (shop, topic, body hash) and apply it in the same transaction.
import { createHash } from 'node:crypto'
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../db/client.ts'
import { topicHandlerFor, UNINSTALL_TOPIC } from './topics/index.ts'

export interface Delivery {
  shopId: string
  /** canonical topic */
  topic: string
  /** the body as stored: the cleaned JSON text, or (not JSON) the cleaned text; the hash is of the raw bytes */
  body: string
  bodyHash: string
  now: Date
}

/** refused: recorded with its reason and never retried (too large, or not what its topic says) */
export type DeliveryResult = 'applied' | 'failed' | 'refused' | 'duplicate' | 'unknown_shop' | 'shop_uninstalled'
export interface DeliveryOutcome { result: DeliveryResult, error?: string }

export function bodyHash (raw: Buffer | string): string {
  return createHash('sha256').update(raw).digest('hex')
}

// Deliveries are kept only for shops we serve; app/uninstalled also for a shop already uninstalled (it is idempotent).
// The one statement of that rule, over SQL expressions: a row's columns (batches) or one delivery's parameters.
function shopServed (shopId: SQL, topic: SQL): SQL {
  return sql`exists (select 1 from shops s where s.shop_id = ${shopId} and (s.status = 'installed' or ${topic} = ${UNINSTALL_TOPIC}))`
}

// The payload column is json (kept as sent, only checked): a body that is not JSON is kept as a JSON string, so it
// is still there to look at.
function payloadValue (body: string, isJson: boolean): SQL {
  return isJson ? sql`${body}::json` : sql`to_json(${body}::text)`
}

/*
 * A batch's payloads go to Postgres as one text parameter, separated by U+001E, beside the JSON array of the rest of
 * their rows: JSON text never holds a raw U+001E (a control character is escaped inside strings and is no
 * whitespace outside them). Inside the array, every payload was lexed twice by Postgres (the parameter's check, then
 * json_to_recordset) before its own check as it was stored; apart, only that last check is left (~0.9 ms less a batch
 * of 16 full orders: docs/BENCHMARKS.md, "Webhooks").
 */
const PAYLOAD_SEPARATOR = '\u001e'

/**
 * The relation `p(payload, i)` over these JSON texts: `payload` as text (cast it to json as it is stored), `i` counting
 * from 1 in the order given, to join with the batch's rows.
 */
function batchPayloads (bodies: string[]): SQL {
  if (bodies.some(b => b.includes(PAYLOAD_SEPARATOR))) throw new Error('a webhook payload holds U+001E: it is not JSON text')
  return sql`string_to_table(${bodies.join(PAYLOAD_SEPARATOR)}::text, chr(30)) with ordinality as p(payload, i)`
}

/**
 * A batch of deliveries as two CTEs for a `with`: `v`, one row per delivery (i, shop_id, topic, body_hash, at and the
 * caller's own fields), and `inbox`, their inbox rows stored (insertAppliedSql, each with its own payload). `fields(i)`
 * gives delivery i's own fields as JSON members (`"o":{…},"c":null`), declared by `columns` (`o json, c json`), a
 * constant of the caller. The bodies are JSON already (cleaned when parsed) and go apart from the rows (batchPayloads).
 */
export function batchInboxCtes (deliveries: Delivery[], fields: (i: number) => string, columns: string): SQL {
  const rows = `[${deliveries.map((d, i) => `{"i":${i + 1},"shop_id":${JSON.stringify(d.shopId)},"topic":${JSON.stringify(d.topic)},` +
    `"body_hash":${JSON.stringify(d.bodyHash)},"at":${JSON.stringify(d.now.toISOString())},${fields(i)}}`).join(',')}]`
  return sql`v as (
      select * from json_to_recordset(${rows}::json) as v(i int, shop_id text, topic text, body_hash text, at timestamptz, ${sql.raw(columns)})
    ), inbox as (${insertAppliedSql(sql`select v.shop_id, v.topic, v.body_hash, v.at, p.payload::json as payload
      from v join ${batchPayloads(deliveries.map(d => d.body))} on p.i = v.i`)})`
}

const MAX_ERROR = 2000

/**
 * What goes into last_error and the log: the innermost cause (the database's own message). Drizzle's wrapper
 * repeats the query with its parameters, i.e. customers' personal data, so it is never used.
 */
export function errorText (err: unknown): string {
  let inner = err
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause
  const message = inner instanceof Error ? `${inner.name}: ${inner.message}` : String(inner)
  return message.length > MAX_ERROR ? message.slice(0, MAX_ERROR) : message
}

/**
 * The one writer of applied deliveries: inserts the rows of `rows` (a query yielding shop_id, topic, body_hash, at
 * and payload as json) as 'applied', skipping shops we do not serve (an uninstall is kept for a shop already
 * uninstalled: it is idempotent) and duplicates (the unique index makes one a no-op). Returns shop_id, topic,
 * body_hash of the rows stored, so that only those are applied. Used by receiveDelivery and, as a CTE, by batchInboxCtes.
 */
function insertAppliedSql (rows: SQL): SQL {
  return sql`
    insert into webhook_inbox (shop_id, topic, body_hash, payload, status, attempts, received_at, processed_at)
    select v.shop_id, v.topic, v.body_hash, v.payload, 'applied', 1, v.at, v.at
    from (${rows}) v
    where ${shopServed(sql`v.shop_id`, sql`v.topic`)}
    on conflict (shop_id, topic, body_hash) do nothing
    returning shop_id, topic, body_hash`
}

/**
 * Happy path in one transaction: insert the inbox row already as 'applied' (the unique index makes a duplicate a
 * no-op, and the shop check rides in the same statement), apply, commit. If applying throws, the transaction rolls
 * back and the delivery is recorded as 'failed' for the retry job.
 */
export async function receiveDelivery (db: Db, d: Delivery, payload: unknown): Promise<DeliveryOutcome> {
  const handler = topicHandlerFor(d.topic)
  if (!handler) throw new Error(`no handler for ${d.topic}`)
  const at = d.now.toISOString()
  let stored: boolean
  try {
    stored = await db.transaction(async (tx) => {
      const rows = await queryRows(tx, insertAppliedSql(sql`
        select ${d.shopId}::text as shop_id, ${d.topic}::text as topic, ${d.bodyHash}::text as body_hash, ${at}::timestamptz as at,
          ${payloadValue(d.body, true)} as payload`))
      if (rows.length === 0) return false
      await handler.apply(tx, d.shopId, payload, d.now)
      return true
    })
  } catch (err) {
    const error = errorText(err)
    const recorded = await recordFailure(db, d, error, true)
    // Not recorded means the shop is not served (or it was applied meanwhile): nothing left to do.
    return { result: recorded ? 'failed' : await classifySkipped(db, d.shopId), error }
  }
  return { result: stored ? 'applied' : await classifySkipped(db, d.shopId) }
}

/**
 * Keeps a delivery we could not apply (bad JSON, schema, or an apply error) as 'failed', counting attempts; a
 * refused one as 'ignored' (the retry job leaves it alone).
 * Returns false when nothing was written: unknown or uninstalled shop, or the row is already applied.
 */
export async function recordFailure (db: Db, d: Delivery, error: string, isJson: boolean, refused = false): Promise<boolean> {
  const at = d.now.toISOString()
  const status = refused ? 'ignored' : 'failed'
  const rows = await queryRows(db, sql`
    insert into webhook_inbox as i (shop_id, topic, body_hash, payload, status, attempts, last_error, received_at, processed_at)
    select ${d.shopId}, ${d.topic}, ${d.bodyHash}, ${payloadValue(d.body, isJson)}, ${status}, 1, ${error}, ${at}::timestamptz, ${at}::timestamptz
    where ${shopServed(sql`${d.shopId}::text`, sql`${d.topic}::text`)}
    on conflict (shop_id, topic, body_hash) do update
      set status = excluded.status, attempts = i.attempts + 1, last_error = excluded.last_error, processed_at = excluded.processed_at
      where i.status <> 'applied'
    returning id`)
  return rows.length > 0
}

/** Why nothing was stored: only reached off the happy path, so the extra lookup costs nothing there. */
export async function classifySkipped (db: Db, shopId: string): Promise<DeliveryResult> {
  const [shop] = await queryRows<{ status: string }>(db, sql`select status from shops where shop_id = ${shopId}`)
  if (!shop) return 'unknown_shop'
  return shop.status === 'installed' ? 'duplicate' : 'shop_uninstalled'
}

/** A delivery whose body failed JSON parsing or the schema, or was refused: kept (when the shop is served), never applied. */
export async function receiveInvalid (db: Db, d: Delivery, error: string, isJson: boolean, refused = false): Promise<DeliveryOutcome> {
  const recorded = await recordFailure(db, d, error, isJson, refused)
  return { result: recorded ? (refused ? 'refused' : 'failed') : await classifySkipped(db, d.shopId), error }
}
