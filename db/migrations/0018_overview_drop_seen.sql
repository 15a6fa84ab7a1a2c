DROP TABLE "overview_seen" CASCADE;--> statement-breakpoint
-- Custom (hand-written): the overview reads members per tier from overview_member_totals now (0017), so the index
-- 0014 added for it is one index less for every member update to maintain.
DROP INDEX IF EXISTS "members_overview_tier_idx";
