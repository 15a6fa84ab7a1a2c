// app/uninstalled: the merchant removed the app; the shop stops being served (see server/haravan/uninstall.ts).
import { z } from 'zod'
import { markShopUninstalled } from '../../server/haravan/uninstall.ts'
import { topicHandler } from './handler.ts'

export const appUninstalledSchema = z.looseObject({ org_id: z.union([z.number(), z.string()]).nullish() })

export const appTopics = {
  'app/uninstalled': topicHandler(appUninstalledSchema, async (tx, shopId, _body, now) => {
    await markShopUninstalled(tx, shopId, now)
  }),
}
