-- Custom (hand-written): the overview's per-tier member counts and outstanding points as an index-only scan instead of a
-- pass over every member row. The members table's schema file belongs to the loyalty module, so the index lives here.
CREATE INDEX IF NOT EXISTS "members_overview_tier_idx" ON "members" USING btree ("shop_id","tier_id") INCLUDE ("points_available","points_pending");
