CREATE TABLE "screenings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"prompt_id" uuid NOT NULL,
	"target_type" text NOT NULL,
	"target_id" uuid NOT NULL,
	"pii" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"review" text DEFAULT 'none' NOT NULL,
	"safety" text,
	"safety_categories" jsonb,
	"safety_attempts" integer DEFAULT 0 NOT NULL,
	"safety_error" text,
	"safety_checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "screenings" ADD CONSTRAINT "screenings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "screenings" ADD CONSTRAINT "screenings_prompt_id_prompts_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prompts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "screenings_target_idx" ON "screenings" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "screenings_prompt_idx" ON "screenings" USING btree ("prompt_id");--> statement-breakpoint
CREATE INDEX "screenings_project_review_idx" ON "screenings" USING btree ("project_id","review");