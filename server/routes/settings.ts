// Cấu hình → Loyalty: GET/PUT /api/settings/loyalty and GET/PUT /api/tiers.
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { tiersSchema, loyaltySettingsSchema } from '../loyalty/rules.ts'
import { getLoyaltySettings, updateLoyaltySettings } from '../loyalty/settings.ts'
import { getTiers, replaceTiers } from '../loyalty/tiers.ts'
import { parseVi } from '../loyalty/validation.ts'

const settingsResponse = z.object({
  earning: z.object({
    vndPerPoint: z.number().int(),
    pointsPerStep: z.number().int(),
    rounding: z.enum(['floor', 'half_up']),
    earnOn: z.enum(['paid', 'fulfilled']),
    excludeShipping: z.boolean(),
  }),
  pendingDays: z.number().int(),
  expiry: z.object({ mode: z.enum(['never', 'after_earning', 'inactivity']), months: z.number().int().optional() }),
  ranking: z.object({ vndPerRankPoint: z.number().int(), window: z.enum(['lifetime', 'rolling_12_months']) }),
  autoActivate: z.boolean(),
})
const tierResponse = z.object({ id: z.string(), name: z.string(), threshold: z.number().int(), earnMultiplier: z.number() })

// Rows added in the UI may come without an id: derive a stable one from the name (diacritics removed).
function withIds (input: unknown): unknown {
  if (!Array.isArray(input)) return input
  const used = new Set(input.map(t => (t as { id?: unknown })?.id).filter(id => typeof id === 'string' && id !== ''))
  return input.map((t: unknown) => {
    if (typeof t !== 'object' || t === null) return t
    const row = t as Record<string, unknown>
    if (typeof row.id === 'string' && row.id.trim() !== '') return row
    const base = String(row.name ?? 'hang').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd')
      .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'hang'
    let id = base
    for (let i = 2; used.has(id); i++) id = `${base}-${i}`
    used.add(id)
    return { ...row, id }
  })
}

export default async function settingsRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()

  app.get('/settings/loyalty', {
    schema: { summary: 'Loyalty settings', tags: ['settings'], response: { 200: settingsResponse } },
  }, async (request) => getLoyaltySettings(app.db, request.shop.shopId))

  app.put('/settings/loyalty', {
    schema: { summary: 'Replace the loyalty settings (validated as a whole)', tags: ['settings'], body: z.unknown(), response: { 200: settingsResponse } },
  }, async (request) => {
    const next = parseVi(loyaltySettingsSchema, request.body)
    return updateLoyaltySettings(app.db, request.shop.shopId, next, request.shop.userId, app.clock())
  })

  app.get('/tiers', {
    schema: { summary: 'Tiers, lowest first', tags: ['settings'], response: { 200: z.array(tierResponse) } },
  }, async (request) => getTiers(app.db, request.shop.shopId))

  app.put('/tiers', {
    schema: { summary: 'Replace all tiers; members\' tiers are recomputed', tags: ['settings'], body: z.unknown(), response: { 200: z.array(tierResponse) } },
  }, async (request) => {
    const next = parseVi(tiersSchema, withIds(request.body))
    return replaceTiers(app.db, request.shop.shopId, next, request.shop.userId, app.clock())
  })
}
