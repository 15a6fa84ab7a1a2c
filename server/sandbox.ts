// Sandbox mode: without Haravan credentials the app runs against its built-in simulator with demo shops.
import type { FastifyBaseLogger } from 'fastify'
import type { App } from './app.ts'
import type { Config } from './config.ts'
import { mintSessionToken } from './auth/session.ts'
import { shops } from '../db/schema/index.ts'

export interface Sandbox {
  installDemoShops (app: App): Promise<void>
  close (): Promise<void>
}

export function sandboxShopIds (count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(1_000_000_001 + i))
}

export async function startSandbox (config: Config, log: FastifyBaseLogger): Promise<Sandbox> {
  return {
    async installDemoShops (app) {
      for (const [i, shopId] of sandboxShopIds(config.sandboxShops).entries()) {
        await app.db.insert(shops).values({
          shopId, name: i === 0 ? 'Cửa hàng Demo' : `Cửa hàng Demo ${i + 1}`, domain: `demo${i + 1}.myharavan.com`, sandbox: true, status: 'installed', installedAt: app.clock(),
        }).onConflictDoNothing()
        const token = await mintSessionToken(config.sessionSecret, { orgid: shopId, sub: 'sandbox-admin' }, { now: app.clock() })
        log.info(`Sandbox shop ${shopId}: open ${config.appUrl}/#token=${token}`)
      }
    },
    async close () {},
  }
}
