CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "draft" jsonb;--> statement-breakpoint
CREATE INDEX "prompts_instruction_trgm_idx" ON "prompts" USING gin ("instruction" gin_trgm_ops);
