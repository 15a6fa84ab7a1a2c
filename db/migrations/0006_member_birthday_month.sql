ALTER TABLE "members" ADD COLUMN "birthday_month" smallint;--> statement-breakpoint
CREATE INDEX "members_birthday_spent_idx" ON "members" USING btree ("shop_id","birthday_month","total_spent");--> statement-breakpoint
-- Backfill: the month of the customer's birthday for every existing member (kept in sync by the app from here on).
update members m set birthday_month = extract(month from c.birthday)::smallint from customers c where c.shop_id = m.shop_id and c.id = m.customer_id and c.birthday is not null;
