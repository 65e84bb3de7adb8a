CREATE TABLE "base_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"source_path" text NOT NULL,
	"checkpoint_path" text NOT NULL,
	"status" text DEFAULT 'importing' NOT NULL,
	"family" text,
	"config" jsonb,
	"error" text,
	"log_tail" text,
	"job_id" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "base_model_id" uuid;--> statement-breakpoint
ALTER TABLE "base_models" ADD CONSTRAINT "base_models_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "base_models_importing_idx" ON "base_models" USING btree ("source_path") WHERE "base_models"."status" = 'importing';--> statement-breakpoint
CREATE UNIQUE INDEX "base_models_name_idx" ON "base_models" USING btree ("name") WHERE "base_models"."status" <> 'failed';--> statement-breakpoint
CREATE INDEX "base_models_created_idx" ON "base_models" USING btree ("created_at");