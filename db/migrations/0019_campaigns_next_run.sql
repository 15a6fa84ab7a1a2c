ALTER TABLE "campaigns" ADD COLUMN "next_run_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "campaigns_next_run_idx" ON "campaigns" USING btree ("next_run_at") WHERE status = 'active';--> statement-breakpoint
UPDATE "campaigns" SET "next_run_at" = now() WHERE "status" = 'active';