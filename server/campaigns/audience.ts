// A campaign's audience (a group, a built-in filter, all members): its WHERE, its live count, and the estimate shown before sending.
import { sql, type SQL } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { countSmsParts } from '../messaging/sms-text.ts'
import { ADVERTISING_CAP_PER_DAY, DAY_MS } from '../messaging/rules.ts'
import { listWhere, type ListContext, type ListFilters } from '../segments/lists.ts'
import { segmentDefinition } from '../segments/store.ts'
import type { Audience, Channel } from './definition.ts'

export async function audienceFilters (db: Db, shopId: string, audience: Audience): Promise<ListFilters> {
  if ('segmentId' in audience) return { definition: await segmentDefinition(db, shopId, audience.segmentId) }
  if ('filter' in audience) return { filter: audience.filter }
  return {}
}

/**
 * The WHERE of an audience over AUDIENCE_FROM (c = customers, m = members, left joined). A group or a built-in filter
 * holds the shop's customers as the Khách hàng page counts them, members or not ("chưa đăng ký" holds only
 * non-members); `{ all: true }` is all members. `membersOnly`: the automatic kinds, which go to members only.
 */
export async function audienceWhere (db: Db, ctx: Omit<ListContext, 'scope'>, audience: Audience, opts: { membersOnly?: boolean } = {}): Promise<SQL> {
  const filters = await audienceFilters(db, ctx.shopId, audience)
  if ('all' in audience || opts.membersOnly) filters.registered = true
  return listWhere({ ...ctx, scope: 'customers' }, filters)
}

export const AUDIENCE_FROM = sql`customers c left join members m on m.shop_id = c.shop_id and m.customer_id = c.id`

export const emailOf = sql`coalesce(m.email, c.email)`
export const phoneOf = sql`coalesce(m.phone_e164, c.phone_e164)`

export interface ChannelEstimate {
  /** members of the audience with an address (email) or a phone (SMS) */
  withContact: number
  /** of those, who may receive it: consent for advertising, not refused for customer care */
  eligible: number
  /** of the eligible, who already had the 3 advertising messages of the last 24 h on this channel */
  capped: number
  /** messages that would go out now */
  messages: number
}

export interface Estimate {
  /** customers in the audience (members or not) */
  audience: number
  /** of them, not members: a one-off campaign reaches them (member-only variables empty), an automatic one does not */
  nonMembers: number
  /** member-only variables the templates use ({{diem}}, {{hang}} …): empty or 0 for a non-member */
  memberOnlyVariables: string[]
  email?: ChannelEstimate & { perDay: number | null, days: number | null, etaAt: string | null }
  sms?: ChannelEstimate & { parts: number, unicode: boolean, pricePerPart: number, cost: number }
}

function consentState (channel: Channel): SQL {
  return sql`coalesce((select mc.state from message_consents mc where mc.shop_id = c.shop_id and mc.customer_id = c.id and mc.channel = ${channel}),
    case when c.accepts_marketing then 'consented' else 'unknown' end)`
}

function capped (channel: Channel, since: Date): SQL {
  // The messaging log keeps the address as it was sent to: the email as stored, the phone in E.164.
  const address = channel === 'email' ? emailOf : phoneOf
  return sql`(select count(*) from messages g where g.shop_id = c.shop_id and g.channel = ${channel} and g.recipient = ${address}
    and g.kind = 'advertising' and g.created_at > ${since.toISOString()}::timestamptz and g.status in ('queued', 'sent', 'unknown')) >= ${ADVERTISING_CAP_PER_DAY}`
}

/**
 * Counts per channel in one pass over the audience. `reached`: who the campaign can send to at all (members only for
 * the automatic kinds); the channel counts are of those.
 */
export async function channelCounts (db: Db, where: SQL, channels: Channel[], kind: 'advertising' | 'care', now: Date, membersOnly = false): Promise<{ audience: number, nonMembers: number } & Partial<Record<Channel, ChannelEstimate>>> {
  const since = new Date(now.getTime() - DAY_MS)
  const reached = membersOnly ? sql`m.customer_id is not null` : sql`true`
  const cols: SQL[] = [sql`count(*)::int as audience`, sql`count(*) filter (where m.customer_id is null)::int as non_members`]
  for (const ch of channels) {
    const contact = ch === 'email' ? sql`${emailOf} is not null and ${emailOf} <> ''` : sql`${phoneOf} is not null`
    const ok = kind === 'advertising' ? sql`${consentState(ch)} = 'consented'` : sql`${consentState(ch)} <> 'refused'`
    cols.push(sql`count(*) filter (where ${reached} and ${contact})::int as ${sql.raw(`${ch}_contact`)}`)
    cols.push(sql`count(*) filter (where ${reached} and ${contact} and ${ok})::int as ${sql.raw(`${ch}_eligible`)}`)
    cols.push(kind === 'advertising'
      ? sql`count(*) filter (where ${reached} and ${contact} and ${ok} and ${capped(ch, since)})::int as ${sql.raw(`${ch}_capped`)}`
      : sql`0 as ${sql.raw(`${ch}_capped`)}`)
  }
  const [row] = await queryRows<Record<string, unknown>>(db, sql`select ${sql.join(cols, sql`, `)}
    from ${AUDIENCE_FROM} where ${where}`)
  const out: { audience: number, nonMembers: number } & Partial<Record<Channel, ChannelEstimate>> = { audience: Number(row?.audience ?? 0), nonMembers: Number(row?.non_members ?? 0) }
  for (const ch of channels) {
    const eligible = Number(row?.[`${ch}_eligible`] ?? 0)
    const cap = Number(row?.[`${ch}_capped`] ?? 0)
    out[ch] = { withContact: Number(row?.[`${ch}_contact`] ?? 0), eligible, capped: cap, messages: eligible - cap }
  }
  return out
}

/** The SMS parts of a template once variables are filled: measured on the text with typical values in place. */
export function smsPartsOf (text: string): { parts: number, unicode: boolean } {
  const p = countSmsParts(text)
  return { parts: Math.max(1, p.parts), unicode: p.unicode }
}

/** Days needed under a daily email limit, given what the last 24 h already used. */
export function emailEta (messages: number, dailyLimit: number | null, usedToday: number, now: Date): { perDay: number | null, days: number | null, etaAt: string | null } {
  if (!dailyLimit || dailyLimit <= 0) return { perDay: null, days: messages > 0 ? 1 : 0, etaAt: now.toISOString() }
  const today = Math.max(0, dailyLimit - usedToday)
  if (messages <= today) return { perDay: dailyLimit, days: messages > 0 ? 1 : 0, etaAt: now.toISOString() }
  const more = Math.ceil((messages - today) / dailyLimit)
  return { perDay: dailyLimit, days: 1 + more, etaAt: new Date(now.getTime() + more * DAY_MS).toISOString() }
}
