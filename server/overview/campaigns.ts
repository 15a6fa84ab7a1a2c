// Campaign results for the overview. Campaigns do not exist yet: the campaigns work fills campaignResults in, and nothing here invents a number.
import type { Db } from '../../db/client.ts'
import type { Period } from './period.ts'

export interface CampaignResults { sent: number, orders: number, revenue: number }

/**
 * Messages sent by campaigns in the period, and the orders (and their revenue) attributed to them. No campaign has
 * ever been sent while the app has no campaigns, so every figure is 0.
 */
export async function campaignResults (_db: Db, _shopId: string, _period: Period, _timeZone: string): Promise<CampaignResults> {
  return { sent: 0, orders: 0, revenue: 0 }
}

/** Whether the shop has sent a first campaign (the "Bắt đầu" checklist). False until campaigns exist. */
export async function firstCampaignSent (_db: Db, _shopId: string): Promise<boolean> {
  return false
}
