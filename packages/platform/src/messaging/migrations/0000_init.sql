CREATE SCHEMA IF NOT EXISTS "bus";
--> statement-breakpoint
CREATE TABLE "bus"."bindings" (
	"queue" text NOT NULL,
	"type" text NOT NULL,
	CONSTRAINT "bindings_queue_type_pk" PRIMARY KEY("queue","type")
);
--> statement-breakpoint
CREATE TABLE "bus"."dead_letters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"body" text NOT NULL,
	"attempts" integer NOT NULL,
	"error" text NOT NULL,
	"dead_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bus"."messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"body" text NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "dead_letters_queue_idx" ON "bus"."dead_letters" USING btree ("queue","id");--> statement-breakpoint
CREATE INDEX "messages_queue_idx" ON "bus"."messages" USING btree ("queue","id");