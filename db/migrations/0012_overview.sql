CREATE TABLE "overview_days" (
	"shop_id" text NOT NULL,
	"day" date NOT NULL,
	"member_revenue" bigint DEFAULT 0 NOT NULL,
	"non_member_revenue" bigint DEFAULT 0 NOT NULL,
	"member_orders" integer DEFAULT 0 NOT NULL,
	"non_member_orders" integer DEFAULT 0 NOT NULL,
	"member_buyer_orders" integer DEFAULT 0 NOT NULL,
	"member_repeat_orders" integer DEFAULT 0 NOT NULL,
	"non_member_buyer_orders" integer DEFAULT 0 NOT NULL,
	"non_member_repeat_orders" integer DEFAULT 0 NOT NULL,
	"points_earned" bigint DEFAULT 0 NOT NULL,
	"points_redeemed" bigint DEFAULT 0 NOT NULL,
	"points_expired" bigint DEFAULT 0 NOT NULL,
	"points_opening" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "overview_days_shop_id_day_pk" PRIMARY KEY("shop_id","day")
);
--> statement-breakpoint
CREATE TABLE "overview_rollups" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "orders_revenue_idx" ON "orders" USING btree ("shop_id","haravan_created_at","customer_id","total_price","refunded_amount") WHERE "orders"."cancelled_at" is null and not "orders"."deleted" and lower(coalesce("orders"."financial_status", '')) in ('paid', 'partially_refunded');--> statement-breakpoint
CREATE INDEX "orders_synced_idx" ON "orders" USING btree ("shop_id","synced_at");--> statement-breakpoint
CREATE INDEX "ledger_created_idx" ON "ledger_entries" USING btree ("shop_id","created_at","kind","points");