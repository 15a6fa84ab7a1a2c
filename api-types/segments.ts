// Customer groups (Nhóm khách hàng): the definition's fields and operators (CONTRACT.md), and the segment bodies and answers.
import { z } from 'zod'

export const FIELDS = ['lastOrderDaysAgo', 'ordersCount', 'totalSpent', 'avgOrderValue', 'birthdayMonth', 'tier', 'pointsAvailable',
  'rankPoints', 'gender', 'province', 'tags', 'memberStatus', 'text'] as const
export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'] as const
export type Field = typeof FIELDS[number]
export type Operator = typeof OPERATORS[number]

// Loose on purpose: field, operator and value are checked by parseDefinition (server/segments/compile.ts), so the 400
// names the offending one.
export const conditionSchema = z.object({ field: z.string().max(64), op: z.string().max(16), value: z.unknown() })
export const definitionSchema = z.object({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(conditionSchema).max(50),
})
/** A definition as sent (match defaults to 'all'). */
export type SegmentDefinition = z.input<typeof definitionSchema>

/** A condition the server accepts: a known field, an operator that field takes, a value of the field's kind. */
export interface Condition { field: Field, op: Operator, value: unknown }
/** A checked definition: what parseDefinition returns, what a saved group holds. */
// A type, not an interface: it is stored as a JSON record (drizzle's jsonb column takes Record<string, unknown>).
export type Definition = { match: 'all' | 'any', conditions: Condition[] }

/** POST /api/segments, PUT /api/segments/:id */
export const segmentBody = z.object({ name: z.string().trim().min(1).max(120), definition: definitionSchema })
export type SegmentBody = z.input<typeof segmentBody>
/** POST /api/segments/preview */
export const segmentPreviewBody = z.object({ definition: definitionSchema })
export const segmentPreviewResponse = z.object({ count: z.number().int() })
export type SegmentPreviewResponse = z.infer<typeof segmentPreviewResponse>

export const segmentOut = z.object({
  id: z.string(),
  name: z.string(),
  definition: z.record(z.string(), z.unknown()),
  count: z.number().int(),
  // Vietnamese sentences on what makes the saved group match wrongly (a tier deleted since); empty when fine.
  problems: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
})
/** A saved group; its definition was checked when it was saved. */
export type Segment = Omit<z.infer<typeof segmentOut>, 'definition'> & { definition: Definition }
export const segmentList = z.object({ items: z.array(segmentOut) })
