CREATE TABLE "analytics"."product_name" (
	"product_id" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"order_id" integer NOT NULL
);
--> statement-breakpoint
-- The names of the products already in the facts, each from its latest order line.
INSERT INTO "analytics"."product_name" ("product_id", "name", "placed_at", "order_id")
SELECT DISTINCT ON (l."product_id") l."product_id", l."name", f."placed_at", f."order_id"
  FROM "analytics"."order_line_fact" AS l
  JOIN "analytics"."order_fact" AS f ON f."order_id" = l."order_id"
 ORDER BY l."product_id", f."placed_at" DESC, f."order_id" DESC;
