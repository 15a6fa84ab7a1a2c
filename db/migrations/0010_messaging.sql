CREATE TABLE "email_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"security" text NOT NULL,
	"username" text DEFAULT '' NOT NULL,
	"password_enc" text,
	"from_name" text DEFAULT '' NOT NULL,
	"from_address" text NOT NULL,
	"daily_limit" integer NOT NULL,
	"paused_until" timestamp with time zone,
	"pause_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_consents" (
	"shop_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"state" text NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"actor" text,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "message_consents_shop_id_customer_id_channel_pk" PRIMARY KEY("shop_id","customer_id","channel")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"shop_id" text NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"customer_id" bigint,
	"recipient" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text NOT NULL,
	"occurrence" text DEFAULT '' NOT NULL,
	"recipient_key" text NOT NULL,
	"subject" text,
	"status" text NOT NULL,
	"reason" text,
	"provider_id" text,
	"parts" integer,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "messages_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE TABLE "sms_settings" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"provider" text DEFAULT 'vietguys' NOT NULL,
	"brandname" text NOT NULL,
	"username" text NOT NULL,
	"password_enc" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "messages_claim_uq" ON "messages" USING btree ("shop_id","source_type","source_id","recipient_key","channel","occurrence");--> statement-breakpoint
CREATE INDEX "messages_customer_idx" ON "messages" USING btree ("shop_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_recipient_idx" ON "messages" USING btree ("shop_id","channel","recipient","created_at");--> statement-breakpoint
CREATE INDEX "messages_channel_time_idx" ON "messages" USING btree ("shop_id","channel","created_at");