// A person's languages (#19): the ones they rank in. next-task (db/queries/assignments.ts lockCandidatePrompt) hands out
// only prompts in those languages, and prompts whose language is undetermined; an empty list means every language.
import "server-only";
import { getDb } from "@/db/client";
import { getUserLanguages, updateUserLanguages } from "@/db/queries/user-languages";
import { recordAudit } from "@/lib/audit";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import type { SetMyLanguagesInput } from "@/lib/validation/languages";
import { languageName } from "./codes";

export type MyLanguages = { languages: Array<{ code: string; name: string }> };

const named = (codes: string[]): MyLanguages => ({ languages: codes.map((code) => ({ code, name: languageName(code) })) });

export async function getMyLanguages(actor: Actor): Promise<MyLanguages> {
  assertRole(actor, "annotator");
  return named((await getUserLanguages(getDb(), actor.id)) ?? []);
}

/** Replaces the person's languages (audited as user.languages, in one transaction). */
export async function setMyLanguages(actor: Actor, input: SetMyLanguagesInput): Promise<MyLanguages> {
  assertRole(actor, "annotator");
  return getDb().transaction(async (tx) => {
    const before = await getUserLanguages(tx, actor.id);
    const saved = await updateUserLanguages(tx, actor.id, input.languages);
    if (!saved) throw new AppError("not_found:user", "No such user.");
    await recordAudit(tx, { actorId: actor.id, action: "user.languages", targetType: "user", targetId: actor.id, data: { before, after: saved } });
    return named(saved);
  });
}
