// The member and customer lists' rows (GET /api/members, /api/customers, /api/segments/:id/members).
import { z } from 'zod'

export const listItemSchema = z.object({
  customerId: z.number().int(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  tier: z.object({ id: z.string(), name: z.string() }).nullable(),
  pointsAvailable: z.number().int(),
  pointsPending: z.number().int(),
  pointsUsed: z.number().int(),
  rankPoints: z.number().int(),
  totalSpent: z.number().int(),
  ordersCount: z.number().int(),
  avgOrderValue: z.number().int(),
  lastOrderAt: z.string().nullable(),
  memberSince: z.string().nullable(),
  isMember: z.boolean(),
})
export type ListItem = z.infer<typeof listItemSchema>

export const listResponse = z.object({ items: z.array(listItemSchema), total: z.number().int() })
export type ListResponse = z.infer<typeof listResponse>
