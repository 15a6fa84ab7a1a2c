ALTER TABLE "imports" ADD COLUMN "applied_through" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "imports" ADD COLUMN "undone_through" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Imports that were applied (or were being applied or undone) by the per-line applied_at marks get their cursors. Both
-- jobs walked the lines in order, so the marks are a prefix: applied up to the last marked line, undone below the first.
update imports i set applied_through = coalesce((select max(r.line) from import_rows r where r.shop_id = i.shop_id and r.import_id = i.id and r.applied_at is not null), 0)
where i.status = 'applying';--> statement-breakpoint
update imports i set applied_through = coalesce((select max(r.line) from import_rows r where r.shop_id = i.shop_id and r.import_id = i.id), 0)
where i.status in ('done', 'undoing', 'undone');--> statement-breakpoint
update imports i set undone_through = coalesce(
  (select min(r.line) - 1 from import_rows r where r.shop_id = i.shop_id and r.import_id = i.id and r.status = 'matched' and r.applied_at is not null),
  i.applied_through)
where i.status = 'undoing';
