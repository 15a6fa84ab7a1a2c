// /api/imports: CSV templates, upload → preview, confirm → apply job, progress, problem lines, error report, undo.
import { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError, BadRequestError, ConflictError } from '../errors.ts'
import { lineAppliedAt, type ImportRow, type ImportRule } from '../imports/apply.ts'
import { errorReport } from '../imports/report.ts'
import { APPLY_QUEUE, enqueue, registerImportJobs, UNDO_QUEUE } from '../imports/jobs.ts'
import { TEMPLATES, type ImportKind } from '../imports/kinds.ts'
import { createdSchema, IMPORT_KINDS, importList, importSchema, lineList, type ImportPreview, type ImportView } from '../../api-types/imports.ts'
import { createImport } from '../imports/preview.ts'
import { confirmImport, findImport, listImportLines, listImports, startUndo } from '../imports/store.ts'

export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024

const STATUS_LABEL: Record<string, string> = {
  parsing: 'đang đọc file', previewed: 'chờ xác nhận', applying: 'đang cập nhật', done: 'đã hoàn tất', failed: 'bị lỗi', undoing: 'đang hoàn tác', undone: 'đã hoàn tác',
}

const idParams = z.object({ id: z.string() })
const iso = (d: Date | null) => (d === null ? null : d.toISOString())

function ruleView (imp: ImportRow): ImportView['rule'] {
  const rule = imp.rule as unknown as ImportRule | null
  if (!rule) return null
  const { vndPerPoint, pointsPerStep, rounding } = rule.earning
  return { vndPerPoint, pointsPerStep, rounding, vndPerRankPoint: rule.ranking.vndPerRankPoint }
}

export function importView (imp: ImportRow): ImportView {
  return {
    id: imp.id,
    kind: imp.kind,
    status: imp.status,
    progress: { done: imp.doneRows, total: imp.totalRows },
    preview: (imp.preview as ImportPreview | null) ?? null,
    result: imp.result ?? null,
    rule: ruleView(imp),
    fileName: imp.fileName,
    error: imp.error,
    createdAt: imp.createdAt.toISOString(),
    confirmedAt: iso(imp.confirmedAt),
    finishedAt: iso(imp.finishedAt),
    undoneAt: iso(imp.undoneAt),
  }
}

const tooLarge = (limit: number) => `File quá lớn: tối đa ${+(limit / 1024 / 1024).toFixed(2)} MB. Không dòng nào được nhập; hãy chia file thành nhiều file nhỏ hơn.`

/**
 * The upload's bytes, refused as a whole when it went over the size limit: the multipart reader then simply ends the
 * file stream early (marking it truncated), and a cut file previewed (and imported) its first rows, the last one cut
 * in the middle. Thrown after the last byte, so the preview under way fails and its import is marked failed.
 */
async function * whole (file: AsyncIterable<Buffer> & { truncated?: boolean }, limit: number): AsyncGenerator<Buffer> {
  for await (const chunk of file) {
    if (file.truncated === true) throw new AppError(413, tooLarge(limit))
    yield chunk
  }
  if (file.truncated === true) throw new AppError(413, tooLarge(limit))
}

export interface ImportRoutesOptions {
  /** The upload size limit (default MAX_UPLOAD_BYTES; tests lower it). */
  maxUploadBytes?: number
}

export default async function importRoutes (fastify: FastifyInstance, opts: ImportRoutesOptions = {}) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const limit = opts.maxUploadBytes ?? MAX_UPLOAD_BYTES
  await app.register(multipart, { limits: { fileSize: limit, files: 1, fields: 5 } })
  await registerImportJobs(fastify)

  const template = (kind: ImportKind, file: string) => app.get(`/imports/${file}/template.csv`, {
    schema: { summary: 'CSV template (UTF-8 with BOM)', tags: ['imports'] },
  }, async (_request, reply) => reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${file}-mau.csv"`)
    .send(TEMPLATES[kind]))
  template('opening_balance', 'opening-balance')
  template('point_adjustment', 'point-adjustment')

  const upload = (kind: ImportKind, file: string) => app.post(`/imports/${file}`, {
    schema: { summary: 'Upload a CSV (multipart `file`) and get its preview', tags: ['imports'], consumes: ['multipart/form-data'], response: { 200: createdSchema } },
  }, async (request) => {
    if (!request.isMultipart()) throw new BadRequestError('Cần gửi file CSV dạng multipart/form-data (trường "file")')
    const part = await request.file()
    if (!part) throw new BadRequestError('Thiếu file CSV (trường "file")')
    try {
      const { id, preview } = await createImport(app.db, {
        shopId: request.shop.shopId, kind, fileName: part.filename || null, actor: request.shop.userId, now: app.clock(), source: whole(part.file, limit),
      })
      return { id, status: 'previewed' as const, preview }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new AppError(413, tooLarge(limit))
      }
      throw err
    }
  })
  upload('opening_balance', 'opening-balance')
  upload('point_adjustment', 'point-adjustment')

  app.get('/imports', {
    schema: {
      summary: 'Recent imports of the shop',
      tags: ['imports'],
      querystring: z.object({ page: z.coerce.number().int().min(1).default(1), limit: z.coerce.number().int().min(1).max(100).default(20), kind: z.enum(IMPORT_KINDS).optional() }),
      response: { 200: importList },
    },
  }, async (request) => {
    const { items, total } = await listImports(app.db, request.shop.shopId, request.query)
    return { items: items.map(importView), total }
  })

  app.get('/imports/:id', {
    schema: { summary: 'One import: status, progress, preview, result', tags: ['imports'], params: idParams, response: { 200: importSchema } },
  }, async (request) => importView(await findImport(app.db, request.shop.shopId, request.params.id)))

  app.get('/imports/:id/rows', {
    schema: {
      summary: 'Lines of an import (problems only by default)',
      tags: ['imports'],
      params: idParams,
      querystring: z.object({ page: z.coerce.number().int().min(1).default(1), limit: z.coerce.number().int().min(1).max(200).default(50), problems: z.enum(['true', 'false']).default('true') }),
      response: { 200: lineList },
    },
  }, async (request) => {
    const imp = await findImport(app.db, request.shop.shopId, request.params.id)
    const { page, limit, problems } = request.query
    const { items, total } = await listImportLines(app.db, imp, { page, limit, problemsOnly: problems === 'true' })
    return {
      items: items.map((r) => ({ line: r.line, status: r.status, reason: r.reason, warning: r.warning, phone: r.phoneE164, name: r.name, raw: r.raw, appliedAt: iso(lineAppliedAt(imp, r)) })),
      total,
    }
  })

  app.get('/imports/:id/errors.csv', {
    schema: { summary: 'Every rejected, skipped or warned line with its line number and reason (CSV, BOM)', tags: ['imports'], params: idParams },
  }, async (request, reply) => {
    const imp = await findImport(app.db, request.shop.shopId, request.params.id)
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="bao-cao-loi-${imp.id}.csv"`)
      .send(Readable.from(errorReport(app.db, imp)))
  })

  app.post('/imports/:id/confirm', {
    schema: { summary: 'Start applying a previewed import (background job)', tags: ['imports'], params: idParams, response: { 202: importSchema } },
  }, async (request, reply) => {
    const imp = await findImport(app.db, request.shop.shopId, request.params.id)
    const updated = await confirmImport(app.db, imp, request.shop.userId, app.clock())
    if (!updated) throw new ConflictError(`Chỉ xác nhận được lần nhập đang chờ xác nhận; lần nhập này ${STATUS_LABEL[imp.status] ?? imp.status}`)
    await enqueue(fastify, APPLY_QUEUE, { shopId: imp.shopId, importId: imp.id })
    return reply.code(202).send(importView(updated))
  })

  app.post('/imports/:id/undo', {
    schema: { summary: 'Undo a finished import with compensating entries (background job)', tags: ['imports'], params: idParams, response: { 202: importSchema } },
  }, async (request, reply) => {
    const imp = await findImport(app.db, request.shop.shopId, request.params.id)
    const updated = await startUndo(app.db, imp, request.shop.userId)
    if (!updated) throw new ConflictError(`Chỉ hoàn tác được lần nhập đã hoàn tất; lần nhập này ${STATUS_LABEL[imp.status] ?? imp.status}`)
    await enqueue(fastify, UNDO_QUEUE, { shopId: imp.shopId, importId: imp.id })
    return reply.code(202).send(importView(updated))
  })
}
