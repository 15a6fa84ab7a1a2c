// Nhập dữ liệu đầu kỳ: an import's preview, status and progress, and its lines, as /api/imports answers them.
import { z } from 'zod'

export const IMPORT_KINDS = ['opening_balance', 'point_adjustment'] as const
export const IMPORT_STATUSES = ['parsing', 'previewed', 'applying', 'done', 'failed', 'undoing', 'undone'] as const
export type ImportKind = typeof IMPORT_KINDS[number]
export type ImportStatus = typeof IMPORT_STATUSES[number]

export const previewSchema = z.object({
  rows: z.number(), valid: z.number(), matched: z.number(), notFound: z.number(), alreadyImported: z.number(), invalid: z.number(), duplicates: z.number(), warnings: z.number(),
})
export type ImportPreview = z.infer<typeof previewSchema>

export const importSchema = z.object({
  id: z.string(),
  kind: z.enum(IMPORT_KINDS),
  status: z.enum(IMPORT_STATUSES),
  progress: z.object({ done: z.number(), total: z.number() }),
  preview: previewSchema.nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  // Opening balances: the conversion the apply uses, frozen when it starts (null until then).
  rule: z.object({
    vndPerPoint: z.number(), pointsPerStep: z.number(), rounding: z.enum(['floor', 'half_up']), vndPerRankPoint: z.number(),
  }).nullable(),
  fileName: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  undoneAt: z.string().nullable(),
})
/** One import: GET /api/imports/:id, the items of GET /api/imports, the answer of confirm and undo. */
export type ImportView = z.infer<typeof importSchema>
export const importList = z.object({ items: z.array(importSchema), total: z.number() })
export type ImportList = z.infer<typeof importList>

/** The answer to an upload (POST /api/imports/opening-balance, /point-adjustment). */
export const createdSchema = z.object({ id: z.string(), status: z.literal('previewed'), preview: previewSchema })
export type ImportCreated = z.infer<typeof createdSchema>

export const lineSchema = z.object({
  line: z.number(),
  status: z.string(),
  reason: z.string().nullable(),
  warning: z.string().nullable(),
  phone: z.string().nullable(),
  name: z.string().nullable(),
  raw: z.record(z.string(), z.string()).nullable(),
  appliedAt: z.string().nullable(),
})
export type ImportLine = z.infer<typeof lineSchema>
export const lineList = z.object({ items: z.array(lineSchema), total: z.number() })
export type ImportLineList = z.infer<typeof lineList>
