// Nhật ký hoạt động: GET /api/activity's filters and rows.
import { z } from 'zod'

// merchant: the shop's staff (actor is their Haravan user id); haravan: Haravan's own events; system: the app's jobs.
export const ACTOR_KINDS = ['merchant', 'haravan', 'system'] as const
export type ActorKind = typeof ACTOR_KINDS[number]

export const activityQuery = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  actorKind: z.enum(ACTOR_KINDS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})

export const activityItem = z.object({
  id: z.number().int(),
  actor: z.string().nullable(),
  actorKind: z.enum(ACTOR_KINDS),
  action: z.string(),
  subject: z.string().nullable(),
  // The member's name, the import's file name or the group's name; null when the subject has none (or is gone).
  subjectLabel: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
})
export type ActivityItem = z.infer<typeof activityItem>
export const activityList = z.object({ items: z.array(activityItem), total: z.number().int() })
export type ActivityList = z.infer<typeof activityList>
