// The screening settings a project may name: its moderation source must be one of its own, not removed.
import "server-only";
import type { DbOrTx } from "@/db/client";
import { listSourcesByIds } from "@/db/queries/sources";
import type { ProjectSettings } from "@/db/schema";
import { AppError } from "@/lib/errors";

export async function checkModerationSource(db: DbOrTx, projectId: string | null, settings: ProjectSettings) {
  const id = settings.moderationSourceId;
  if (!id) return;
  const [source] = await listSourcesByIds(db, [id]);
  if (!source || source.projectId !== projectId || source.removedAt) {
    throw new AppError("bad_request:project", "The moderation source must be one of this project's model sources.", { moderationSourceId: ["Not a model source of this project"] });
  }
}
