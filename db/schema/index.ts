// Every table of the app; each is keyed by shop_id first (tenancy, and Citus distribution later).
export * from './shops.ts'
export * from './customers.ts'
export * from './loyalty.ts'
export * from './inbox.ts'
export * from './imports.ts'
export * from './segments.ts'
export * from './oauth.ts'
export * from './rewards.ts'
