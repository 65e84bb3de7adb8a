ALTER TABLE "training_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "work_dir" text;--> statement-breakpoint
ALTER TABLE "training_runs" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;