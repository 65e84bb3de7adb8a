ALTER TABLE "invites" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
UPDATE "invites" SET "revoked_at" = now() WHERE "accepted_at" IS NULL AND "id" NOT IN (SELECT DISTINCT ON (lower("email")) "id" FROM "invites" WHERE "accepted_at" IS NULL ORDER BY lower("email"), "created_at" DESC, "id");--> statement-breakpoint
CREATE UNIQUE INDEX "invites_open_email_idx" ON "invites" USING btree (lower("email")) WHERE "invites"."accepted_at" is null and "invites"."revoked_at" is null;
