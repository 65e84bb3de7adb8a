ALTER TABLE "prompts" ADD COLUMN "parent_completion_id" uuid;--> statement-breakpoint
ALTER TABLE "prompts" ADD COLUMN "system" text;--> statement-breakpoint
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_parent_completion_id_completions_id_fk" FOREIGN KEY ("parent_completion_id") REFERENCES "public"."completions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prompts_parent_completion_idx" ON "prompts" USING btree ("parent_completion_id") WHERE "prompts"."parent_completion_id" is not null;