-- Trigram index for the diacritic-insensitive contains-search on customers.search_text (server/segments/compile.ts).
-- Guarded: embedded PGlite has no pg_trgm, and there the search simply scans; on Postgres the index serves LIKE '%…%'.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXECUTE 'CREATE INDEX IF NOT EXISTS customers_search_trgm_idx ON customers USING gin (search_text gin_trgm_ops)';
  END IF;
END
$$;
