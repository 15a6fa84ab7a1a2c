// Saved customer groups (Nhóm khách hàng): read by id within a shop; another shop's id is simply not found.
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { segments } from '../../db/schema/index.ts'
import { NotFoundError } from '../errors.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

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
