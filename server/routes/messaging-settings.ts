// Cấu hình → Tin nhắn: GET/PUT /api/settings/email and /api/settings/sms, and their "Gửi thử" (/test).
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { shops } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { parseVi } from '../loyalty/validation.ts'
import { countRecentEmails } from '../messaging/log.ts'
import { DAY_MS } from '../messaging/rules.ts'
import { emailSettingsInput, getEmailSettings, getSmsSettings, putEmailSettings, putSmsSettings, smsSettingsInput } from '../messaging/settings.ts'
import { sendTestEmail, sendTestSms } from '../messaging/test-send.ts'

const emailResponse = z.object({
  host: z.string(),
  port: z.number().int(),
  security: z.enum(['starttls', 'tls', 'none']),
  username: z.string(),
  fromName: z.string(),
  fromAddress: z.string(),
  dailyLimit: z.number().int(),
  passwordSet: z.boolean(),
  configured: z.boolean(),
  pausedUntil: z.string().nullable(),
  pauseReason: z.string().nullable(),
  sentLast24h: z.number().int(),
})
const smsResponse = z.object({ provider: z.literal('vietguys'), brandname: z.string(), username: z.string(), passwordSet: z.boolean(), configured: z.boolean() })
const sent = z.object({ sent: z.literal(true) })

export default async function messagingSettingsRoutes (fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>()
  const key = app.config.encryptionKey

  const emailView = async (shopId: string) => {
    const s = await getEmailSettings(app.db, shopId)
    const sentLast24h = s.configured ? await countRecentEmails(app.db, shopId, new Date(app.clock().getTime() - DAY_MS)) : 0
    return { ...s, pausedUntil: s.pausedUntil?.toISOString() ?? null, sentLast24h }
  }
  const testDeps = async (shopId: string) => {
    const [shop] = await app.db.select({ name: shops.name }).from(shops).where(eq(shops.shopId, shopId))
    return { db: app.db, key, clock: app.clock, messaging: app.messaging, shopName: shop?.name ?? '' }
  }

  app.get('/settings/email', {
    schema: { summary: 'The shop\'s SMTP account (the password is never returned: passwordSet says whether one is stored)', tags: ['messaging'], response: { 200: emailResponse } },
  }, async (request) => emailView(request.shop.shopId))

  app.put('/settings/email', {
    schema: { summary: 'Save the SMTP account; a missing password keeps the stored one, null removes it', tags: ['messaging'], body: z.unknown(), response: { 200: emailResponse } },
  }, async (request) => {
    const { shopId, userId } = request.shop
    const input = parseVi(emailSettingsInput, request.body)
    await putEmailSettings(app.db, key, shopId, input, app.clock())
    await logActivity(app.db, shopId, {
      actor: userId, action: 'settings.email.updated', details: { host: input.host, port: input.port, security: input.security, fromAddress: input.fromAddress, dailyLimit: input.dailyLimit, passwordChanged: input.password !== undefined && input.password !== '' },
    }, app.clock())
    return emailView(shopId)
  })

  app.post('/settings/email/test', {
    schema: { summary: 'Send a test mail with the saved account; 422 gives the server\'s answer in Vietnamese', tags: ['messaging'], body: z.object({ to: z.email() }), response: { 200: sent } },
  }, async (request) => {
    await sendTestEmail(await testDeps(request.shop.shopId), request.shop.shopId, request.body.to)
    return { sent: true as const }
  })

  app.get('/settings/sms', {
    schema: { summary: 'The shop\'s SMS account (VietGuys); the password is never returned', tags: ['messaging'], response: { 200: smsResponse } },
  }, async (request) => getSmsSettings(app.db, request.shop.shopId))

  app.put('/settings/sms', {
    schema: { summary: 'Save the SMS account; a missing password keeps the stored one', tags: ['messaging'], body: z.unknown(), response: { 200: smsResponse } },
  }, async (request) => {
    const { shopId, userId } = request.shop
    const input = parseVi(smsSettingsInput, request.body)
    await putSmsSettings(app.db, key, shopId, input, app.clock())
    await logActivity(app.db, shopId, { actor: userId, action: 'settings.sms.updated', details: { provider: input.provider, brandname: input.brandname, passwordChanged: input.password !== undefined && input.password !== '' } }, app.clock())
    return getSmsSettings(app.db, shopId)
  })

  app.post('/settings/sms/test', {
    schema: { summary: 'Send a test SMS with the saved account; 422 gives the provider\'s reason in Vietnamese', tags: ['messaging'], body: z.object({ phone: z.string().min(1).max(30) }), response: { 200: sent } },
  }, async (request) => {
    await sendTestSms(await testDeps(request.shop.shopId), request.shop.shopId, request.body.phone)
    return { sent: true as const }
  })
}
