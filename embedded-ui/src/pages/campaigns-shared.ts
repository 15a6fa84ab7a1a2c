// Types and labels shared by the campaign pages (list, wizard, campaign page).
import { ApiError } from '../api.ts'
import { t, type MessageKey } from '../i18n.ts'

export type Kind = 'announcement' | 'promo' | 'birthday' | 'thank_you' | 'reminder'
export type Channel = 'email' | 'sms'
export const KINDS: Kind[] = ['announcement', 'promo', 'birthday', 'thank_you', 'reminder']
export const AUTOMATIC: Kind[] = ['birthday', 'thank_you', 'reminder']
export const FILTERS = ['last_7_days', 'last_30_days', 'inactive_31_days', 'registered', 'not_registered'] as const
export const VARIABLES = ['ten', 'ho_ten', 'diem', 'hang', 'diem_len_hang', 'hang_tiep_theo', 'ten_cua_hang', 'ngay_sinh', 'ma_giam_gia', 'han_su_dung', 'uu_dai'] as const
export const CODE_VARIABLES = ['ma_giam_gia', 'han_su_dung', 'uu_dai']

export type Audience = { all: true } | { segmentId: string } | { filter: typeof FILTERS[number] }
export interface Promo { discountType: 'fixed_amount' | 'percentage' | 'free_shipping', value: number, validFrom?: string | null, validTo?: string | null, validDays?: number | null, minimumOrder: number }
export interface Stats {
  recipients: number,
  queued: number,
  sent: number,
  failed: number,
  skipped: number,
  unknown: number,
  skippedByReason: Record<string, number>,
  unsubscribed: number,
  codesCreated: number,
  codesUsed: number,
  orders: number,
  revenue: number,
  attribution: 'code' | 'window'
}
export interface Campaign {
  id: string,
  name: string,
  type: Kind,
  status: string,
  channels: Channel[],
  audience: Audience,
  email: { subject: string, html: string } | null,
  sms: { text: string } | null,
  promo: Promo | null,
  trigger: Record<string, unknown> | null,
  sendAt: string | null,
  startedAt: string | null,
  finishedAt: string | null,
  lastSentAt: string | null,
  hold: string | null,
  stats: Stats
}
export interface ChannelEstimate { withContact: number, eligible: number, capped: number, messages: number }
export interface Estimate {
  audience: number
  email?: ChannelEstimate & { perDay: number | null, days: number | null, etaAt: string | null }
  sms?: ChannelEstimate & { parts: number, unicode: boolean, pricePerPart: number, cost: number }
}
export interface Segment { id: string, name: string, count: number }

export const kindLabel = (k: string) => t(`campaigns.kind.${k}` as MessageKey)
export const statusLabel = (s: string) => t(`campaigns.status.${s}` as MessageKey)
export const reasonLabel = (r: string | null) => (r ? (t(`campaigns.reason.${r}` as MessageKey) ?? r) : '')

export function audienceLabel (a: Audience, segments: Segment[] = []): string {
  if ('segmentId' in a) return `${t('campaigns.audience.segment')}: ${segments.find(s => s.id === a.segmentId)?.name ?? '…'}`
  if ('filter' in a) return t(`campaigns.filter.${a.filter}` as MessageKey)
  return t('campaigns.audience.all')
}

export function errorText (err: unknown): string {
  if (err instanceof ApiError && Array.isArray(err.issues) && err.issues.length > 0) {
    return (err.issues as Array<{ message?: string, path?: unknown[] }>).map(i => `${(i.path ?? []).join('.')} ${i.message ?? ''}`.trim()).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}
