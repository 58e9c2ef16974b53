CREATE SCHEMA IF NOT EXISTS "analytics";
--> statement-breakpoint
CREATE TABLE "analytics"."daily_product_sales" (
	"day" date NOT NULL,
	"product_id" integer NOT NULL,
	"units" bigint NOT NULL,
	"revenue_cents" bigint NOT NULL,
	CONSTRAINT "daily_product_sales_day_product_id_pk" PRIMARY KEY("day","product_id")
);
--> statement-breakpoint
CREATE TABLE "analytics"."daily_sales" (
	"day" date PRIMARY KEY NOT NULL,
	"orders" integer NOT NULL,
	"units" bigint NOT NULL,
	"revenue_cents" bigint NOT NULL,
	"cancelled_orders" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."etl_state" (
	"name" text PRIMARY KEY NOT NULL,
	"watermark" bigint DEFAULT 0 NOT NULL,
	"ran_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "analytics"."event" (
	"sequence" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "analytics"."event_sequence_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"type" text NOT NULL,
	"source" text NOT NULL,
	"time" timestamp with time zone,
	"data" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "analytics"."order_cancellation" (
	"order_id" integer PRIMARY KEY NOT NULL,
	"cancelled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."order_fact" (
	"order_id" integer PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"placed_on" date NOT NULL,
	"currency" text NOT NULL,
	"units" bigint NOT NULL,
	"revenue_cents" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics"."order_line_fact" (
	"order_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"name" text NOT NULL,
	"quantity" integer NOT NULL,
	"revenue_cents" bigint NOT NULL,
	CONSTRAINT "order_line_fact_order_id_product_id_pk" PRIMARY KEY("order_id","product_id")
);
--> statement-breakpoint
CREATE INDEX "order_fact_placed_on_idx" ON "analytics"."order_fact" USING btree ("placed_on");--> statement-breakpoint
CREATE INDEX "order_fact_user_idx" ON "analytics"."order_fact" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "order_line_fact_product_idx" ON "analytics"."order_line_fact" USING btree ("product_id");