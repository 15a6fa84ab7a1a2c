// Cấu hình → Tin nhắn storage: the shop's SMTP and SMS accounts, passwords sealed with the shop id, never returned.
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client.ts'
import { emailSettings, smsSettings } from '../../db/schema/index.ts'
import { decryptSecret, encryptSecret } from '../crypto.ts'

export const EMAIL_PRESETS = {
  gmail: { host: 'smtp.gmail.com', port: 587, security: 'starttls', dailyLimit: 500 },
  workspace: { host: 'smtp.gmail.com', port: 587, security: 'starttls', dailyLimit: 2000 },
} as const

// password: a string sets it, null clears it, absent or '' keeps the stored one (the form never receives it back).
const password = z.string().max(500).nullable().optional()

export const emailSettingsInput = z.object({
  host: z.string().trim().min(1).max(255),
  port: z.coerce.number().int().min(1).max(65535),
  // Omitted: what the port conventionally speaks (465 TLS, otherwise STARTTLS as Gmail's 587).
  security: z.enum(['starttls', 'tls', 'none']).optional(),
  username: z.string().trim().max(320).default(''),
  password,
  fromName: z.string().trim().max(100).default(''),
  // Omitted: the username, which for Gmail is the address mail must come from.
  fromAddress: z.email().max(320).optional(),
  dailyLimit: z.coerce.number().int().min(1).max(1_000_000).default(EMAIL_PRESETS.gmail.dailyLimit),
}).transform((v, ctx) => {
  const fromAddress = v.fromAddress ?? (z.email().safeParse(v.username).success ? v.username : undefined)
  if (!fromAddress) {
    ctx.addIssue({ code: 'custom', path: ['fromAddress'], message: 'Hãy nhập địa chỉ email gửi đi (Từ email)' })
    return z.NEVER
  }
  return { ...v, fromAddress, security: v.security ?? (v.port === 465 ? 'tls' as const : 'starttls' as const) }
})
export type EmailSettingsInput = z.output<typeof emailSettingsInput>

export const smsSettingsInput = z.object({
  provider: z.literal('vietguys').default('vietguys'),
  brandname: z.string().trim().min(1).max(40),
  username: z.string().trim().min(1).max(100),
  password,
})
export type SmsSettingsInput = z.infer<typeof smsSettingsInput>

export interface EmailSettingsView {
  host: string
  port: number
  security: 'starttls' | 'tls' | 'none'
  username: string
  fromName: string
  fromAddress: string
  dailyLimit: number
  passwordSet: boolean
  configured: boolean
  pausedUntil: Date | null
  pauseReason: string | null
}

export interface SmsSettingsView { provider: 'vietguys', brandname: string, username: string, passwordSet: boolean, configured: boolean }

/** The account as the senders use it, password opened. */
export interface EmailAccount extends Omit<EmailSettingsView, 'passwordSet' | 'configured'> { password: string | null, version: string }
export interface SmsAccount { provider: 'vietguys', brandname: string, username: string, password: string }

export async function getEmailSettings (db: Db, shopId: string): Promise<EmailSettingsView> {
  const [row] = await db.select().from(emailSettings).where(eq(emailSettings.shopId, shopId))
  if (!row) {
    return { host: '', port: 587, security: 'starttls', username: '', fromName: '', fromAddress: '', dailyLimit: EMAIL_PRESETS.gmail.dailyLimit, passwordSet: false, configured: false, pausedUntil: null, pauseReason: null }
  }
  const { passwordEnc, shopId: _s, updatedAt: _u, ...rest } = row
  return { ...rest, passwordSet: passwordEnc !== null, configured: true }
}

export async function putEmailSettings (db: Db, key: Buffer, shopId: string, input: EmailSettingsInput, now: Date): Promise<void> {
  const { password: pw, ...fields } = input
  const sealed = pw === undefined || pw === '' ? {} : { passwordEnc: pw === null ? null : encryptSecret(key, shopId, pw) }
  // A changed account starts without the old account's quota pause.
  const values = { ...fields, ...sealed, pausedUntil: null, pauseReason: null, updatedAt: now }
  await db.insert(emailSettings).values({ shopId, ...values }).onConflictDoUpdate({ target: emailSettings.shopId, set: values })
}

export async function loadEmailAccount (db: Db, key: Buffer, shopId: string): Promise<EmailAccount | null> {
  const [row] = await db.select().from(emailSettings).where(eq(emailSettings.shopId, shopId))
  if (!row) return null
  const { passwordEnc, shopId: _s, updatedAt, ...rest } = row
  return { ...rest, password: passwordEnc ? decryptSecret(key, shopId, passwordEnc) : null, version: updatedAt.toISOString() }
}

export async function pauseEmail (db: Db, shopId: string, until: Date, reason: string): Promise<void> {
  await db.update(emailSettings).set({ pausedUntil: until, pauseReason: reason }).where(eq(emailSettings.shopId, shopId))
}

export async function getSmsSettings (db: Db, shopId: string): Promise<SmsSettingsView> {
  const [row] = await db.select().from(smsSettings).where(eq(smsSettings.shopId, shopId))
  if (!row) return { provider: 'vietguys', brandname: '', username: '', passwordSet: false, configured: false }
  return { provider: row.provider, brandname: row.brandname, username: row.username, passwordSet: row.passwordEnc !== null, configured: row.passwordEnc !== null }
}

export async function putSmsSettings (db: Db, key: Buffer, shopId: string, input: SmsSettingsInput, now: Date): Promise<void> {
  const { password: pw, ...fields } = input
  const sealed = pw === undefined || pw === '' ? {} : { passwordEnc: pw === null ? null : encryptSecret(key, shopId, pw) }
  const values = { ...fields, ...sealed, updatedAt: now }
  await db.insert(smsSettings).values({ shopId, ...values }).onConflictDoUpdate({ target: smsSettings.shopId, set: values })
}

export async function loadSmsAccount (db: Db, key: Buffer, shopId: string): Promise<SmsAccount | null> {
  const [row] = await db.select().from(smsSettings).where(eq(smsSettings.shopId, shopId))
  if (!row?.passwordEnc) return null
  return { provider: row.provider, brandname: row.brandname, username: row.username, password: decryptSecret(key, shopId, row.passwordEnc) }
}
