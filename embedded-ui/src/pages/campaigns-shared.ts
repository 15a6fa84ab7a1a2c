// Types and labels shared by the campaign pages (list, wizard, campaign page).
import { ApiError } from '../api.ts'
import { formatDateTime, formatNumber, formatVnd } from '../format.ts'
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
  /** customers in the audience, members or not */
  audience: number
  nonMembers: number
  /** member-only variables the templates use: empty for a non-member */
  memberOnlyVariables: string[]
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

type Tone = 'info' | 'success' | 'warning' | 'critical' | 'attention'
const STATUS_TONES: Record<string, Tone | undefined> = { scheduled: 'info', sending: 'attention', sent: 'success', active: 'success', paused: 'warning', cancelled: 'critical' }
const MESSAGE_TONES: Record<string, Tone | undefined> = { queued: 'info', sent: 'success', failed: 'critical', skipped: 'warning', unknown: 'attention' }
export const statusTone = (s: string): Tone | undefined => STATUS_TONES[s]
export const messageTone = (s: string): Tone | undefined => MESSAGE_TONES[s]

/**
 * The server names the field first in a definition's 400 ("email.subject: biến không tồn tại {{x}}"): each named
 * field gets the sentence, so it shows under the control; an error naming no field stays on the page.
 */
export function fieldErrors (err: unknown): Record<string, string> | null {
  if (!(err instanceof ApiError) || err.statusCode !== 400) return null
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
  const m = /^([a-zA-Z.]+(?:, [a-zA-Z.]+)*): (.+)$/s.exec(err.message)
  if (m) return Object.fromEntries(m[1]!.split(', ').map(path => [path, capital(m[2]!)]))
  // The schema's own checks: issues with a path under the body (['body', 'promo', 'value']).
  const issues = (Array.isArray(err.issues) ? err.issues : []) as Array<{ path?: unknown[], message?: string }>
  const named = issues.filter(i => i.path?.[0] === 'body' && i.path.length > 1 && i.message)
  if (named.length === 0) return null
  return Object.fromEntries(named.map(i => [i.path!.slice(1).join('.'), capital(i.message!)]))
}

/** What starting a campaign will do, one line each, for the confirm dialog. */
export function startConsequences (e: Estimate, automatic: boolean): string[] {
  const lines = [e.nonMembers > 0
    ? t('campaigns.confirm.audienceCustomers', { count: formatNumber(e.audience), members: formatNumber(e.audience - e.nonMembers) })
    : t('campaigns.confirm.audience', { count: formatNumber(e.audience) })]
  if (e.nonMembers > 0) {
    const count = formatNumber(e.nonMembers)
    if (automatic) lines.push(t('campaigns.confirm.nonMembersAutomatic', { count }))
    else if (e.memberOnlyVariables.length > 0) lines.push(t('campaigns.confirm.nonMembers', { count, variables: e.memberOnlyVariables.map(v => `{{${v}}}`).join(', ') }))
    else lines.push(t('campaigns.confirm.nonMembersNoVariables', { count }))
  }
  if (e.email) lines.push(t('campaigns.confirm.email', { messages: formatNumber(e.email.messages), eligible: formatNumber(e.email.eligible), capped: formatNumber(e.email.capped), contact: formatNumber(e.email.withContact) }))
  if (e.sms) lines.push(t('campaigns.confirm.sms', { messages: formatNumber(e.sms.messages), parts: e.sms.parts, price: formatVnd(e.sms.pricePerPart), cost: formatVnd(e.sms.cost) }))
  if (automatic) lines.push(t('campaigns.schedule.automatic'))
  else if (e.email?.perDay && e.email.etaAt) lines.push(t('campaigns.confirm.etaAt', { perDay: formatNumber(e.email.perDay), days: e.email.days ?? 1, at: formatDateTime(e.email.etaAt) }))
  return lines
}

export const messageCount = (e: Estimate) => (e.email?.messages ?? 0) + (e.sms?.messages ?? 0)

export function errorText (err: unknown): string {
  if (err instanceof ApiError && Array.isArray(err.issues) && err.issues.length > 0) {
    return (err.issues as Array<{ message?: string, path?: unknown[] }>).map(i => `${(i.path ?? []).join('.')} ${i.message ?? ''}`.trim()).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}
