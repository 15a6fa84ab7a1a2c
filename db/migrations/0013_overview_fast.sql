CREATE TABLE "overview_seen" (
	"shop_id" text NOT NULL,
	"key" text NOT NULL,
	"stamp" timestamp with time zone NOT NULL,
	CONSTRAINT "overview_seen_shop_id_key_pk" PRIMARY KEY("shop_id","key")
);
