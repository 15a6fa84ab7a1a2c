// Tổng quan: GET /api/dashboard's answer (the period's figures and the period before's).
import { z } from 'zod'

const int = z.number().int()
const rate = z.number().nullable()
const pair = <T extends z.ZodTypeAny>(t: T) => z.object({ members: t, nonMembers: t })
const period = z.object({ from: z.string(), to: z.string() })

export const periodFigures = z.object({
  period,
  members: z.object({ total: int, new: int, shareOfCustomers: rate }),
  points: z.object({ earned: int, redeemed: int, expired: int, opening: int }),
  redemptionRate: rate,
  revenue: z.object({ members: int, nonMembers: int, openingBalances: int }),
  orders: pair(int),
  averageOrder: pair(int),
  repeatRate: pair(rate),
  campaigns: z.object({ sent: int, orders: int, revenue: int }),
})
export type PeriodFigures = z.infer<typeof periodFigures>

export const seriesPoint = z.object({ date: z.string(), newMembers: int, pointsEarned: int, pointsRedeemed: int, memberRevenue: int, nonMemberRevenue: int })
export type SeriesPoint = z.infer<typeof seriesPoint>
export const CHECKLIST_IDS = ['loyaltyRules', 'openingBalances', 'messagingChannels', 'firstCampaign'] as const
export type ChecklistId = typeof CHECKLIST_IDS[number]

export const dashboardResponse = periodFigures.extend({
  previous: periodFigures,
  activity: z.object({ active7: int, active30: int, lapsed: int }),
  points: z.object({ earned: int, redeemed: int, expired: int, opening: int, outstanding: int, liabilityVnd: int.nullable(), vndPerPoint: z.number().nullable() }),
  tiers: z.array(z.object({ tierId: z.string().nullable(), name: z.string().nullable(), members: int })),
  series: z.array(seriesPoint),
  checklist: z.array(z.object({ id: z.enum(CHECKLIST_IDS), done: z.boolean(), href: z.string() })),
  isNew: z.boolean(),
})
export type Dashboard = z.infer<typeof dashboardResponse>
