DROP INDEX "members_last_order_idx";--> statement-breakpoint
DROP INDEX "members_total_spent_idx";--> statement-breakpoint
DROP INDEX "members_activated_idx";--> statement-breakpoint
CREATE INDEX "members_last_order_idx" ON "members" USING btree ("shop_id","last_order_at" DESC NULLS LAST,"customer_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "members_total_spent_idx" ON "members" USING btree ("shop_id","total_spent","customer_id");--> statement-breakpoint
CREATE INDEX "members_activated_idx" ON "members" USING btree ("shop_id","activated_at","customer_id");