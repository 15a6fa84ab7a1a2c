// Zod schemas shared by the list routes (members, customers, a group's members) and their CSV exports.
import { z } from 'zod'
import { BUILTIN_FILTER_NAMES } from './compile.ts'
import { SORT_FIELDS, type PageRequest, type SortField } from './lists.ts'

export const filterQuery = z.object({
  q: z.string().max(200).optional(),
  filter: z.enum(BUILTIN_FILTER_NAMES).optional(),
  segment: z.string().max(64).optional(),
})

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // `lastOrderAt:desc`, `name:asc` or just `totalSpent` (descending).
  sort: z.string().regex(new RegExp(`^(${SORT_FIELDS.join('|')})(:(asc|desc))?$`), `phải là tên cột, có thể kèm :asc hoặc :desc (${SORT_FIELDS.join(', ')})`).optional(),
})

export function pageRequest (q: z.infer<typeof pageQuery>, defaultSort: SortField): PageRequest {
  const [field, direction] = (q.sort ?? `${defaultSort}:desc`).split(':') as [SortField, ('asc' | 'desc')?]
  return { page: q.page, limit: q.limit, sort: field, direction: direction ?? 'desc' }
}

export const registeredQuery = z.object({ registered: z.enum(['true', 'false']).optional() })

export { listItemSchema, listResponse } from '../../api-types/lists.ts'
