ALTER TABLE "prompts" ADD COLUMN "compare_of" uuid;--> statement-breakpoint
ALTER TABLE "prompts" ADD COLUMN "compare_version_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "prompts_compare_idx" ON "prompts" USING btree ("compare_version_id","compare_of") WHERE "prompts"."compare_version_id" is not null;