CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TABLE "collect_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"source_ids" jsonb NOT NULL,
	"prompt_limit" integer NOT NULL,
	"status" "run_status" DEFAULT 'queued' NOT NULL,
	"progress" jsonb DEFAULT '{"prompts":0,"done":0,"outputs":0}'::jsonb NOT NULL,
	"report" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"job_id" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "model_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"model" text NOT NULL,
	"api_key_encrypted" text,
	"settings" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "completions" ADD COLUMN "model_source_id" uuid;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "draft" jsonb;--> statement-breakpoint
ALTER TABLE "collect_runs" ADD CONSTRAINT "collect_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collect_runs" ADD CONSTRAINT "collect_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_sources" ADD CONSTRAINT "model_sources_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_sources" ADD CONSTRAINT "model_sources_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "collect_runs_project_idx" ON "collect_runs" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "model_sources_name_idx" ON "model_sources" USING btree ("project_id","name") WHERE "model_sources"."removed_at" is null;--> statement-breakpoint
CREATE INDEX "prompts_instruction_trgm_idx" ON "prompts" USING gin ("instruction" gin_trgm_ops);