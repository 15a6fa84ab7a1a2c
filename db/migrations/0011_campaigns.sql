CREATE TABLE "campaign_recipients" (
	"shop_id" text NOT NULL,
	"campaign_id" uuid NOT NULL,
	"customer_id" bigint NOT NULL,
	"occurrence" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"order_id" bigint,
	"code" text,
	"code_status" text DEFAULT 'none' NOT NULL,
	"haravan_discount_id" bigint,
	"code_ends_at" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	CONSTRAINT "campaign_recipients_shop_id_campaign_id_customer_id_occurrence_pk" PRIMARY KEY("shop_id","campaign_id","customer_id","occurrence")
);
--> statement-breakpoint
CREATE TABLE "campaign_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"sms_price_per_part" bigint DEFAULT 800 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"shop_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"channels" text[] DEFAULT '{}' NOT NULL,
	"audience" jsonb NOT NULL,
	"email" jsonb,
	"sms" jsonb,
	"promo" jsonb,
	"trigger" jsonb,
	"send_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cursor" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hold" text,
	"last_sent_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "discount_codes" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_recipients_code_uq" ON "campaign_recipients" USING btree ("shop_id","code") WHERE code is not null;--> statement-breakpoint
CREATE INDEX "campaign_recipients_due_idx" ON "campaign_recipients" USING btree ("shop_id","campaign_id","status","due_at");--> statement-breakpoint
CREATE INDEX "campaign_recipients_customer_idx" ON "campaign_recipients" USING btree ("shop_id","customer_id");--> statement-breakpoint
CREATE INDEX "campaigns_created_idx" ON "campaigns" USING btree ("shop_id","created_at");--> statement-breakpoint
CREATE INDEX "campaigns_status_idx" ON "campaigns" USING btree ("status","shop_id");--> statement-breakpoint
CREATE INDEX "orders_discount_codes_idx" ON "orders" USING gin ("discount_codes") WHERE cardinality(discount_codes) > 0;