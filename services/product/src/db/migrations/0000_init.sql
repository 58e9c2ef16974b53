CREATE SCHEMA IF NOT EXISTS "product";
--> statement-breakpoint
CREATE TABLE "product"."categories" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "product"."categories_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "categories_name_unique" UNIQUE("name"),
	CONSTRAINT "categories_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "product"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "product"."products" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "product"."products_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"price_cents" integer NOT NULL,
	"stock" integer NOT NULL,
	"category_id" integer NOT NULL,
	"image_key" text,
	"image_etag" text,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', "product"."products"."name"), 'A') || setweight(to_tsvector('english', "product"."products"."description"), 'B')) STORED NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_price_check" CHECK ("product"."products"."price_cents" >= 0),
	CONSTRAINT "products_stock_check" CHECK ("product"."products"."stock" >= 0)
);
--> statement-breakpoint
CREATE TABLE "product"."reservation_lines" (
	"reservation_id" uuid NOT NULL,
	"product_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"name" text NOT NULL,
	"unit_price_cents" integer NOT NULL,
	CONSTRAINT "reservation_lines_reservation_id_product_id_pk" PRIMARY KEY("reservation_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "product"."reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_ref" text NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reservations_status_check" CHECK ("product"."reservations"."status" in ('held', 'committed', 'released', 'expired'))
);
--> statement-breakpoint
ALTER TABLE "product"."products" ADD CONSTRAINT "products_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "product"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product"."reservation_lines" ADD CONSTRAINT "reservation_lines_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "product"."reservations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product"."reservation_lines" ADD CONSTRAINT "reservation_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "product"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "product"."products" USING gin ("search");--> statement-breakpoint
CREATE INDEX "products_newest_idx" ON "product"."products" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "product"."products"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "products_price_idx" ON "product"."products" USING btree ("price_cents","id") WHERE "product"."products"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "products_name_idx" ON "product"."products" USING btree ("name","id") WHERE "product"."products"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "products_category_price_idx" ON "product"."products" USING btree ("category_id","price_cents","id") WHERE "product"."products"."archived_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_order_ref_idx" ON "product"."reservations" USING btree ("order_ref");--> statement-breakpoint
CREATE INDEX "reservations_expiry_idx" ON "product"."reservations" USING btree ("expires_at") WHERE "product"."reservations"."status" = 'held';