// Installed Haravan shops (tenants, keyed by orgid) and their encrypted API tokens.
import { boolean, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

export const shops = pgTable('shops', {
  shopId: text('shop_id').primaryKey(),
  name: text('name').notNull().default(''),
  domain: text('domain'),
  email: text('email'),
  timezone: text('timezone').notNull().default('Asia/Ho_Chi_Minh'),
  status: text('status', { enum: ['installed', 'uninstalled'] }).notNull().default('installed'),
  sandbox: boolean('sandbox').notNull().default(false),
  // AES-256-GCM ciphertexts (server/crypto.ts) bound to shop_id; never logged.
  accessTokenEnc: text('access_token_enc'),
  refreshTokenEnc: text('refresh_token_enc'),
  tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
  scopes: text('scopes'),
  installedBy: text('installed_by'),
  installedAt: timestamp('installed_at', { withTimezone: true }),
  uninstalledAt: timestamp('uninstalled_at', { withTimezone: true }),
  // Reconciliation watermarks and backfill cursors ({ customers: { sinceId, updatedAt }, orders: … }).
  syncState: jsonb('sync_state').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
