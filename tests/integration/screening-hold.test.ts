// The screening hold on a real database: texts with open PII hits or a safety flag reach no annotator until a reviewer clears them.
import { eq, inArray } from "drizzle-orm";
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { getDb } from "@/db/client";
import { setSafetyResult } from "@/db/queries/screenings";
import { assignments, completions, prompts, screenings } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { continueConversation } from "@/lib/conversations/continue";
import { listConversationTurns } from "@/lib/conversations/turns";
import { updateProject } from "@/lib/projects/projects";
import { findSimilarPrompts, submitPrompt } from "@/lib/prompts/write";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { decideReview } from "@/lib/reviews/review";
import { screenStored } from "@/lib/screening/screen";
import { continueConversationInput } from "@/lib/validation/conversations";
import { updateProjectInput } from "@/lib/validation/projects";
import { similarPromptsInput, submitPromptInput } from "@/lib/validation/prompts";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { reviewDecisionInput } from "@/lib/validation/reviews";

const nextVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
const submitVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const decideVia = (actor: Actor, raw: unknown) => withInput(reviewDecisionInput, raw, (input) => decideReview(actor, input));
const settingsVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));
const submitPromptVia = (actor: Actor, raw: unknown) => withInput(submitPromptInput, raw, (input) => submitPrompt(actor, input));
const continueVia = (actor: Actor, raw: unknown) => withInput(continueConversationInput, raw, (input) => continueConversation(actor, input));
const similarVia = (actor: Actor, raw: unknown) => withInput(similarPromptsInput, raw, (input) => findSimilarPrompts(actor, input));

/** Ranks every task the annotator is handed until there is none; returns the prompts in the order handed out. */
async function rankAll(actor: Actor): Promise<string[]> {
  const seen: string[] = [];
  for (let task = await nextVia(actor, { projectSlug: "demo" }); task; task = await nextVia(actor, { projectSlug: "demo" })) {
    seen.push(task.prompt.id);
    await submitVia(actor, { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID() });
  }
  return seen;
}

/** Screens a prompt (and its outputs) as stored, after writing `text` into its instruction or one output. */
async function plant(promptId: string, where: "instruction" | "output", text: string) {
  const db = getDb();
  if (where === "instruction") await db.update(prompts).set({ instruction: text }).where(eq(prompts.id, promptId));
  else {
    const [c] = await db.select().from(completions).where(eq(completions.promptId, promptId)).limit(1);
    await db.update(completions).set({ text }).where(eq(completions.id, c.id));
  }
  const outs = await db.select({ id: completions.id }).from(completions).where(eq(completions.promptId, promptId));
  await screenStored(db, { promptIds: [promptId], completionIds: outs.map((c) => c.id) });
}

describeEachDatabase("Screening hold", () => {
  it("keeps prompts with PII hits or a safety flag out of next task until a reviewer clears them; a lease flagged later is let go; show turns it off", async () => {
    const project = await seedProject();
    const [inInstruction, inOutput, flagged, clean, lateFlag] = await seedPrompts(project.id, 5, 2);
    const reviewer = await makeActor("reviewer");
    const admin = await makeActor("admin");
    await plant(inInstruction, "instruction", "Write back to jane.roe@example.org about the invoice.");
    await plant(inOutput, "output", "Call me on (415) 555-2671 tomorrow.");
    await plant(flagged, "output", "A harmless-looking answer.");
    await plant(clean, "output", "Nothing personal here.");
    await plant(lateFlag, "output", "Also nothing personal.");
    // the moderation model's verdict on one output of `flagged` opens its screening (as the moderate job records it)
    const [mod] = await getDb().select().from(screenings).where(eq(screenings.promptId, flagged)).limit(1);
    await setSafetyResult(getDb(), mod.id, { safety: "flagged", categories: ["S1"] });

    // Held: only the clean prompts reach the first annotator.
    const ann1 = await makeActor("annotator");
    expect((await rankAll(ann1)).sort()).toEqual([clean, lateFlag].sort());

    // A lease taken before the moderation verdict: the next call lets it go and hands out nothing held.
    const ann2 = await makeActor("annotator");
    const first = await nextVia(ann2, { projectSlug: "demo" });
    expect([clean, lateFlag]).toContain(first!.prompt.id);
    const [late] = await getDb().select().from(screenings).where(eq(screenings.promptId, first!.prompt.id)).limit(1);
    await setSafetyResult(getDb(), late.id, { safety: "flagged", categories: ["S10"] });
    const second = await nextVia(ann2, { projectSlug: "demo" });
    expect(second!.prompt.id).not.toBe(first!.prompt.id);
    expect([clean, lateFlag]).toContain(second!.prompt.id);
    const [gone] = await getDb().select().from(assignments).where(eq(assignments.id, first!.assignmentId));
    expect(gone.status).toBe("expired");
    await submitVia(ann2, { assignmentId: second!.assignmentId, order: second!.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID() });
    expect(await nextVia(ann2, { projectSlug: "demo" })).toBeNull();

    // Cleared by a reviewer: handed out (the hit was not personal data); rejected: never.
    await decideVia(reviewer, { kind: "screening", id: inOutput, decision: "approve" });
    await decideVia(reviewer, { kind: "screening", id: flagged, decision: "reject", reason: "unsafe" });
    expect(await rankAll(ann1)).toEqual([inOutput]);

    // A project that shows screened texts: the open ones are handed out again (the rejected prompt is not approved any more).
    await expect(settingsVia(admin, { screeningHold: "maybe" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { screeningHold: expect.anything() } });
    await settingsVia(admin, { screeningHold: "show" });
    const ann3 = await makeActor("annotator");
    expect((await rankAll(ann3)).sort()).toEqual([inInstruction, inOutput, clean, lateFlag].sort());
    const held = await getDb().select().from(screenings).where(inArray(screenings.promptId, [inInstruction, first!.prompt.id]));
    expect(held.filter((s) => s.review === "open")).toHaveLength(2);
  });

  it("leaves held turns, replies and continuations of held turns out of the Conversations list and similar prompts", async () => {
    await seedProject();
    const ann = await makeActor("annotator");
    const other = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    const dirtyTurn = await submitPromptVia(ann, { projectSlug: "demo", instruction: "Draft a reminder email to jane.roe@example.org about the picnic.", category: "coding", demonstration: "Hi Jane, see you at the picnic." });
    const dirtyReply = await submitPromptVia(ann, { projectSlug: "demo", instruction: "Draft a reminder note about the picnic on Sunday.", category: "coding", demonstration: "Ring me on (415) 555-2671 first." });
    const clean = await submitPromptVia(ann, { projectSlug: "demo", instruction: "Name three primary colours.", category: "coding", demonstration: "Red, yellow and blue." });
    for (const id of [dirtyTurn.id, dirtyReply.id, clean.id]) await decideVia(reviewer, { kind: "prompt", id, decision: "approve" });
    const demoOf = async (promptId: string) => (await getDb().select().from(completions).where(eq(completions.promptId, promptId)))[0];
    // A clean continuation of the dirty turn's reply: its history would show the e-mail address.
    const later = await continueVia(ann, { projectSlug: "demo", parentCompletionId: (await demoOf(dirtyTurn.id)).id, text: "And what about Monday?", reply: "Monday works." });

    const turns = await listConversationTurns(other, "demo");
    expect(turns.map((t) => t.id).sort()).toEqual([dirtyReply.id, clean.id].sort());
    expect(turns.find((t) => t.id === dirtyReply.id)!.replies).toEqual([]);
    expect(turns.find((t) => t.id === clean.id)!.replies.map((r) => r.text)).toEqual(["Red, yellow and blue."]);
    // the writer's "similar prompts" hint shows the clean picnic prompt, not the held one
    expect((await similarVia(other, { projectSlug: "demo", instruction: "Draft a reminder about the picnic" })).map((p) => p.id)).toEqual([dirtyReply.id]);

    await decideVia(reviewer, { kind: "screening", id: dirtyTurn.id, decision: "approve" });
    await decideVia(reviewer, { kind: "screening", id: dirtyReply.id, decision: "approve" });
    const after = await listConversationTurns(other, "demo");
    expect(after.map((t) => t.id).sort()).toEqual([dirtyTurn.id, dirtyReply.id, clean.id, later.id].sort());
    expect(after.find((t) => t.id === dirtyReply.id)!.replies.map((r) => r.text)).toEqual(["Ring me on (415) 555-2671 first."]);
    expect((await similarVia(other, { projectSlug: "demo", instruction: "Draft a reminder about the picnic" })).map((p) => p.id).sort()).toEqual([dirtyTurn.id, dirtyReply.id].sort());
  });
});
