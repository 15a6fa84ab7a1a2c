// app/uninstalled: the merchant removed the app; the shop stops being served (see server/haravan/uninstall.ts).
import { z } from 'zod'
import { markShopUninstalled } from '../../server/haravan/uninstall.ts'
import { topicHandler } from './handler.ts'

export const appUninstalledSchema = z.looseObject({ org_id: z.union([z.number(), z.string()]).nullish() })

/**
 * Why this body must not uninstall `shopId` (the org in the header, else in the body), or undefined when it may.
 * A signed body is still only trusted for what it says: it must be an uninstall body, for this very shop.
 */
export function uninstallBodyProblem (body: unknown, shopId: string): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not an app/uninstalled body'
  const { org_id: org, event_type: event } = body as { org_id?: unknown, event_type?: unknown }
  if (event !== undefined && event !== null && event !== 'app/uninstalled') return 'not an app/uninstalled body (event_type)'
  if ((typeof org !== 'number' && typeof org !== 'string') || String(org).trim() === '') return 'app/uninstalled body without org_id'
  if (String(org).trim() !== shopId) return 'app/uninstalled body names another shop'
  return undefined
}

export const appTopics = {
  'app/uninstalled': topicHandler(appUninstalledSchema, async (tx, shopId, body, now) => {
    // The retry job comes here without the route's check.
    if (uninstallBodyProblem(body, shopId) !== undefined) return
    await markShopUninstalled(tx, shopId, now)
  }),
}
