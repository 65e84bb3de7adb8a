CREATE TYPE "public"."model_kind" AS ENUM('policy', 'reward');--> statement-breakpoint
ALTER TYPE "public"."run_kind" ADD VALUE 'rm' BEFORE 'sft+dpo';--> statement-breakpoint
CREATE TABLE "reward_scores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"completion_id" uuid NOT NULL,
	"model_version_id" uuid NOT NULL,
	"score" real NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "kind" "model_kind" DEFAULT 'policy' NOT NULL;--> statement-breakpoint
ALTER TABLE "reward_scores" ADD CONSTRAINT "reward_scores_completion_id_completions_id_fk" FOREIGN KEY ("completion_id") REFERENCES "public"."completions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reward_scores" ADD CONSTRAINT "reward_scores_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reward_scores_completion_version_idx" ON "reward_scores" USING btree ("completion_id","model_version_id");--> statement-breakpoint
CREATE INDEX "reward_scores_version_idx" ON "reward_scores" USING btree ("model_version_id");