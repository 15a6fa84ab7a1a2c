// Which driver a Db runs on: postgres.js (a pool: COPY, batches side by side, SET LOCAL) or PGlite (one connection).
import type { Db } from '../../db/client.ts'

/** postgres.js answers `$client` with its sql function; PGlite with its instance. */
export const isPostgres = (db: Db): boolean => typeof (db as unknown as { $client?: unknown }).$client === 'function'
