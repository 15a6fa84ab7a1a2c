// Nhật ký hoạt động: one append-only row per merchant-visible action (settings, imports, activations, adjustments).
import { activityLog } from '../db/schema/index.ts'
import type { Db } from '../db/client.ts'

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
