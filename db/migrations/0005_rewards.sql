CREATE TABLE "auto_rewards" (
	"shop_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"trigger" text NOT NULL,
	"tier_id" text,
	"enabled" boolean DEFAULT false NOT NULL,
	"discount_type" text NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	"valid_days" integer DEFAULT 30 NOT NULL,
	"minimum_order_amount" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auto_rewards_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "reward_options" (
	"shop_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"points_cost" integer NOT NULL,
	"discount_type" text NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	"valid_days" integer DEFAULT 30 NOT NULL,
	"minimum_order_amount" bigint DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reward_options_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "rewards" (
	"shop_id" text NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" bigint NOT NULL,
	"trigger" text NOT NULL,
	"option_id" uuid,
	"status" text NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"discount_type" text NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	"minimum_order_amount" bigint DEFAULT 0 NOT NULL,
	"code" text NOT NULL,
	"haravan_discount_id" bigint,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"error" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rewards_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "auto_rewards_trigger_uq" ON "auto_rewards" USING btree ("shop_id","trigger",coalesce("tier_id", ''));--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_idempotency_uq" ON "rewards" USING btree ("shop_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "rewards_code_uq" ON "rewards" USING btree ("shop_id","code");--> statement-breakpoint
CREATE INDEX "rewards_member_idx" ON "rewards" USING btree ("shop_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "rewards_open_idx" ON "rewards" USING btree ("shop_id","status","updated_at") WHERE status in ('reserved', 'pending', 'held');