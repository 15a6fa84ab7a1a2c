ALTER TABLE "import_rows" ALTER COLUMN "raw" SET DATA TYPE json USING "raw"::json;
