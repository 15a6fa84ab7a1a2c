CREATE TABLE "overview_entries_seen" (
	"shop_id" text NOT NULL,
	"entry_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "overview_entries_seen_shop_id_entry_id_pk" PRIMARY KEY("shop_id","entry_id")
);
--> statement-breakpoint
CREATE TABLE "overview_member_deltas" (
	"shop_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "overview_member_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tier_key" text NOT NULL,
	"members" bigint NOT NULL,
	"points_available" bigint NOT NULL,
	"points_pending" bigint NOT NULL,
	CONSTRAINT "overview_member_deltas_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "overview_member_totals" (
	"shop_id" text NOT NULL,
	"tier_key" text NOT NULL,
	"members" bigint DEFAULT 0 NOT NULL,
	"points_available" bigint DEFAULT 0 NOT NULL,
	"points_pending" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "overview_member_totals_shop_id_tier_key_pk" PRIMARY KEY("shop_id","tier_key")
);
--> statement-breakpoint
CREATE TABLE "overview_orders" (
	"shop_id" text NOT NULL,
	"order_id" bigint NOT NULL,
	"customer_id" bigint,
	"at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"net" bigint NOT NULL,
	"member" boolean NOT NULL,
	"repeat" boolean NOT NULL,
	CONSTRAINT "overview_orders_shop_id_order_id_pk" PRIMARY KEY("shop_id","order_id")
);
--> statement-breakpoint
-- Custom (hand-written): the overview's members per tier and Σ points per shop, kept exact by statement-level
-- triggers on members (one set-based insert per statement that changes a tier or points; none otherwise). The
-- refresh (server/overview/rollup.ts) folds the deltas into overview_member_totals; readers add those not yet folded.
CREATE FUNCTION "overview_member_delta"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO overview_member_deltas (shop_id, tier_key, members, points_available, points_pending)
    SELECT n.shop_id, coalesce(n.tier_id, ''), count(*), sum(n.points_available), sum(n.points_pending)
    FROM overview_new_members n GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO overview_member_deltas (shop_id, tier_key, members, points_available, points_pending)
    SELECT o.shop_id, coalesce(o.tier_id, ''), -count(*), -sum(o.points_available), -sum(o.points_pending)
    FROM overview_old_members o GROUP BY 1, 2;
  ELSE
    INSERT INTO overview_member_deltas (shop_id, tier_key, members, points_available, points_pending)
    SELECT d.shop_id, d.tier_key, sum(d.members), sum(d.points_available), sum(d.points_pending) FROM (
      SELECT n.shop_id, coalesce(n.tier_id, '') AS tier_key, 1 AS members, n.points_available, n.points_pending FROM overview_new_members n
      UNION ALL
      SELECT o.shop_id, coalesce(o.tier_id, ''), -1, -o.points_available, -o.points_pending FROM overview_old_members o
    ) d GROUP BY 1, 2 HAVING sum(d.members) <> 0 OR sum(d.points_available) <> 0 OR sum(d.points_pending) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "overview_members_inserted" AFTER INSERT ON "members" REFERENCING NEW TABLE AS overview_new_members
  FOR EACH STATEMENT EXECUTE FUNCTION "overview_member_delta"();
--> statement-breakpoint
CREATE TRIGGER "overview_members_updated" AFTER UPDATE ON "members" REFERENCING OLD TABLE AS overview_old_members NEW TABLE AS overview_new_members
  FOR EACH STATEMENT EXECUTE FUNCTION "overview_member_delta"();
--> statement-breakpoint
CREATE TRIGGER "overview_members_deleted" AFTER DELETE ON "members" REFERENCING OLD TABLE AS overview_old_members
  FOR EACH STATEMENT EXECUTE FUNCTION "overview_member_delta"();
--> statement-breakpoint
-- The starting totals, in the transaction that created the triggers (which holds members against writes until commit).
INSERT INTO "overview_member_totals" ("shop_id", "tier_key", "members", "points_available", "points_pending")
SELECT "shop_id", coalesce("tier_id", ''), count(*), sum("points_available"), sum("points_pending") FROM "members" GROUP BY 1, 2;
--> statement-breakpoint
-- The rollup now keeps each order's contribution: every shop's next refresh builds it afresh.
DELETE FROM "overview_days";
--> statement-breakpoint
DELETE FROM "overview_rollups";
