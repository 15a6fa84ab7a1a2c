CREATE INDEX "customers_birthday_month_idx" ON "customers" USING btree ("shop_id",extract(month from "birthday"));--> statement-breakpoint
CREATE INDEX "members_last_order_idx" ON "members" USING btree ("shop_id","last_order_at");--> statement-breakpoint
CREATE INDEX "members_total_spent_idx" ON "members" USING btree ("shop_id","total_spent");--> statement-breakpoint
CREATE INDEX "members_activated_idx" ON "members" USING btree ("shop_id","activated_at");