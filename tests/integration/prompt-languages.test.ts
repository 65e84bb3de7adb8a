// Prompt languages (#19) on both databases: declared or detected on import, an annotator's languages filter next-task,
// exports filter by language and count prompts per language in the manifest, the Diversity report breaks down by language.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { getDb } from "@/db/client";
import { completions, prompts } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { getDiversity } from "@/lib/diversity/diversity";
import { createExport } from "@/lib/exports/snapshot";
import { importFile } from "@/lib/imports/import-file";
import { getMyLanguages, setMyLanguages } from "@/lib/languages/settings";
import { nextTask } from "@/lib/rankings/tasks";
import { skipTask } from "@/lib/rankings/submit";
import { createExportInput } from "@/lib/validation/exports";
import { setMyLanguagesInput } from "@/lib/validation/languages";
import { nextTaskInput, skipTaskInput } from "@/lib/validation/rankings";

const setLanguagesVia = (actor: Actor, raw: unknown) => withInput(setMyLanguagesInput, raw, (input) => setMyLanguages(actor, input));
const nextTaskVia = (actor: Actor) => withInput(nextTaskInput, { projectSlug: "demo" }, (input) => nextTask(actor, input));
const skipVia = (actor: Actor, assignmentId: string) => withInput(skipTaskInput, { assignmentId, reason: "other" }, (input) => skipTask(actor, input));
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));

const texts = {
  en: "Explain the difference between weather and climate in a few sentences for a child.",
  es: "¿Cuál es la capital de Francia? Explica brevemente su historia.",
  ar: "اكتب قصيدة قصيرة عن البحر والرياح في المساء",
  short: "Hola",
};

/** Approved prompts in the given languages (null = undetermined), each with two imported outputs and an approved demonstration. */
async function promptsIn(projectId: string, languages: Array<string | null>) {
  const db = getDb();
  const made = await db
    .insert(prompts)
    .values(languages.map((language, i) => ({ projectId, instruction: `Task ${i} ${randomUUID()}`, language, source: "import" as const, status: "approved" as const, createdAt: new Date(Date.now() - (60 - i) * 60_000) })))
    .returning({ id: prompts.id, language: prompts.language });
  await db.insert(completions).values(made.flatMap((p) => [0, 1].map((j) => ({ promptId: p.id, text: `Output ${j} of ${p.id}`, source: "import" as const, generator: `m${j}` }))));
  await db.insert(completions).values(made.map((p) => ({ promptId: p.id, text: `Demonstration for ${p.id}`, source: "human" as const, isDemonstration: true, status: "approved" as const })));
  return made;
}

describeEachDatabase("prompt languages", () => {
  it("imports declare a language or have each prompt's detected (short texts stay undetermined); an unknown code is a 400 naming language", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-lang-"));
    const file = path.join(dir, "rows.jsonl");
    fs.writeFileSync(file, Object.values(texts).map((instruction) => JSON.stringify({ instruction, input: "", output: "An answer." })).join("\n") + "\n");

    await expect(importFile(admin, { projectSlug: "demo", path: file, format: "alpaca", language: "xx" })).rejects.toMatchObject({ status: 400, fieldErrors: { language: [expect.stringContaining('"xx"')] } });
    expect(await getDb().select().from(prompts).where(eq(prompts.projectId, project.id))).toHaveLength(0);

    await importFile(admin, { projectSlug: "demo", path: file, format: "alpaca" });
    const detected = await getDb().select({ instruction: prompts.instruction, language: prompts.language }).from(prompts).where(eq(prompts.projectId, project.id));
    expect(Object.fromEntries(detected.map((p) => [p.instruction, p.language]))).toEqual({ [texts.en]: "en", [texts.es]: "es", [texts.ar]: "ar", [texts.short]: null });

    // Declared: every prompt of the file takes it, in its canonical form (ISO 639-3 "spa" is "es").
    const other = await seedProject({ slug: "declared" });
    await importFile(admin, { projectSlug: "declared", path: file, format: "alpaca", language: "spa" });
    const declared = await getDb().select({ language: prompts.language }).from(prompts).where(eq(prompts.projectId, other.id));
    expect(declared.map((p) => p.language)).toEqual(["es", "es", "es", "es"]);
  });

  it("Open-Assistant trees and earlier conversation turns are detected too, or take the declared language", async () => {
    const admin = await makeActor("admin");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-lang-"));
    const file = path.join(dir, "tree.jsonl");
    const tree = { prompt: { message_id: "a", role: "prompter", text: texts.es, replies: [{ message_id: "b", parent_id: "a", role: "assistant", text: "París.", replies: [{ message_id: "c", parent_id: "b", role: "prompter", text: texts.short }] }] } };
    fs.writeFileSync(file, JSON.stringify(tree) + "\n");
    const detected = await seedProject({ slug: "tree" });
    await importFile(admin, { projectSlug: "tree", path: file, format: "oasst" });
    const rows = await getDb().select({ instruction: prompts.instruction, language: prompts.language }).from(prompts).where(eq(prompts.projectId, detected.id));
    expect(Object.fromEntries(rows.map((p) => [p.instruction, p.language]))).toEqual({ [texts.es]: "es", [texts.short]: null });
    // A TRL conversation's earlier user turn is a prompt of its own, detected the same way.
    const trl = path.join(dir, "trl.jsonl");
    fs.writeFileSync(trl, JSON.stringify({ prompt: [{ role: "user", content: texts.ar }, { role: "assistant", content: "حسناً" }, { role: "user", content: texts.en }], chosen: [{ role: "assistant", content: "Yes." }], rejected: [{ role: "assistant", content: "No." }] }) + "\n");
    const conv = await seedProject({ slug: "conv" });
    await importFile(admin, { projectSlug: "conv", path: trl, format: "trl" });
    const turns = await getDb().select({ instruction: prompts.instruction, language: prompts.language }).from(prompts).where(eq(prompts.projectId, conv.id));
    expect(Object.fromEntries(turns.map((p) => [p.instruction, p.language]))).toEqual({ [texts.ar]: "ar", [texts.en]: "en" });

    const declared = await seedProject({ slug: "tree-ar" });
    await importFile(admin, { projectSlug: "tree-ar", path: file, format: "oasst", language: "ar" });
    const rowsAr = await getDb().select({ language: prompts.language }).from(prompts).where(eq(prompts.projectId, declared.id));
    expect(rowsAr.map((p) => p.language)).toEqual(["ar", "ar"]);
  });

  it("next-task hands out only the annotator's languages and undetermined prompts; none set means all; a bad code is a 400 naming the entry", async () => {
    const project = await seedProject({ settings: { overlap: 1, k: 2 } });
    // Oldest first: en, en, es, undetermined, ar.
    const made = await promptsIn(project.id, ["en", "en", "es", null, "ar"]);
    const lang = new Map(made.map((p) => [p.id, p.language]));

    const ana = await makeActor("annotator");
    await expect(setLanguagesVia(ana, { languages: ["es", "klingon"] })).rejects.toMatchObject({ status: 400, fieldErrors: { "languages.1": [expect.stringContaining('"klingon"')] } });
    await expect(setLanguagesVia(ana, { languages: "es, zz" })).rejects.toMatchObject({ status: 400, fieldErrors: { "languages.1": [expect.stringContaining('"zz"')] } });
    expect((await getMyLanguages(ana)).languages).toEqual([]);
    const saved = await setLanguagesVia(ana, { languages: "spa, AR, es" });
    expect(saved.languages).toEqual([
      { code: "es", name: "Spanish" },
      { code: "ar", name: "Arabic" },
    ]);

    const seen: Array<string | null> = [];
    for (let i = 0; i < 5; i++) {
      const t = await nextTaskVia(ana);
      if (!t) break;
      seen.push(lang.get(t.prompt.id)!);
      await skipVia(ana, t.assignmentId);
    }
    expect(seen).toEqual(["es", null, "ar"]);

    // No languages: everything, oldest first.
    const bea = await makeActor("annotator");
    await setLanguagesVia(bea, { languages: [] });
    const first = await nextTaskVia(bea);
    expect(lang.get(first!.prompt.id)).toBe("en");
  });

  it("exports count prompts per language in the manifest and filter by --language; the Diversity report breaks down by language", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { overlap: 1, k: 2 } });
    await promptsIn(project.id, ["en", "en", "es", null]);

    await expect(createExportVia(admin, { projectSlug: "demo", options: { language: "nope" } })).rejects.toMatchObject({ status: 400, fieldErrors: { "options.language": [expect.stringContaining('"nope"')] } });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-lang-"));
    const all = await createExportVia(admin, { projectSlug: "demo", out: path.join(dir, "all"), options: { evalFraction: 0 } });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "all", "manifest.json"), "utf8")) as { languages: Record<string, number> };
    expect(all.prompts).toBe(4);
    expect(manifest.languages).toEqual({ en: 2, es: 1, und: 1 });

    const es = await createExportVia(admin, { projectSlug: "demo", out: path.join(dir, "es"), options: { evalFraction: 0, language: "spa" } });
    const esManifest = JSON.parse(fs.readFileSync(path.join(dir, "es", "manifest.json"), "utf8")) as { languages: Record<string, number>; filters: { language?: string } };
    expect(es.prompts).toBe(1);
    expect(esManifest.languages).toEqual({ es: 1 });
    expect(esManifest.filters.language).toBe("es");

    const report = await getDiversity(admin, "demo");
    expect(report.languages).toEqual([
      { code: "en", name: "English", prompts: 2, share: 0.5, rankings: 0 },
      { code: "es", name: "Spanish", prompts: 1, share: 0.25, rankings: 0 },
      { code: "und", name: "Undetermined", prompts: 1, share: 0.25, rankings: 0 },
    ]);
  });
});
