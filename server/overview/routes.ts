// GET /api/dashboard: Tổng quan's figures for a period (ISO dates in the shop's time zone) and the period before.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { dashboard } from './service.ts'

const int = z.number().int()
const rate = z.number().nullable()
const pair = <T extends z.ZodTypeAny>(t: T) => z.object({ members: t, nonMembers: t })
const period = z.object({ from: z.string(), to: z.string() })

const periodFigures = z.object({
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

const dashboardResponse = periodFigures.extend({
  previous: periodFigures,
  activity: z.object({ active7: int, active30: int, lapsed: int }),
  points: z.object({ earned: int, redeemed: int, expired: int, opening: int, outstanding: int, liabilityVnd: int.nullable(), vndPerPoint: z.number().nullable() }),
  tiers: z.array(z.object({ tierId: z.string().nullable(), name: z.string().nullable(), members: int })),
  series: z.array(z.object({ date: z.string(), newMembers: int, pointsEarned: int, pointsRedeemed: int, memberRevenue: int, nonMemberRevenue: int })),
  checklist: z.array(z.object({ id: z.enum(['loyaltyRules', 'openingBalances', 'messagingChannels', 'firstCampaign']), done: z.boolean(), href: z.string() })),
  isNew: z.boolean(),
})

// Shape only here; the dates themselves (real days, from ≤ to, the span) are checked by resolvePeriod with Vietnamese messages.
const query = z.object({ from: z.string().max(10).optional(), to: z.string().max(10).optional() })

export default async function overviewRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  app.get('/dashboard', {
    schema: { summary: 'Tổng quan: the programme at a glance for a period, against the period before', tags: ['overview'], querystring: query, response: { 200: dashboardResponse } },
  }, async (request) => dashboard(app.db, request.shop, request.query, app.clock()))
}
