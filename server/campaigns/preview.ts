// Before sending: the campaign rendered for a member the merchant picks, and the counts and estimate of its audience.
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { campaignSettings, emailSettings } from '../../db/schema/index.ts'
import { NotFoundError } from '../errors.ts'
import { countRecentEmails } from '../messaging/log.ts'
import { DAY_MS } from '../messaging/rules.ts'
import { createUnsubscribeToken, unsubscribeKey } from '../messaging/unsubscribe-token.ts'
import { getTiers } from '../loyalty/tiers.ts'
import { audienceWhere, channelCounts, emailEta, smsPartsOf, type Estimate } from './audience.ts'
import { codeWindow, promoDescription } from './codes.ts'
import { isAutomatic, messageKind, type Audience, type Channel, type CampaignType, type Promo } from './definition.ts'
import { loadRecipients, MEMBER_ONLY_VARIABLES, recipientValues, type Offer } from './personalise.ts'
import { templateVariables } from './template.ts'
import { renderCampaign, type CampaignContent, type Rendered } from './render.ts'

export interface ShopInfo { shopId: string, name: string, timezone: string }
export interface PreviewDeps { db: Db, clock: () => Date, appUrl: string, sessionSecret: string }

export function unsubscribeUrlFor (deps: Pick<PreviewDeps, 'appUrl' | 'sessionSecret'>, shopId: string, customerId: number, now: Date) {
  const key = unsubscribeKey(deps.sessionSecret)
  return (channel: Channel) => `${deps.appUrl.replace(/\/$/, '')}/u/${createUnsubscribeToken(key, { shopId, customerId, channel }, now)}`
}

/** The sample code a preview shows: the real ones are made per recipient when their batch is sent. */
export function sampleOffer (promo: Promo, now: Date, timeZone: string): Offer {
  return { code: 'CD-XXXXXXXX', endsAt: codeWindow(promo, now, timeZone).endsAt, description: promoDescription(promo) }
}

export async function previewForMember (deps: PreviewDeps, shop: ShopInfo, c: CampaignContent & { promo: Promo | null }, customerId: number): Promise<Rendered> {
  const [recipient] = await loadRecipients(deps.db, shop.shopId, [customerId])
  if (!recipient) throw new NotFoundError('Không tìm thấy khách hàng (customer not found)')
  const now = deps.clock()
  const values = recipientValues(recipient, { shopName: shop.name, tiers: await getTiers(deps.db, shop.shopId), timeZone: shop.timezone },
    c.promo ? sampleOffer(c.promo, now, shop.timezone) : undefined)
  return renderCampaign(c, values, unsubscribeUrlFor(deps, shop.shopId, customerId, now))
}

export async function smsPricePerPart (db: Db, shopId: string): Promise<number> {
  const [row] = await db.select().from(campaignSettings).where(eq(campaignSettings.shopId, shopId))
  return row?.smsPricePerPart ?? 800
}

/** Typical values for measuring SMS parts: a long-ish name and the real code's length. */
const TYPICAL = { ten: 'Phương', ho_ten: 'Nguyễn Thị Phương', diem: '1.250', hang: 'Vàng', hang_tiep_theo: 'Kim cương', diem_len_hang: '2.500.000', ma_giam_gia: 'CD-XXXXXXXX', han_su_dung: '31/12/2026', ten_cua_hang: '', ngay_sinh: '24/12', uu_dai: 'Giảm 50.000 ₫' }

export async function estimateCampaign (
  deps: PreviewDeps, shop: ShopInfo, c: { type: CampaignType, channels: Channel[], audience: Audience, sms: { text: string } | null, email: { subject: string, html: string } | null },
): Promise<Estimate> {
  const now = deps.clock()
  const membersOnly = isAutomatic(c.type)
  const where = await audienceWhere(deps.db, { shopId: shop.shopId, now, timeZone: shop.timezone }, c.audience)
  const counts = await channelCounts(deps.db, where, c.channels, messageKind(c.type), now, membersOnly)
  const used = new Set([c.email?.subject, c.email?.html, c.sms?.text].flatMap(text => (text ? templateVariables(text) : [])))
  const out: Estimate = {
    audience: counts.audience,
    nonMembers: counts.nonMembers,
    memberOnlyVariables: counts.nonMembers > 0 && !membersOnly ? MEMBER_ONLY_VARIABLES.filter(v => used.has(v)) : [],
  }
  if (counts.email) {
    const [settings] = await deps.db.select({ dailyLimit: emailSettings.dailyLimit }).from(emailSettings).where(eq(emailSettings.shopId, shop.shopId))
    const used = settings ? await countRecentEmails(deps.db, shop.shopId, new Date(now.getTime() - DAY_MS)) : 0
    out.email = { ...counts.email, ...emailEta(counts.email.messages, settings?.dailyLimit ?? null, used, now) }
  }
  if (counts.sms) {
    const rendered = renderCampaign({ ...c, channels: ['sms'] }, { ...TYPICAL, ten_cua_hang: shop.name }, () => `${deps.appUrl.replace(/\/$/, '')}/u/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`)
    const { parts, unicode } = rendered.sms ? smsPartsOf(rendered.sms.text) : { parts: 0, unicode: false }
    const pricePerPart = await smsPricePerPart(deps.db, shop.shopId)
    out.sms = { ...counts.sms, parts, unicode, pricePerPart, cost: counts.sms.messages * parts * pricePerPart }
  }
  return out
}
