-- No planner statistics for the ledger's rule (jsonb) and reason (text): no statement filters, joins or sorts on
-- them, and computing them was most of an ANALYZE of the ledger (on 13,000 entries: ~350 of ~420 ms, the jsonb
-- comparisons of its most common values and histogram). The statistics keeper (db/statistics.ts) analyses the ledger
-- each time it doubles while a new shop's traffic comes in, and autovacuum after; both now skip these two columns.
ALTER TABLE "ledger_entries" ALTER COLUMN "rule" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "ledger_entries" ALTER COLUMN "reason" SET STATISTICS 0;
