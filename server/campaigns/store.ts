// Campaign rows: create and edit drafts, read one or a page, and the API view (definition + status + stats).
import { randomUUID } from 'node:crypto'
import { and, count, desc, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { campaigns } from '../../db/schema/index.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { findSegment } from '../segments/store.ts'
import { checkDefinition, type CampaignInput } from './definition.ts'
import { campaignStats, emptyStats, type CampaignStats } from './results.ts'

export type CampaignRow = typeof campaigns.$inferSelect

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function findCampaign (db: Db, shopId: string, id: string): Promise<CampaignRow> {
  if (!UUID.test(id)) throw new NotFoundError('Không tìm thấy chiến dịch (campaign not found)')
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, id)))
  if (!row) throw new NotFoundError('Không tìm thấy chiến dịch (campaign not found)')
  return row
}

/** Everything a definition must satisfy before it is stored: its own rules and a group of this shop. */
async function validate (db: Db, shopId: string, input: CampaignInput): Promise<void> {
  checkDefinition(input)
  if ('segmentId' in input.audience) await findSegment(db, shopId, input.audience.segmentId)
}

function columns (input: CampaignInput) {
  return {
    name: input.name,
    type: input.type,
    channels: input.channels,
    audience: input.audience as Record<string, unknown>,
    // Content of a channel not chosen is dropped: what is stored is what would be sent.
    email: input.channels.includes('email') ? input.email ?? null : null,
    sms: input.channels.includes('sms') ? input.sms ?? null : null,
    promo: (input.promo ?? null) as Record<string, unknown> | null,
    trigger: (input.trigger ?? null) as Record<string, unknown> | null,
  }
}

export async function createCampaign (db: Db, shopId: string, input: CampaignInput, actor: string, now: Date): Promise<CampaignRow> {
  await validate(db, shopId, input)
  const [row] = await db.insert(campaigns).values({ shopId, id: randomUUID(), ...columns(input), status: 'draft', createdBy: actor, createdAt: now, updatedAt: now }).returning()
  return row!
}

/** PUT edits a draft only: a campaign that started has recipients and messages that must keep matching it. */
export async function updateCampaign (db: Db, shopId: string, id: string, input: CampaignInput, now: Date): Promise<CampaignRow> {
  await findCampaign(db, shopId, id)
  await validate(db, shopId, input)
  const [row] = await db.update(campaigns).set({ ...columns(input), hold: null, updatedAt: now })
    .where(and(eq(campaigns.shopId, shopId), eq(campaigns.id, id), eq(campaigns.status, 'draft'))).returning()
  if (!row) throw new ConflictError('Chỉ sửa được chiến dịch ở trạng thái nháp (only a draft can be edited)')
  return row
}

export function campaignView (row: CampaignRow, stats: CampaignStats) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    status: row.status,
    channels: row.channels as ('email' | 'sms')[],
    audience: row.audience,
    email: row.email ?? null,
    sms: row.sms ?? null,
    promo: row.promo ?? null,
    trigger: row.trigger ?? null,
    sendAt: row.sendAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    lastSentAt: row.lastSentAt?.toISOString() ?? null,
    hold: row.hold,
    stats,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
export type CampaignView = ReturnType<typeof campaignView>

export async function getCampaignView (db: Db, shopId: string, id: string): Promise<CampaignView> {
  const row = await findCampaign(db, shopId, id)
  const stats = await campaignStats(db, shopId, [row])
  return campaignView(row, stats.get(row.id) ?? emptyStats())
}

export async function listCampaigns (db: Db, shopId: string, page: number, limit: number): Promise<{ items: CampaignView[], total: number }> {
  const where = eq(campaigns.shopId, shopId)
  const [rows, [total]] = await Promise.all([
    db.select().from(campaigns).where(where).orderBy(desc(campaigns.createdAt), desc(campaigns.id)).limit(limit).offset((page - 1) * limit),
    db.select({ n: count() }).from(campaigns).where(where),
  ])
  const stats = await campaignStats(db, shopId, rows)
  return { items: rows.map(r => campaignView(r, stats.get(r.id) ?? emptyStats())), total: Number(total?.n ?? 0) }
}
