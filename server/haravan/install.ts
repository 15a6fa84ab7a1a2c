// What follows a successful token exchange: store the shop and its sealed tokens, read the shop, subscribe webhooks, queue the backfill.
import type { FastifyInstance } from 'fastify'
import { eq } from 'drizzle-orm'
import { shops } from '../../db/schema/index.ts'
import { logActivity } from '../activity.ts'
import { sealedTokenColumns, type TokenResponse } from './tokens.ts'

export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh'

// Haravan's Rails-style labels ("(GMT+07:00) Hanoi") for the zones its merchants use; anything else falls back.
const RAILS_ZONES: Record<string, string> = {
  hanoi: 'Asia/Ho_Chi_Minh',
  'ho chi minh': 'Asia/Ho_Chi_Minh',
  saigon: 'Asia/Ho_Chi_Minh',
  bangkok: 'Asia/Bangkok',
  jakarta: 'Asia/Jakarta',
  'kuala lumpur': 'Asia/Kuala_Lumpur',
  singapore: 'Asia/Singapore',
  'hong kong': 'Asia/Hong_Kong',
  beijing: 'Asia/Shanghai',
  taipei: 'Asia/Taipei',
  seoul: 'Asia/Seoul',
  tokyo: 'Asia/Tokyo',
  osaka: 'Asia/Tokyo',
  yangon: 'Asia/Yangon',
  rangoon: 'Asia/Yangon',
  manila: 'Asia/Manila',
  sydney: 'Australia/Sydney',
  utc: 'UTC',
  london: 'Europe/London',
  paris: 'Europe/Paris',
  berlin: 'Europe/Berlin',
  'pacific time (us & canada)': 'America/Los_Angeles',
  'eastern time (us & canada)': 'America/New_York',
}

function isIanaZone (zone: string): boolean {
  try {
    Intl.DateTimeFormat('en', { timeZone: zone })
    return zone.includes('/') || zone === 'UTC'
  } catch {
    return false
  }
}

/** "(GMT+07:00) Hanoi" → Asia/Ho_Chi_Minh; an IANA name passes through; unknown → Asia/Ho_Chi_Minh. */
export function ianaTimezone (haravan: string | null | undefined, iana?: string | null): string {
  if (iana && isIanaZone(iana)) return iana
  const label = (haravan ?? '').replace(/^\s*\(GMT[^)]*\)\s*/i, '').trim()
  if (label && isIanaZone(label)) return label
  return RAILS_ZONES[label.toLowerCase()] ?? DEFAULT_TIMEZONE
}

export interface InstallInput {
  shopId: string
  tokens: TokenResponse
  /** Haravan user id of the admin who installed. */
  installedBy: string
  orgname?: string
}

export interface InstallResult { shopId: string, webhooks: 'subscribed' | 'failed', shopInfo: 'fetched' | 'failed' }

/**
 * Installs (or reinstalls) the shop. The tokens are stored first so the shop is installed even when the
 * follow-up calls fail; a failed webhook subscription is logged and healed by the reconciliation job.
 */
export async function completeInstall (app: FastifyInstance, input: InstallInput): Promise<InstallResult> {
  const { shopId, tokens } = input
  const now = app.clock()
  const sealed = sealedTokenColumns(app.config.encryptionKey, shopId, tokens, now)
  const [previous] = await app.db.select({ status: shops.status }).from(shops).where(eq(shops.shopId, shopId)).limit(1)
  const installed = { status: 'installed' as const, installedBy: input.installedBy, installedAt: now, uninstalledAt: null, sandbox: app.config.haravan.sandbox }
  await app.db.insert(shops).values({ shopId, name: input.orgname ?? '', ...installed, ...sealed, createdAt: now })
    .onConflictDoUpdate({ target: shops.shopId, set: { ...installed, ...sealed } })

  const log = app.log.child({ shopId })
  const client = app.haravan
  const result: InstallResult = { shopId, webhooks: 'subscribed', shopInfo: 'fetched' }
  try {
    const shop = await client.getShop(shopId)
    await app.db.update(shops).set({
      name: shop.name || input.orgname || '',
      domain: shop.myharavan_domain || shop.domain || null,
      email: shop.email || null,
      timezone: ianaTimezone(shop.timezone, shop.iana_timezone),
      updatedAt: app.clock(),
    }).where(eq(shops.shopId, shopId))
  } catch (err) {
    result.shopInfo = 'failed'
    log.error({ err }, 'install: could not read /com/shop.json; the shop keeps its defaults until the next sync')
  }
  try {
    await client.subscribeWebhooks(shopId)
  } catch (err) {
    result.webhooks = 'failed'
    log.error({ err }, 'install: webhook subscription failed (POST /api/subscribe); the shop is installed and the reconciliation job will retry')
  }
  try {
    await app.boss?.send('haravan.backfill', { shopId }, { singletonKey: shopId })
  } catch (err) {
    log.error({ err }, 'install: could not queue the backfill')
  }
  await logActivity(app.db, shopId, {
    actor: input.installedBy,
    action: 'app.installed',
    details: { reinstall: previous !== undefined, previousStatus: previous?.status ?? null, webhooks: result.webhooks, scopes: tokens.scope ?? null },
  }, app.clock())
  log.info({ webhooks: result.webhooks, shopInfo: result.shopInfo }, previous ? 'shop reinstalled' : 'shop installed')
  return result
}
