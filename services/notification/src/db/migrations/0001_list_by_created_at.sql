DROP INDEX "notification"."emails_status_idx";--> statement-breakpoint
CREATE INDEX "emails_created_idx" ON "notification"."emails" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "emails_status_created_idx" ON "notification"."emails" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);