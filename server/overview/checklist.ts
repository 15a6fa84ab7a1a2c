// The "Bắt đầu" checklist a new shop sees on Tổng quan: each step is done or not, with where to do it.
import { and, eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../db/client.ts'
import { imports, loyaltySettings, tiers } from '../../db/schema/index.ts'
import { firstCampaignSent } from './campaigns.ts'

export type ChecklistStep = 'loyaltyRules' | 'openingBalances' | 'messagingChannels' | 'firstCampaign'
export interface ChecklistItem { id: ChecklistStep, done: boolean, href: string }

/** Whether an email or SMS channel is configured (Cấu hình → Tin nhắn): a saved SMTP account or a VietGuys account with its password. */
export async function messagingChannelsConfigured (db: Db, shopId: string): Promise<boolean> {
  const [row] = await queryRows<{ done: unknown }>(db, sql`select
    exists (select 1 from email_settings where shop_id = ${shopId})
    or exists (select 1 from sms_settings where shop_id = ${shopId} and password_enc is not null) as done`)
  return row?.done === true || row?.done === 't'
}

/** The shop saved its earning rules or its tiers at least once (the defaults alone are not a decision). */
async function loyaltyRulesConfigured (db: Db, shopId: string): Promise<boolean> {
  const [row] = await queryRows<{ done: unknown }>(db, sql`select
    exists (select 1 from ${loyaltySettings} where ${loyaltySettings.shopId} = ${shopId})
    or exists (select 1 from ${tiers} where ${tiers.shopId} = ${shopId}) as done`)
  return row?.done === true || row?.done === 't'
}

async function openingBalancesImported (db: Db, shopId: string): Promise<boolean> {
  const rows = await db.select({ id: imports.id }).from(imports)
    .where(and(eq(imports.shopId, shopId), eq(imports.kind, 'opening_balance'), eq(imports.status, 'done'))).limit(1)
  return rows.length > 0
}

export async function checklist (db: Db, shopId: string): Promise<ChecklistItem[]> {
  const [rules, opening, messaging, campaign] = await Promise.all([
    loyaltyRulesConfigured(db, shopId), openingBalancesImported(db, shopId),
    messagingChannelsConfigured(db, shopId), firstCampaignSent(db, shopId),
  ])
  return [
    { id: 'loyaltyRules', done: rules, href: '/settings/loyalty' },
    { id: 'openingBalances', done: opening, href: '/settings/import' },
    { id: 'messagingChannels', done: messaging, href: '/settings/messages' },
    { id: 'firstCampaign', done: campaign, href: '/campaigns' },
  ]
}
