// Saved customer groups (Nhóm khách hàng): read by id within a shop (another shop's id is simply not found), listed,
// created, overwritten and deleted, each change with its activity-log row in the same transaction.
import { randomUUID } from 'node:crypto'
import { and, asc, eq, ne } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { segments } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { Definition } from '../../api-types/segments.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export type SegmentRow = typeof segments.$inferSelect
export interface SegmentInput { name: string, definition: Definition }
/** Who saves and when: the merchant's Haravan user id and the app clock's now. */
export interface SegmentChange { actor: string, now: Date }

export async function findSegment (db: Db, shopId: string, id: string) {
  if (!UUID.test(id)) throw new NotFoundError('Không tìm thấy nhóm khách hàng')
  const [row] = await db.select().from(segments).where(and(eq(segments.shopId, shopId), eq(segments.id, id))).limit(1)
  if (!row) throw new NotFoundError('Không tìm thấy nhóm khách hàng')
  return row
}

/** The definition of `segment=<id>` for a list, or undefined when the parameter is absent. */
export async function segmentDefinition (db: Db, shopId: string, id: string | undefined): Promise<unknown> {
  if (!id) return undefined
  return (await findSegment(db, shopId, id)).definition
}

export async function listSegments (db: Db, shopId: string): Promise<SegmentRow[]> {
  return db.select().from(segments).where(eq(segments.shopId, shopId)).orderBy(asc(segments.name))
}

const duplicateName = (name: string) => new ConflictError(`Tên nhóm khách hàng "${name}" đã tồn tại. Hãy chọn tên khác hoặc lưu đè lên nhóm đó.`)

function isUniqueViolation (err: unknown): boolean {
  for (let e = err as { code?: string, cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true
  }
  return false
}

/** Throws the 409 when another group of the shop (not exceptId) already has this name. */
export async function checkSegmentName (db: Db, shopId: string, name: string, exceptId?: string): Promise<void> {
  const [row] = await db.select({ id: segments.id }).from(segments)
    .where(and(eq(segments.shopId, shopId), eq(segments.name, name), exceptId ? ne(segments.id, exceptId) : undefined)).limit(1)
  if (row !== undefined) throw duplicateName(name)
}

export async function createSegment (db: Db, shopId: string, input: SegmentInput, change: SegmentChange): Promise<SegmentRow> {
  const { name, definition } = input
  const { actor, now } = change
  await checkSegmentName(db, shopId, name)
  return db.transaction(async (tx) => {
    const [created] = await tx.insert(segments).values({ shopId, id: randomUUID(), name, definition, createdBy: actor, createdAt: now, updatedAt: now }).returning()
    await logActivity(tx, shopId, { actor, action: 'segment.created', subject: created!.id, details: { name } }, now)
    return created!
  }).catch((err: unknown) => { throw isUniqueViolation(err) ? duplicateName(name) : err })
}

export async function updateSegment (db: Db, shopId: string, existing: SegmentRow, input: SegmentInput, change: SegmentChange): Promise<SegmentRow> {
  const { name, definition } = input
  const { actor, now } = change
  await checkSegmentName(db, shopId, name, existing.id)
  return db.transaction(async (tx) => {
    const [updated] = await tx.update(segments).set({ name, definition, updatedAt: now })
      .where(and(eq(segments.shopId, shopId), eq(segments.id, existing.id))).returning()
    await logActivity(tx, shopId, { actor, action: 'segment.updated', subject: existing.id, details: { name, previousName: existing.name } }, now)
    return updated!
  }).catch((err: unknown) => { throw isUniqueViolation(err) ? duplicateName(name) : err })
}

export async function deleteSegment (db: Db, shopId: string, existing: SegmentRow, change: SegmentChange): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(segments).where(and(eq(segments.shopId, shopId), eq(segments.id, existing.id)))
    await logActivity(tx, shopId, { actor: change.actor, action: 'segment.deleted', subject: existing.id, details: { name: existing.name } }, change.now)
  })
}
