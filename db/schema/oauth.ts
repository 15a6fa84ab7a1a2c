// Pending OAuth round trips: state + nonce, single use, expiring; not tenant data (the shop is unknown until the callback).
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

export const oauthStates = pgTable('oauth_states', {
  state: text('state').primaryKey(),
  nonce: text('nonce').notNull(),
  // 'login' and 'reconnect' (install even if installed) answer /install/login, 'install' answers /install/grandservice.
  purpose: text('purpose', { enum: ['login', 'reconnect', 'install'] }).notNull(),
  // The orgid the round trip was started for, when known (launch or login claim).
  orgid: text('orgid'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('oauth_states_expires_idx').on(t.expiresAt),
])
