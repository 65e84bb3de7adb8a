// Model sources as admins manage them: add (key sealed), list (key never shown), test with one short request, remove.
import "server-only";
import { assertRole } from "@/lib/auth/roles";
import { getDb } from "@/db/client";
import { listModelVersions } from "@/db/queries/runs";
import * as q from "@/db/queries/sources";
import type { ModelSource } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { projectBySlugOr404, type AnyActor } from "@/lib/projects/projects";
import { sourceSettingsFrom, type AddSourceInput, type SourceRefInput } from "@/lib/validation/sources";
import { askChat, SourceCallError, type ChatEndpoint } from "./chat-client";
import { openSecret, sealSecret } from "./secret-box";

/** What anyone outside lib/sources sees of a source: everything but the key, which only says whether there is one. */
export function sourceView(s: ModelSource) {
  return { id: s.id, name: s.name, baseUrl: s.baseUrl, model: s.model, hasApiKey: s.apiKeyEncrypted !== null, settings: s.settings, createdAt: s.createdAt.toISOString() };
}
export type SourceView = ReturnType<typeof sourceView>;

/** The endpoint with its key opened, for the collect job and `source test` only. */
export function endpointOf(s: ModelSource): ChatEndpoint {
  return { name: s.name, baseUrl: s.baseUrl, model: s.model, apiKey: s.apiKeyEncrypted ? openSecret(s.apiKeyEncrypted, s.name) : null, settings: s.settings };
}

function nameTaken(name: string, what: string) {
  return new AppError("conflict:source", `The name "${name}" is already used by ${what} in this project.`, { name: [`Already used by ${what}`] });
}

function isUniqueViolation(e: unknown): boolean {
  for (let err = e as { code?: string; cause?: unknown } | undefined, depth = 0; err && depth < 4; err = err.cause as typeof err, depth++) {
    if (err.code === "23505") return true;
  }
  return false;
}

export async function addSource(actor: AnyActor | null, input: AddSourceInput): Promise<SourceView> {
  const who = assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  // Sources and versions share the leaderboard's column of names.
  if ((await listModelVersions(db, project.id)).some((v) => v.label === input.name)) throw nameTaken(input.name, "a model version");
  try {
    return await db.transaction(async (tx) => {
      if (await q.getSourceByName(tx, project.id, input.name)) throw nameTaken(input.name, "another source");
      const row = await q.insertSource(tx, {
        projectId: project.id,
        name: input.name,
        baseUrl: input.baseUrl,
        model: input.model,
        apiKeyEncrypted: input.apiKey ? sealSecret(input.apiKey) : null,
        settings: sourceSettingsFrom(input),
        createdBy: who.id,
      });
      await recordAudit(tx, { actorId: who.id, action: "source.add", targetType: "model_source", targetId: row.id, data: { name: row.name, baseUrl: row.baseUrl, model: row.model, hasApiKey: row.apiKeyEncrypted !== null } });
      return sourceView(row);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name, "another source");
    throw e;
  }
}

export async function listSources(actor: AnyActor | null, projectSlug: string): Promise<SourceView[]> {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  return (await q.listSourcesByProject(db, project.id)).map(sourceView);
}

async function sourceOr404(ref: SourceRefInput) {
  const db = getDb();
  const project = await projectBySlugOr404(db, ref.projectSlug, "projectSlug");
  const source = await q.getSourceByName(db, project.id, ref.name);
  if (!source) throw new AppError("not_found:source", `No source "${ref.name}" in project "${ref.projectSlug}".`, { name: ["Unknown source"] });
  return source;
}

/** The outputs it wrote stay, attributed to it by name; the name is free for a new source. */
export async function removeSource(actor: AnyActor | null, ref: SourceRefInput): Promise<{ id: string; name: string }> {
  const who = assertRole(actor, "admin");
  const source = await sourceOr404(ref);
  return getDb().transaction(async (tx) => {
    const row = await q.markSourceRemoved(tx, source.id);
    if (!row) throw new AppError("not_found:source", `No source "${ref.name}" in project "${ref.projectSlug}".`, { name: ["Unknown source"] });
    await recordAudit(tx, { actorId: who.id, action: "source.remove", targetType: "model_source", targetId: row.id, data: { name: row.name } });
    return { id: row.id, name: row.name };
  });
}

export type SourceTestResult = { ok: true; reply: string; ms: number } | { ok: false; failure: string; error: string; ms: number };

/** One short request, no retries: what answered, or what failed (the key is never in the answer). */
export async function testSource(actor: AnyActor | null, ref: SourceRefInput): Promise<SourceTestResult> {
  assertRole(actor, "admin");
  const source = await sourceOr404(ref);
  const started = Date.now();
  try {
    const endpoint = endpointOf(source);
    const { text } = await askChat({ ...endpoint, settings: { ...endpoint.settings, maxRetries: 0 } }, "Reply with the single word: ok", { maxTokens: 16 });
    return { ok: true, reply: text.slice(0, 200), ms: Date.now() - started };
  } catch (e) {
    if (e instanceof SourceCallError) return { ok: false, failure: e.failure, error: e.message, ms: Date.now() - started };
    if (e instanceof AppError && e.surface === "source_key") return { ok: false, failure: "key", error: e.message, ms: Date.now() - started };
    throw e;
  }
}
