// The shape of a topic handler: a schema for the body and an apply step run inside the delivery's transaction.
import type { z } from 'zod'
import type { Db } from '../../db/client.ts'

export type Parsed = { ok: true, value: unknown } | { ok: false, error: string }

export interface TopicHandler {
  parse (body: unknown): Parsed
  /** Runs inside a transaction; must be safe to run twice for the same body. */
  apply (tx: Db, shopId: string, payload: unknown, now: Date): Promise<void>
}

export function issuesText (error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')
}

export function topicHandler<S extends z.ZodType> (schema: S, apply: (tx: Db, shopId: string, payload: z.output<S>, now: Date) => Promise<void>): TopicHandler {
  return {
    parse (body) {
      const r = schema.safeParse(body)
      return r.success ? { ok: true, value: r.data } : { ok: false, error: `invalid payload: ${issuesText(r.error)}` }
    },
    apply: (tx, shopId, payload, now) => apply(tx, shopId, payload as z.output<S>, now),
  }
}
