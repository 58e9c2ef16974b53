CREATE SCHEMA IF NOT EXISTS "cart";
--> statement-breakpoint
CREATE TABLE "cart"."carts" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"touched_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cart"."inbox" (
	"consumer" text NOT NULL,
	"event_id" uuid NOT NULL,
	"handled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "cart"."lines" (
	"user_id" integer NOT NULL,
	"product_id" integer NOT NULL,
	"quantity" integer NOT NULL,
	"position" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cart"."lines_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"added_at" timestamp with time zone NOT NULL,
	CONSTRAINT "lines_user_id_product_id_pk" PRIMARY KEY("user_id","product_id"),
	CONSTRAINT "lines_quantity_check" CHECK ("cart"."lines"."quantity" > 0)
);
--> statement-breakpoint
ALTER TABLE "cart"."lines" ADD CONSTRAINT "lines_user_id_carts_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "cart"."carts"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "carts_touched_idx" ON "cart"."carts" USING btree ("touched_at");--> statement-breakpoint
CREATE INDEX "lines_user_position_idx" ON "cart"."lines" USING btree ("user_id","position");