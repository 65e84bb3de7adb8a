ALTER TABLE "assignments" ADD COLUMN "project_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "submitted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "assignment_id" uuid;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "gold_score" real;--> statement-breakpoint
CREATE INDEX "assignments_project_open_idx" ON "assignments" USING btree ("project_id","status","expires_at");