// Campaign lifecycle: start (snapshot + the discount-scope probe), pause, resume, cancel, test sends; the jobs that run them.
import { randomUUID } from 'node:crypto'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type PgBoss from 'pg-boss'
import { queryRows } from '../../db/client.ts'
import { campaignRecipients, campaigns } from '../../db/schema/index.ts'
import { BadRequestError, ConflictError, UnprocessableError } from '../errors.ts'
import { getEmailSettings, getSmsSettings } from '../messaging/settings.ts'
import { normalizeVietnamPhone } from '../loyalty/phone.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { AUDIENCE_FROM, audienceWhere } from './audience.ts'
import { createCodes, newCampaignCode, scopeRefusedMessage } from './codes.ts'
import { isAutomatic, type Audience, type Channel, type Promo } from './definition.ts'
import { loadRecipients, recipientValues, type Recipient } from './personalise.ts'
import { sampleOffer, type ShopInfo } from './preview.ts'
import { renderCampaign } from './render.ts'
import { runCampaign, type RunDeps } from './run.ts'
import { findCampaign } from './store.ts'

export const SEND_QUEUE = 'campaigns.send'
export const TICK_QUEUE = 'campaigns.tick'
export interface SendJob { shopId: string, campaignId: string }

export interface EngineDeps extends RunDeps {
  boss: PgBoss | null
  /** a sandbox app sends a shop's email to DATA_DIR/outbox when it has no SMTP of its own */
  sandbox: boolean
  appUrl: string
}

export async function enqueueSend (boss: PgBoss | null, job: SendJob, startAfter?: Date): Promise<void> {
  if (!boss) return
  // One queued and one running job per campaign (queue policy 'stately'); the claims make overlap harmless anyway.
  await boss.send(SEND_QUEUE, job, { singletonKey: job.campaignId, startAfter: startAfter && startAfter > new Date() ? startAfter : undefined, retryLimit: 20, retryDelay: 30, retryBackoff: true, expireInSeconds: 30 * 60 })
}

async function checkChannels (deps: EngineDeps, shopId: string, channels: Channel[]): Promise<void> {
  if (channels.includes('email') && !deps.sandbox && !(await getEmailSettings(deps.db, shopId)).configured) {
    throw new BadRequestError('channels: kênh email chưa được cấu hình (Cấu hình → Tin nhắn)')
  }
  if (channels.includes('sms') && !(await getSmsSettings(deps.db, shopId)).configured) {
    throw new BadRequestError('channels: kênh SMS chưa được cấu hình (Cấu hình → Tin nhắn)')
  }
}

const guarded = (shopId: string, id: string, from: readonly (typeof campaigns.$inferSelect.status)[]) =>
  and(eq(campaigns.shopId, shopId), eq(campaigns.id, id), inArray(campaigns.status, [...from]))

export function createCampaignEngine (deps: EngineDeps) {
  const { db } = deps

  /** One-off: snapshot the audience, probe the discount scope with the first code, then send (now or at sendAt). */
  async function start (shop: ShopInfo, id: string, sendAt: Date | undefined, actor: string): Promise<void> {
    const c = await findCampaign(db, shop.shopId, id)
    if (c.status !== 'draft') throw new ConflictError('Chiến dịch đã được bắt đầu (campaign already started)')
    await checkChannels(deps, shop.shopId, c.channels as Channel[])
    const now = deps.clock()
    if (isAutomatic(c.type)) {
      const [row] = await db.update(campaigns).set({ status: 'active', startedAt: now, hold: null, cursor: {}, nextRunAt: now, createdBy: c.createdBy ?? actor, updatedAt: now })
        .where(guarded(shop.shopId, id, ['draft'])).returning()
      if (!row) throw new ConflictError('Chiến dịch đã được bắt đầu (campaign already started)')
      await deps.boss?.send(TICK_QUEUE, { shopId: shop.shopId, campaignId: id })
      return
    }
    const later = sendAt && sendAt > now
    const where = await audienceWhere(db, { shopId: shop.shopId, now, timeZone: shop.timezone }, c.audience as Audience)
    await db.transaction(async (tx) => {
      const [row] = await tx.update(campaigns).set({ status: later ? 'scheduled' : 'sending', sendAt: sendAt ?? now, startedAt: now, hold: null, updatedAt: now })
        .where(guarded(shop.shopId, id, ['draft'])).returning({ id: campaigns.id })
      if (!row) throw new ConflictError('Chiến dịch đã được bắt đầu (campaign already started)')
      // The recipients are who the audience holds now (members or not): later joiners are not added, leavers still get it.
      await tx.execute(sql`insert into campaign_recipients (shop_id, campaign_id, customer_id, occurrence, status, due_at, code_status)
        select c.shop_id, ${id}::uuid, c.id, 'once', 'queued', ${(sendAt ?? now).toISOString()}::timestamptz, ${c.promo ? 'pending' : 'none'}
        from ${AUDIENCE_FROM} where ${where}
        on conflict do nothing`)
    })
    if (c.promo) await probeScope(shop, id, c.promo as Promo)
    await enqueueSend(deps.boss, { shopId: shop.shopId, campaignId: id }, later ? sendAt : undefined)
  }

  /** The first recipient's code, created before anyone is sent anything: a refused scope undoes the start. */
  async function probeScope (shop: ShopInfo, id: string, promo: Promo): Promise<void> {
    const [first] = await db.select().from(campaignRecipients).where(and(eq(campaignRecipients.shopId, shop.shopId), eq(campaignRecipients.campaignId, id))).limit(1)
    if (!first) return
    const code = first.code ?? newCampaignCode()
    await db.update(campaignRecipients).set({ code, codeStatus: 'pending' })
      .where(and(eq(campaignRecipients.shopId, shop.shopId), eq(campaignRecipients.campaignId, id), eq(campaignRecipients.customerId, first.customerId), eq(campaignRecipients.occurrence, first.occurrence)))
    const outcome = await createCodes({ db, client: deps.codes, clock: deps.clock }, shop.shopId, id, promo, shop.timezone, [{ customerId: first.customerId, occurrence: first.occurrence, code }])
    if (!outcome.refused) return
    const message = scopeRefusedMessage()
    await db.transaction(async (tx) => {
      await tx.delete(campaignRecipients).where(and(eq(campaignRecipients.shopId, shop.shopId), eq(campaignRecipients.campaignId, id)))
      await tx.update(campaigns).set({ status: 'draft', startedAt: null, sendAt: null, hold: message, updatedAt: deps.clock() }).where(and(eq(campaigns.shopId, shop.shopId), eq(campaigns.id, id)))
    })
    throw new ConflictError(message)
  }

  async function pause (shop: ShopInfo, id: string): Promise<void> {
    await findCampaign(db, shop.shopId, id)
    const [row] = await db.update(campaigns).set({ status: 'paused', updatedAt: deps.clock() }).where(guarded(shop.shopId, id, ['scheduled', 'sending', 'active'])).returning({ id: campaigns.id })
    if (!row) throw new ConflictError('Chỉ tạm dừng được chiến dịch đang gửi, đã lên lịch hoặc đang bật')
  }

  async function resume (shop: ShopInfo, id: string): Promise<void> {
    const c = await findCampaign(db, shop.shopId, id)
    const now = deps.clock()
    const status = isAutomatic(c.type) ? 'active' : c.sendAt && c.sendAt > now ? 'scheduled' : 'sending'
    const [row] = await db.update(campaigns).set({ status, hold: null, updatedAt: now, ...(status === 'active' ? { nextRunAt: now } : {}) }).where(guarded(shop.shopId, id, ['paused'])).returning({ id: campaigns.id })
    if (!row) throw new ConflictError('Chỉ tiếp tục được chiến dịch đang tạm dừng')
    await enqueueSend(deps.boss, { shopId: shop.shopId, campaignId: id }, status === 'scheduled' ? c.sendAt ?? undefined : undefined)
  }

  async function cancel (shop: ShopInfo, id: string): Promise<void> {
    await findCampaign(db, shop.shopId, id)
    const now = deps.clock()
    await db.transaction(async (tx) => {
      const [row] = await tx.update(campaigns).set({ status: 'cancelled', finishedAt: now, updatedAt: now })
        .where(guarded(shop.shopId, id, ['draft', 'scheduled', 'sending', 'active', 'paused'])).returning({ id: campaigns.id })
      if (!row) throw new ConflictError('Chiến dịch đã kết thúc hoặc đã huỷ')
      await tx.update(campaignRecipients).set({ status: 'cancelled', reason: 'campaign_cancelled', doneAt: now })
        .where(and(eq(campaignRecipients.shopId, shop.shopId), eq(campaignRecipients.campaignId, id), eq(campaignRecipients.status, 'queued')))
    })
  }

  /** One message per given channel to the merchant, rendered for a member (the first of the audience by default). */
  async function testSend (shop: ShopInfo, id: string, to: { email?: string, phone?: string, customerId?: number }): Promise<{ email?: boolean, sms?: boolean }> {
    const c = await findCampaign(db, shop.shopId, id)
    if (!to.email && !to.phone) throw new BadRequestError('Cần email hoặc số điện thoại để gửi thử')
    const now = deps.clock()
    let who: Recipient | undefined
    if (to.customerId) [who] = await loadRecipients(db, shop.shopId, [to.customerId])
    if (!who) {
      const [first] = await queryRows<{ customer_id: unknown }>(db, sql`select customer_id from members where shop_id = ${shop.shopId} order by customer_id limit 1`)
      if (first) [who] = await loadRecipients(db, shop.shopId, [Number(first.customer_id)])
    }
    const sample: Recipient = who ?? { customerId: 0, fullName: 'Nguyễn Văn An', firstName: null, email: null, phone: null, acceptsMarketing: true, pointsAvailable: 120, rankPoints: 0, tierId: null, birthday: null, isMember: true }
    const values = recipientValues(sample, { shopName: shop.name, tiers: await getTiers(db, shop.shopId), timeZone: shop.timezone }, c.promo ? sampleOffer(c.promo as Promo, now, shop.timezone) : undefined)
    // Test messages are the merchant's own: sent as customer care (no consent record needed), the SMS framed as it will go out.
    const rendered = renderCampaign(c, values, () => `${deps.appUrl.replace(/\/$/, '')}/u/thu-nghiem`)
    const out: { email?: boolean, sms?: boolean } = {}
    const source = { type: 'test', id: randomUUID() }
    if (to.email && rendered.email) {
      const r = await deps.messaging.send({ shopId: shop.shopId, channel: 'email', kind: 'care', to: to.email, source, email: { ...rendered.email, subject: `[Gửi thử] ${rendered.email.subject}` } })
      if (r.status !== 'sent') throw new UnprocessableError(`Gửi thử email không thành công: ${'reason' in r ? r.reason : r.status}`)
      out.email = true
    }
    if (to.phone && rendered.sms) {
      const phone = normalizeVietnamPhone(to.phone)
      if (!phone.ok) throw new BadRequestError(`phone: số điện thoại không hợp lệ (${phone.reason})`)
      const r = await deps.messaging.send({ shopId: shop.shopId, channel: 'sms', kind: 'care', to: phone.e164, source, sms: { text: rendered.sms.text } })
      if (r.status !== 'sent') throw new UnprocessableError(`Gửi thử SMS không thành công: ${'reason' in r ? r.reason : r.status}`)
      out.sms = true
    }
    return out
  }

  return { start, pause, resume, cancel, testSend, run: (shopId: string, id: string) => runCampaign(deps, shopId, id) }
}
export type CampaignEngine = ReturnType<typeof createCampaignEngine>
