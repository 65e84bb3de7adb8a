// Texts held for screening stay out of annotators' sight after the fact: a ranking on a lease whose prompt was held later is
// refused, and the write-from-seed novelty refusal names no held task's text.
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { getDb } from "@/db/client";
import { setSafetyResult } from "@/db/queries/screenings";
import { assignments, completions, rankings, screenings } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { updateProject } from "@/lib/projects/projects";
import { checkNovelty, submitFromSeed } from "@/lib/prompts/from-seed";
import { submitPrompt } from "@/lib/prompts/write";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { decideReview } from "@/lib/reviews/review";
import { screenStored } from "@/lib/screening/screen";
import { updateProjectInput } from "@/lib/validation/projects";
import { noveltyInput, submitFromSeedInput, submitPromptInput } from "@/lib/validation/prompts";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { reviewDecisionInput } from "@/lib/validation/reviews";

const nextVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
const submitVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const decideVia = (actor: Actor, raw: unknown) => withInput(reviewDecisionInput, raw, (input) => decideReview(actor, input));
const settingsVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));
const noveltyVia = (actor: Actor, raw: { projectSlug: string; instruction: string }) =>
  withInput(noveltyInput, { projectSlug: raw.projectSlug, instruction: raw.instruction }, (input) => checkNovelty(actor, input));
const fromSeedVia = (actor: Actor, raw: unknown) => withInput(submitFromSeedInput, raw, (input) => submitFromSeed(actor, input));

const rankingsOf = async (promptId: string) => getDb().select().from(rankings).where(eq(rankings.promptId, promptId));

describeEachDatabase("Held texts after the fact", () => {
  it("refuses a ranking whose prompt was held for screening after the lease was taken (409, nothing written); cleared, the same lease submits", async () => {
    const project = await seedProject();
    const [promptId] = await seedPrompts(project.id, 1, 2);
    const outs = await getDb().select({ id: completions.id }).from(completions).where(eq(completions.promptId, promptId));
    await screenStored(getDb(), { promptIds: [promptId], completionIds: outs.map((c) => c.id) });
    const ann = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    const task = await nextVia(ann, { projectSlug: "demo" });
    expect(task!.prompt.id).toBe(promptId);

    // The moderation model's verdict lands while the annotator is ranking.
    const [screening] = await getDb().select().from(screenings).where(eq(screenings.promptId, promptId)).limit(1);
    await setSafetyResult(getDb(), screening.id, { safety: "flagged", categories: ["S1"] });
    const ranking = { assignmentId: task!.assignmentId, order: task!.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID() };
    await expect(submitVia(ann, ranking)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/held for screening review/), fieldErrors: { assignmentId: ["Held for screening review"] } });
    expect(await rankingsOf(promptId)).toHaveLength(0);
    const [lease] = await getDb().select().from(assignments).where(eq(assignments.id, task!.assignmentId));
    expect(lease.status).toBe("open");

    // A reviewer clears it: the same lease and key now submit.
    await decideVia(reviewer, { kind: "screening", id: promptId, decision: "approve" });
    const done = await submitVia(ann, ranking);
    expect(done).toMatchObject({ promptId, duplicate: false });
    expect(await rankingsOf(promptId)).toHaveLength(1);
  });

  it("a project that shows screened texts takes the ranking", async () => {
    const project = await seedProject({ settings: { screeningHold: "show" } });
    const [promptId] = await seedPrompts(project.id, 1, 2);
    const outs = await getDb().select({ id: completions.id }).from(completions).where(eq(completions.promptId, promptId));
    await screenStored(getDb(), { promptIds: [promptId], completionIds: outs.map((c) => c.id) });
    const ann = await makeActor("annotator");
    const task = await nextVia(ann, { projectSlug: "demo" });
    const [screening] = await getDb().select().from(screenings).where(eq(screenings.promptId, promptId)).limit(1);
    await setSafetyResult(getDb(), screening.id, { safety: "flagged", categories: ["S1"] });
    await submitVia(ann, { assignmentId: task!.assignmentId, order: task!.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID() });
    expect(await rankingsOf(promptId)).toHaveLength(1);
  });

  it("the novelty refusal says a close task exists without its text while that task is held; its text once cleared", async () => {
    await seedProject();
    const author = await makeActor("annotator");
    const writer = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    const admin = await makeActor("admin");
    const held = await withInput(submitPromptInput, { projectSlug: "demo", instruction: "Write a short email to jane.roe@example.org about the picnic.", category: "coding" }, (input) => submitPrompt(author, input));
    const [open] = await getDb().select().from(screenings).where(eq(screenings.promptId, held.id));
    expect(open.review).toBe("open");

    const near = { projectSlug: "demo", instruction: "Write a short email to jane.roe@example.org about the party.", category: "coding" };
    const novelty = await noveltyVia(writer, near);
    expect(novelty.novel).toBe(false);
    expect(novelty.closest).toEqual({ held: true });
    expect(JSON.stringify(novelty)).not.toContain("jane.roe");
    const refused = fromSeedVia(writer, near);
    await expect(refused).rejects.toMatchObject({ status: 409, fieldErrors: { instruction: [expect.stringMatching(/awaits screening review, so its text is not shown/)] } });
    await expect(fromSeedVia(writer, near)).rejects.toSatisfy((e: { message: string; fieldErrors: Record<string, string[]> }) => !JSON.stringify([e.message, e.fieldErrors]).includes("jane.roe"));

    // A project that shows screened texts shows the match, as does a cleared screening.
    await settingsVia(admin, { screeningHold: "show" });
    expect((await noveltyVia(writer, near)).closest).toMatchObject({ held: false, id: held.id, instruction: "Write a short email to jane.roe@example.org about the picnic." });
    await settingsVia(admin, { screeningHold: "hold" });
    expect((await noveltyVia(writer, near)).closest).toEqual({ held: true });
    await decideVia(reviewer, { kind: "screening", id: held.id, decision: "approve" });
    await expect(fromSeedVia(writer, near)).rejects.toMatchObject({ status: 409, fieldErrors: { instruction: [expect.stringMatching(/: “Write a short email to jane\.roe@example\.org about the picnic\.”$/)] } });
  });
});
