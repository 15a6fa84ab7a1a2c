ALTER TABLE "imports" ADD COLUMN "applied_points" bigint;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "applied_rank_points" bigint;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "skipped_rows" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "skipped_warnings" integer;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "rule" jsonb;