// The campaign definition (CONTRACT.md "Campaign definitions"): its zod schema and the checks zod cannot express.
import { z } from 'zod'
import { CAMPAIGN_CHANNELS, CAMPAIGN_TYPES } from '../../db/schema/index.ts'
import { BadRequestError } from '../errors.ts'
import { BUILTIN_FILTER_NAMES } from '../segments/compile.ts'
import { templateVariables, unknownVariables } from './template.ts'

export type CampaignType = typeof CAMPAIGN_TYPES[number]
export type Channel = typeof CAMPAIGN_CHANNELS[number]
export const AUTOMATIC_TYPES: readonly CampaignType[] = ['birthday', 'thank_you', 'reminder']
export const isAutomatic = (type: CampaignType) => AUTOMATIC_TYPES.includes(type)
// Thank-you notes are customer care (every member who has not refused); the rest advertise (Decree 91/2020).
export const messageKind = (type: CampaignType): 'advertising' | 'care' => type === 'thank_you' ? 'care' : 'advertising'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'ngày dạng yyyy-mm-dd')

export const audienceSchema = z.union([
  z.object({ segmentId: z.string().uuid() }).strict(),
  z.object({ filter: z.enum(BUILTIN_FILTER_NAMES) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
])
export type Audience = z.infer<typeof audienceSchema>

export const promoSchema = z.object({
  discountType: z.enum(['fixed_amount', 'percentage', 'free_shipping']),
  value: z.number().int().min(0).max(1_000_000_000).default(0),
  validFrom: day.nullish(),
  validTo: day.nullish(),
  // Automatic kinds give each code its own window: valid this many days from when it is sent.
  validDays: z.number().int().min(1).max(365).nullish(),
  minimumOrder: z.number().int().min(0).max(10_000_000_000).default(0),
})
export type Promo = z.infer<typeof promoSchema>

export const triggerSchema = z.union([
  z.object({ daysBefore: z.number().int().min(0).max(30) }).strict(),
  z.object({ delayHours: z.number().int().min(0).max(720), on: z.enum(['paid', 'fulfilled']).default('paid') }).strict(),
  z.object({ afterDays: z.number().int().min(1).max(3650) }).strict(),
])
export type Trigger = z.infer<typeof triggerSchema>

export const campaignInput = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(CAMPAIGN_TYPES),
  channels: z.array(z.enum(CAMPAIGN_CHANNELS)).min(1).max(2),
  audience: audienceSchema.default({ all: true }),
  email: z.object({ subject: z.string().trim().min(1).max(300), html: z.string().min(1).max(200_000) }).nullish(),
  sms: z.object({ text: z.string().trim().min(1).max(1600) }).nullish(),
  promo: promoSchema.nullish(),
  trigger: triggerSchema.nullish(),
})
export type CampaignInput = z.infer<typeof campaignInput>

/** Which trigger shape each automatic kind takes. */
function triggerFits (type: CampaignType, trigger: Trigger): boolean {
  if (type === 'birthday') return 'daysBefore' in trigger
  if (type === 'thank_you') return 'delayHours' in trigger
  return 'afterDays' in trigger
}

/** The cross-field rules: content per channel, promo and trigger per kind, known variables only. */
export function checkDefinition (c: CampaignInput): void {
  const channels = new Set(c.channels)
  if (channels.size !== c.channels.length) throw new BadRequestError('channels: mỗi kênh chỉ chọn một lần')
  if (channels.has('email') && !c.email) throw new BadRequestError('email: cần tiêu đề và nội dung email cho kênh email')
  if (channels.has('sms') && !c.sms) throw new BadRequestError('sms: cần nội dung SMS cho kênh SMS')
  if (c.type === 'promo' && !c.promo) throw new BadRequestError('promo: chiến dịch khuyến mãi cần mã giảm giá')
  if (c.type === 'announcement' && c.promo) throw new BadRequestError('promo: chiến dịch gửi thông báo không kèm mã giảm giá (chọn loại khuyến mãi)')
  if (c.promo) {
    const p = c.promo
    if (p.discountType === 'percentage' && (p.value < 1 || p.value > 100)) throw new BadRequestError('promo.value: phần trăm giảm từ 1 đến 100')
    if (p.discountType === 'fixed_amount' && p.value < 1000) throw new BadRequestError('promo.value: số tiền giảm tối thiểu 1.000 ₫')
    if (isAutomatic(c.type) && !p.validDays) throw new BadRequestError('promo.validDays: chiến dịch tự động cần số ngày hiệu lực của mã')
    if (!isAutomatic(c.type)) {
      if (!p.validFrom || !p.validTo) throw new BadRequestError('promo.validFrom, promo.validTo: cần thời gian áp dụng của mã')
      if (p.validTo < p.validFrom) throw new BadRequestError('promo.validTo: ngày kết thúc trước ngày bắt đầu')
    }
  }
  if (isAutomatic(c.type)) {
    if (!c.trigger) throw new BadRequestError(`trigger: chiến dịch tự động ${c.type} cần điều kiện gửi`)
    if (!triggerFits(c.type, c.trigger)) throw new BadRequestError(`trigger: điều kiện gửi không hợp với loại ${c.type}`)
  } else if (c.trigger) {
    throw new BadRequestError(`trigger: chiến dịch ${c.type} không có điều kiện gửi tự động`)
  }
  const texts: [string, string][] = []
  if (channels.has('email') && c.email) texts.push(['email.subject', c.email.subject], ['email.html', c.email.html])
  if (channels.has('sms') && c.sms) texts.push(['sms.text', c.sms.text])
  for (const [where, text] of texts) {
    const unknown = unknownVariables(text)
    if (unknown.length > 0) throw new BadRequestError(`${where}: biến không tồn tại {{${unknown[0]}}}`, unknown.map(v => ({ path: [where], message: `unknown variable {{${v}}}` })))
    if (!c.promo && templateVariables(text).some(v => v === 'ma_giam_gia' || v === 'han_su_dung' || v === 'uu_dai')) {
      throw new BadRequestError(`${where}: biến {{ma_giam_gia}}, {{han_su_dung}}, {{uu_dai}} chỉ dùng khi chiến dịch kèm mã giảm giá`)
    }
  }
}
