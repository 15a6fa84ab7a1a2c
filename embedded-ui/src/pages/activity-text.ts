// Nhật ký hoạt động in words: action names, the actor as a name, and each action's details as a readable sentence.
import { formatNumber, formatSignedPoints } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import type { ActivityItem } from '../../../api-types/activity.ts'

export type ActivityEntry = ActivityItem

export const ACTION_GROUPS = ['member', 'segment', 'settings', 'import', 'reward', 'app'] as const
export const ACTIONS = [
  'member.activated', 'member.points.adjusted',
  'segment.created', 'segment.updated', 'segment.deleted',
  'settings.loyalty.updated', 'settings.tiers.updated', 'settings.rewards.options.updated', 'settings.rewards.automatic.updated',
  'import.opening_balance.applied', 'import.opening_balance.undone', 'import.point_adjustment.applied', 'import.point_adjustment.undone',
  'reward.issued', 'reward.held', 'reward.voided', 'reward.retried', 'reward.confirmed_manual',
  'app.installed', 'app.uninstalled',
] as const

const has = (key: string) => (t as (k: string) => string | undefined)(key) !== undefined
const tr = (key: string, params?: Record<string, string | number>) => t(key as MessageKey, params)

/** 'segment.created' → "Tạo nhóm khách hàng"; an action this build does not know reads as its group, never as a code. */
export function actionLabel (action: string): string {
  if (has(`action.${action}`)) return tr(`action.${action}`)
  const group = `action.${action.split('.')[0]}`
  return has(group) ? tr(group) : t('action.unknown')
}

export function actorKind (e: ActivityEntry): 'merchant' | 'haravan' | 'system' {
  if (e.actorKind) return e.actorKind
  if (e.actor === 'haravan') return 'haravan'
  if (!e.actor || e.actor === 'system') return 'system'
  return 'merchant'
}

export const actorLabel = (e: ActivityEntry) => t(`activity.actor.${actorKind(e)}` as MessageKey)

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v))

const SETTINGS_FIELDS: Record<string, MessageKey> = {
  earning: 'loyalty.earning', pendingDays: 'loyalty.pendingDays', expiry: 'loyalty.expiry', ranking: 'loyalty.ranking', autoActivate: 'loyalty.autoActivate',
}

function changedSettings (d: Record<string, unknown>): string {
  const before = (d.before ?? {}) as Record<string, unknown>
  const after = (d.after ?? {}) as Record<string, unknown>
  const changed = Object.keys(SETTINGS_FIELDS).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
  return changed.length ? t('activity.d.changed', { fields: changed.map((k) => t(SETTINGS_FIELDS[k]!)).join(', ') }) : t('activity.d.noChange')
}

function enabledRewards (list: unknown): string {
  const items = Array.isArray(list) ? list.map(String) : []
  if (items.length === 0) return t('activity.d.noneEnabled')
  const names = [...new Set(items.map((x) => tr(`rewards.trigger.${x.split(':')[0]}`)))]
  return t('activity.d.enabled', { list: names.join(', ') })
}

/** The details of one entry as text in the chosen language. */
export function detailsText (e: ActivityEntry): string {
  const d = e.details ?? {}
  const parts: string[] = []
  const a = e.action
  if (a === 'member.activated') parts.push(d.source === 'manual' ? t('activity.d.manual') : '')
  else if (a === 'member.points.adjusted') parts.push(t('activity.d.points', { points: formatSignedPoints(num(d.points)) }), t('activity.d.reason', { reason: str(d.reason) }))
  else if (a === 'segment.updated' && d.previousName && d.previousName !== d.name) parts.push(t('activity.d.renamed', { previous: str(d.previousName), name: str(d.name) }))
  else if (a.startsWith('segment.')) parts.push(t('activity.d.groupName', { name: str(d.name) }))
  else if (a === 'settings.loyalty.updated') parts.push(changedSettings(d))
  else if (a === 'settings.tiers.updated') {
    const tiers = Array.isArray(d.after) ? (d.after as Array<{ name?: string }>).map((x) => x.name ?? '').filter(Boolean) : []
    parts.push(t('activity.d.tiers', { list: tiers.join(', ') }))
  } else if (a === 'settings.rewards.options.updated') parts.push(t('activity.d.options', { count: formatNumber(num(d.options)) }))
  else if (a === 'settings.rewards.automatic.updated') parts.push(enabledRewards(d.enabled))
  else if (a.startsWith('reward.')) {
    parts.push(t('activity.d.code', { code: str(d.code) }))
    if (d.trigger) parts.push(tr(`rewards.trigger.${str(d.trigger)}`))
    if (num(d.points) > 0) parts.push(t('activity.d.points', { points: formatNumber(num(d.points)) }))
    if (d.error) parts.push(t('activity.d.error', { error: str(d.error) }))
  } else if (a.startsWith('import.')) {
    if (d.fileName) parts.push(t('activity.d.file', { file: str(d.fileName) }))
    if (a.endsWith('.applied')) parts.push(t('activity.d.applied', { applied: formatNumber(num(d.applied ?? 0)), points: formatNumber(num(d.points ?? 0)) }))
    else parts.push(t('activity.d.undone', { rows: formatNumber(num(d.rows ?? 0)) }))
  } else if (a === 'app.installed') parts.push(d.reinstall ? t('activity.d.reinstall') : t('activity.d.firstInstall'))
  return parts.filter(Boolean).join(' · ')
}

/** The subject shown: the member's name or the import's file; a member links to the profile. */
export function subjectOf (e: ActivityEntry): { text: string, href?: string } {
  const isCustomer = e.action.startsWith('member.') || e.action.startsWith('reward.')
  const label = e.subjectLabel ?? (e.action.startsWith('import.') ? str(e.details?.fileName) : e.action.startsWith('segment.') ? str(e.details?.name) : '')
  const text = label || (e.subject ? (isCustomer ? `#${e.subject}` : '') : '') || '—'
  return isCustomer && e.subject ? { text, href: `/members/${e.subject}` } : { text }
}
