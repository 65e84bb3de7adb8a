// The write page: the last draft reopens after a reload, and similar-prompt hints (pg_trgm) never show others' drafts.
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { getDb } from "@/db/client";
import { prompts } from "@/db/schema";
import { findSimilarPrompts, getLastDraft, savePromptDraft, submitPrompt } from "@/lib/prompts/write";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { savePromptDraftInput, submitPromptInput, similarPromptsInput } from "@/lib/validation/prompts";

/** Parsed at the boundary first, as the action, route and CLI do. */
const savePromptDraftVia = (actor: Actor, raw: unknown) => withInput(savePromptDraftInput, raw, (input) => savePromptDraft(actor, input));
const submitPromptVia = (actor: Actor, raw: unknown) => withInput(submitPromptInput, raw, (input) => submitPrompt(actor, input));
const findSimilarPromptsVia = (actor: Actor, raw: unknown) => withInput(similarPromptsInput, raw, (input) => findSimilarPrompts(actor, input));

describeEachDatabase("write drafts", () => {
  it("reopens the draft saved last, with its demonstration; never a submitted prompt or someone else's draft", async () => {
    await seedProject();
    const ann = await makeActor("annotator");
    const other = await makeActor("annotator");
    expect(await getLastDraft(ann, "demo")).toBeNull();
    const first = await savePromptDraftVia(ann, { projectSlug: "demo", instruction: "First idea", demonstration: "A first answer" });
    await savePromptDraftVia(ann, { projectSlug: "demo", instruction: "Second idea", input: "some context", category: "coding" });
    await new Promise((r) => setTimeout(r, 5));
    // Typing on in the first draft makes it the latest again.
    await savePromptDraftVia(ann, { projectSlug: "demo", id: first.id, instruction: "First idea, refined", demonstration: "A better answer" });
    await new Promise((r) => setTimeout(r, 5));
    await savePromptDraftVia(other, { projectSlug: "demo", instruction: "Other's newer draft" });
    expect(await getLastDraft(ann, "demo")).toMatchObject({ id: first.id, instruction: "First idea, refined", demonstration: "A better answer", status: "draft" });

    await submitPromptVia(ann, { projectSlug: "demo", id: first.id, instruction: "First idea, refined and submitted", category: "coding" });
    expect(await getLastDraft(ann, "demo")).toMatchObject({ instruction: "Second idea", input: "some context", category: "coding" });
  });
});

describeEachDatabase("similar prompts while writing", () => {
  it("finds near-duplicates by trigram similarity, closest first, and never returns another annotator's draft", async () => {
    const project = await seedProject();
    await seedProject({ slug: "elsewhere" });
    const ann = await makeActor("annotator");
    const other = await makeActor("annotator");
    const text = "Explain why the sky is blue to a ten-year-old";
    const submitted = await submitPromptVia(other, { projectSlug: "demo", instruction: "Explain why the sky is blue to a ten year old child", category: "coding" });
    const othersDraft = await savePromptDraftVia(other, { projectSlug: "demo", instruction: "Explain why the sky is blue to a ten-year-old kid" });
    const myDraft = await savePromptDraftVia(ann, { projectSlug: "demo", instruction: "Explain why the sky looks blue to a ten-year-old" });
    const rejected = await submitPromptVia(other, { projectSlug: "demo", instruction: "Explain why the sky is blue to a 10-year-old", category: "coding" });
    await getDb().update(prompts).set({ status: "rejected" }).where(eq(prompts.id, rejected.id));
    await submitPromptVia(other, { projectSlug: "elsewhere", instruction: "Explain why the sky is blue to a ten-year-old", category: "coding" });
    await submitPromptVia(other, { projectSlug: "demo", instruction: "Write a haiku about autumn leaves falling", category: "coding" });

    const found = await findSimilarPromptsVia(ann, { projectSlug: "demo", instruction: text });
    const ids = found.map((f) => f.id);
    expect(ids).not.toContain(othersDraft.id);
    expect(ids).not.toContain(rejected.id);
    expect(new Set(ids)).toEqual(new Set([submitted.id, myDraft.id]));
    expect(found.every((f) => f.similarity >= 0.4 && f.similarity <= 1)).toBe(true);
    expect(found.map((f) => f.similarity)).toEqual([...found.map((f) => f.similarity)].sort((a, b) => b - a));

    // The other annotator sees their own draft (the closest: it differs by one word) but not ann's.
    const theirs = await findSimilarPromptsVia(other, { projectSlug: "demo", instruction: text });
    expect(theirs[0].id).toBe(othersDraft.id);
    expect(theirs.map((f) => f.id)).not.toContain(myDraft.id);
    // Under three words there is nothing to compare.
    expect(await findSimilarPromptsVia(ann, { projectSlug: "demo", instruction: "sky blue" })).toEqual([]);
    expect(project.slug).toBe("demo");
  });
});
