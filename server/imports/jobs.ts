// Background work of imports (pg-boss): apply after confirm, undo; the merchant is mailed when an apply finishes.
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../db/client.ts'
import { shops } from '../../db/schema/index.ts'
import type { Mailer } from '../mail.ts'
import { applyImport, type ImportRow } from './apply.ts'
import { undoImport } from './undo.ts'

export const APPLY_QUEUE = 'imports.apply'
export const UNDO_QUEUE = 'imports.undo'

export interface ImportJob { shopId: string, importId: string }

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const n = (v: unknown) => Number(v ?? 0).toLocaleString('vi-VN')

/** The "import finished" mail: counts and a link back to the admin page. */
export function finishedMail (imp: ImportRow, shopName: string, appUrl: string): { subject: string, text: string, html: string } {
  const r = imp.result ?? {}
  const opening = imp.kind === 'opening_balance'
  const subject = opening ? 'Nhập dữ liệu đầu kỳ hoàn tất' : 'Điều chỉnh điểm hàng loạt hoàn tất'
  const link = `${appUrl}/settings/import?id=${imp.id}`
  const lines = [
    `Cửa hàng: ${shopName}`,
    `File: ${imp.fileName ?? '—'}`,
    `Số dòng trong file: ${n(r.rows)}`,
    `Đã cập nhật: ${n(r.applied)} khách hàng`,
    ...(opening ? [`Đã nhập trước đó (bỏ qua): ${n(r.alreadyImported)}`] : []),
    `Không tìm thấy khách hàng: ${n(r.notFound)}`,
    `Dòng không hợp lệ: ${n(r.invalid)}`,
    `Dòng trùng số điện thoại: ${n(r.duplicates)}`,
    `Tổng điểm thưởng: ${n(r.points)}`,
    ...(opening ? [`Tổng điểm xếp hạng: ${n(r.rankPoints)}`] : []),
  ]
  const text = `${subject}.\n\n${lines.join('\n')}\n\nXem chi tiết và tải báo cáo lỗi: ${link}\n\nTích Điểm`
  const html = `<p><strong>${escapeHtml(subject)}.</strong></p><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` +
    `<p><a href="${escapeHtml(link)}">Xem chi tiết và tải báo cáo lỗi</a></p><p>Tích Điểm</p>`
  return { subject, text, html }
}

export async function notifyFinished (db: Db, mailer: Mailer, appUrl: string, imp: ImportRow): Promise<boolean> {
  const [shop] = await db.select({ email: shops.email, name: shops.name }).from(shops).where(eq(shops.shopId, imp.shopId))
  if (!shop?.email) return false
  await mailer.sendMail({ to: shop.email, ...finishedMail(imp, shop.name, appUrl) })
  return true
}

export async function registerImportJobs (app: FastifyInstance): Promise<void> {
  const boss = app.boss
  if (!boss) return
  await boss.createQueue(APPLY_QUEUE)
  await boss.createQueue(UNDO_QUEUE)
  const opts = { now: app.clock }
  await boss.work<ImportJob>(APPLY_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return
    const done = await applyImport(app.db, job.data.shopId, job.data.importId, opts)
    if (done) {
      // The import is done whatever happens to the mail; a failed mail is logged, not retried into a second apply.
      // The shop's own SMTP when it has one (Cấu hình → Tin nhắn), else the app's mailer.
      await notifyFinished(app.db, app.messaging.shopMailer(done.shopId), app.config.appUrl, done)
        .catch((err: unknown) => app.log.error({ err, importId: done.id }, 'import finished mail failed'))
    }
  })
  await boss.work<ImportJob>(UNDO_QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    if (!job) return
    await undoImport(app.db, job.data.shopId, job.data.importId, opts)
  })
}

export async function enqueue (app: FastifyInstance, queue: string, data: ImportJob): Promise<void> {
  if (!app.boss) {
    app.log.warn({ queue, ...data }, 'no job queue: the import waits until a worker runs it')
    return
  }
  // Retried after a crash or error: every run resumes from the rows still to do.
  await app.boss.send(queue, data, { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 * 60 })
}
