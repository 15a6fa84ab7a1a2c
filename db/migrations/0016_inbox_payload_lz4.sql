-- Custom (hand-written): webhook payloads (2–5 KB each, one per delivery) are compressed with lz4 rather than pglz
-- (after 0015: changing a column's type resets its compression).
-- Measured on Postgres 15: inserting 20,000 order payloads took 35–40 % less time with lz4 (docs/BENCHMARKS.md,
-- "Webhooks"). Existing rows keep their compression; new ones use lz4. A server built without lz4 (the embedded
-- database is one) keeps pglz: the statement is skipped, not failed.
DO $$
BEGIN
  ALTER TABLE "webhook_inbox" ALTER COLUMN "payload" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: webhook_inbox.payload keeps the default compression';
END
$$;
