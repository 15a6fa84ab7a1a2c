CREATE TABLE "shops" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"domain" text,
	"email" text,
	"timezone" text DEFAULT 'Asia/Ho_Chi_Minh' NOT NULL,
	"status" text DEFAULT 'installed' NOT NULL,
	"sandbox" boolean DEFAULT false NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"token_expires_at" timestamp with time zone,
	"scopes" text,
	"installed_by" text,
	"installed_at" timestamp with time zone,
	"uninstalled_at" timestamp with time zone,
	"sync_state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"shop_id" text NOT NULL,
	"id" bigint NOT NULL,
	"email" text,
	"phone" text,
	"phone_e164" text,
	"first_name" text,
	"last_name" text,
	"full_name" text DEFAULT '' NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"birthday" date,
	"gender" text DEFAULT 'unknown' NOT NULL,
	"province" text,
	"province_code" text,
	"district" text,
	"ward" text,
	"address" text,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"accepts_marketing" boolean DEFAULT false NOT NULL,
	"state" text,
	"haravan_orders_count" integer DEFAULT 0 NOT NULL,
	"haravan_total_spent" bigint DEFAULT 0 NOT NULL,
	"last_order_at" timestamp with time zone,
	"haravan_created_at" timestamp with time zone,
	"haravan_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"shop_id" text NOT NULL,
	"id" bigint NOT NULL,
	"name" text,
	"customer_id" bigint,
	"email" text,
	"phone_e164" text,
	"total_price" bigint DEFAULT 0 NOT NULL,
	"subtotal_price" bigint DEFAULT 0 NOT NULL,
	"shipping_price" bigint DEFAULT 0 NOT NULL,
	"total_discounts" bigint DEFAULT 0 NOT NULL,
	"refunded_amount" bigint DEFAULT 0 NOT NULL,
	"financial_status" text,
	"fulfillment_status" text,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"source_name" text,
	"gateway" text,
	"deleted" boolean DEFAULT false NOT NULL,
	"haravan_created_at" timestamp with time zone,
	"haravan_updated_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"shop_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"points" bigint DEFAULT 0 NOT NULL,
	"rank_points" bigint DEFAULT 0 NOT NULL,
	"state" text NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"source" text NOT NULL,
	"source_id" text,
	"idempotency_key" text NOT NULL,
	"reason" text,
	"rule" jsonb,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "members" (
	"shop_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"phone_e164" text,
	"email" text,
	"activated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activation_source" text NOT NULL,
	"tier_id" text,
	"points_available" bigint DEFAULT 0 NOT NULL,
	"points_pending" bigint DEFAULT 0 NOT NULL,
	"points_used" bigint DEFAULT 0 NOT NULL,
	"points_expired" bigint DEFAULT 0 NOT NULL,
	"rank_points" bigint DEFAULT 0 NOT NULL,
	"spend_baseline" bigint DEFAULT 0 NOT NULL,
	"opening_import_id" uuid,
	"total_spent" bigint DEFAULT 0 NOT NULL,
	"orders_count" integer DEFAULT 0 NOT NULL,
	"last_order_at" timestamp with time zone,
	"last_activity_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_shop_id_customer_id_pk" PRIMARY KEY("shop_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "tiers" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"threshold" bigint NOT NULL,
	"earn_multiplier_pct" integer DEFAULT 100 NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "tiers_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_inbox" (
	"shop_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "webhook_inbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"topic" text NOT NULL,
	"body_hash" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "webhook_inbox_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"shop_id" text NOT NULL,
	"import_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"status" text NOT NULL,
	"customer_id" bigint,
	"phone_e164" text,
	"name" text,
	"email" text,
	"raw" jsonb,
	"amount" bigint,
	"second_amount" bigint,
	"points" bigint,
	"reason" text,
	"warning" text,
	"applied_at" timestamp with time zone,
	CONSTRAINT "import_rows_shop_id_import_id_line_pk" PRIMARY KEY("shop_id","import_id","line")
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"shop_id" text NOT NULL,
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"file_name" text,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"done_rows" integer DEFAULT 0 NOT NULL,
	"preview" jsonb,
	"result" jsonb,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"undone_at" timestamp with time zone,
	CONSTRAINT "imports_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "activity_log" (
	"shop_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "activity_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor" text,
	"action" text NOT NULL,
	"subject" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_log_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"shop_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segments_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE INDEX "customers_phone_idx" ON "customers" USING btree ("shop_id","phone_e164");--> statement-breakpoint
CREATE INDEX "customers_updated_idx" ON "customers" USING btree ("shop_id","haravan_updated_at");--> statement-breakpoint
CREATE INDEX "orders_customer_idx" ON "orders" USING btree ("shop_id","customer_id");--> statement-breakpoint
CREATE INDEX "orders_phone_idx" ON "orders" USING btree ("shop_id","phone_e164");--> statement-breakpoint
CREATE INDEX "orders_updated_idx" ON "orders" USING btree ("shop_id","haravan_updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_idempotency_uq" ON "ledger_entries" USING btree ("shop_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "ledger_member_idx" ON "ledger_entries" USING btree ("shop_id","customer_id","id");--> statement-breakpoint
CREATE INDEX "ledger_source_idx" ON "ledger_entries" USING btree ("shop_id","source","source_id");--> statement-breakpoint
CREATE INDEX "ledger_pending_idx" ON "ledger_entries" USING btree ("shop_id","available_at") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "members_phone_idx" ON "members" USING btree ("shop_id","phone_e164");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_inbox_dedupe_uq" ON "webhook_inbox" USING btree ("shop_id","topic","body_hash");--> statement-breakpoint
CREATE INDEX "webhook_inbox_retry_idx" ON "webhook_inbox" USING btree ("status","received_at") WHERE status in ('received', 'failed');--> statement-breakpoint
CREATE INDEX "imports_created_idx" ON "imports" USING btree ("shop_id","created_at");--> statement-breakpoint
CREATE INDEX "activity_log_created_idx" ON "activity_log" USING btree ("shop_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_uq" ON "segments" USING btree ("shop_id","name");