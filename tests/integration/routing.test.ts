// Routing on both databases: a prompt whose annotators agree stops at minOverlap, one whose annotators disagree gets up to maxOverlap.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { withInput } from "../helpers/input";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import type { Answers, Question } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { updateProject } from "@/lib/projects/projects";
import { pairConfidence } from "@/lib/consensus/pairwise-confidence";
import { getQueueMakeup } from "@/lib/rankings/queue-makeup";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { updateProjectInput } from "@/lib/validation/projects";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";

const updateProjectVia = (actor: AnyActor | null, slug: string, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, slug, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

type PromptState = { id: string; rankingCount: number; settled: boolean; agreement: number | null };
const promptStates = async (ids: string[]) =>
  (
    (await getDb().execute(sql`select id, ranking_count as "rankingCount", settled, agreement from prompts where id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`)).rows as PromptState[]
  ).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));

/**
 * Every annotator takes tasks until the queue has none for them. On `agreeing` everyone ranks the outputs the same
 * way (by generator m0 > m1 > m2); on `split` the annotators alternate between that order and its reverse, so
 * Kendall's W stays far below the threshold however many rankings come in.
 */
async function workTheQueue(people: Actor[], split: string, opts: { rate?: (prompt: string, turn: number, byGen: string[]) => Answers } = {}) {
  let turn = 0;
  for (let round = 0; round < 10; round++) {
    let handed = 0;
    for (const person of people) {
      const task = await nextTaskVia(person, { projectSlug: "demo" });
      if (!task) continue;
      handed++;
      const gens = (await getDb().execute(sql`select id, generator from completions where prompt_id = ${task.prompt.id}`)).rows as Array<{ id: string; generator: string }>;
      const byGen = task.outputs.map((o) => o.id).sort((a, b) => gens.find((g) => g.id === a)!.generator.localeCompare(gens.find((g) => g.id === b)!.generator));
      const t = task.prompt.id === split ? turn++ : 0;
      // with `rate` the split prompt's annotators agree on the order and split on the ratings instead
      const order = task.prompt.id === split && !opts.rate && t % 2 === 1 ? [...byGen].reverse() : byGen;
      const answers = opts.rate ? opts.rate(task.prompt.id, t, byGen) : undefined;
      await withInput(submitRankingInput, { assignmentId: task.assignmentId, order: order.map((id) => [id]), idempotencyKey: randomUUID(), answers }, (input) => submitRanking(person, input));
    }
    if (handed === 0) return;
  }
}

describeEachDatabase("routing", () => {
  it("stops an agreeing prompt at minOverlap and takes a disagreeing one to maxOverlap", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { k: 3, overlap: 3, agreementThreshold: 0.5 } });
    const [agreeing, split] = await seedPrompts(project.id, 2, 3);
    await updateProjectVia(admin, "demo", { minOverlap: "2", maxOverlap: "5" });
    const people = await Promise.all(Array.from({ length: 7 }, (_, i) => makeActor("annotator", `annotator ${i}`)));

    await workTheQueue(people, split);
    const [a, s] = await promptStates([agreeing, split]);
    // Agreeing: two identical rankings (W = 1) settle it at the minimum, though the fixed overlap is 3.
    expect(a).toMatchObject({ rankingCount: 2, settled: true, agreement: 1 });
    // Split: two reversed rankings (W = 0) keep it open; it closes unsettled at the maximum, 5 (not 3, not 7).
    expect(s.rankingCount).toBe(5);
    expect(s.settled).toBe(false);
    expect(s.agreement!).toBeLessThan(0.5);
    // Nothing is left to hand out, and the queue's make-up counts no open task (the agreeing prompt, 2 of the fixed 3, is closed).
    expect(await nextTaskVia(people[6], { projectSlug: "demo" })).toBeNull();
    expect((await getQueueMakeup(admin, "demo")).total).toBe(0);
  });

  it("routes on pairwise confidence when the project says so: two identical rankings settle, split ones run to the maximum", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { k: 3, overlap: 3, agreementThreshold: 0.81, minOverlap: 2, maxOverlap: 5 } });
    const [agreeing, split] = await seedPrompts(project.id, 2, 3);
    await expect(updateProjectVia(admin, "demo", { routingSignal: "maybe" })).rejects.toMatchObject({ status: 400, fieldErrors: { routingSignal: [expect.stringContaining("agreement or confidence")] } });
    await updateProjectVia(admin, "demo", { routingSignal: "confidence" });
    const people = await Promise.all(Array.from({ length: 7 }, (_, i) => makeActor("annotator", `annotator ${i}`)));

    await workTheQueue(people, split);
    const [a, s] = await promptStates([agreeing, split]);
    // Agreeing: every pair 2-0, confidence c(2, 0) = 0.868 under the Beta(1.09, 1.09) prior (0.875 under a uniform one) >= 0.81.
    expect(a).toMatchObject({ rankingCount: 2, settled: true });
    expect(a.agreement!).toBeCloseTo(pairConfidence(2, 0), 6);
    expect(a.agreement!).toBeCloseTo(0.868, 3);
    // Split (the order, then its reverse, …): after 5 rankings every pair is 3-2, confidence c(3, 2) = 0.654 < 0.81, so it ran to the maximum.
    expect(s).toMatchObject({ rankingCount: 5, settled: false });
    expect(s.agreement!).toBeCloseTo(pairConfidence(3, 2), 6);
    expect(await nextTaskVia(people[6], { projectSlug: "demo" })).toBeNull();
  });

  it("routes on rating agreement too: annotators who agree on the order but not on the ratings take the prompt to maxOverlap", async () => {
    const form: Question[] = [
      { id: "ranking", type: "ranking", title: "Rank", required: true },
      { id: "quality", type: "rating", title: "Rate", required: true, min: 1, max: 5, criteria: [{ name: "helpfulness" }] },
    ];
    const project = await seedProject({ settings: { k: 3, overlap: 3, agreementThreshold: 0.5, minOverlap: 2, maxOverlap: 5, questions: form } });
    const [agreeing, split] = await seedPrompts(project.id, 2, 3);
    const people = await Promise.all(Array.from({ length: 7 }, (_, i) => makeActor("annotator", `annotator ${i}`)));
    // Everyone ranks m0 > m1 > m2 (W = 1 on both prompts). On `agreeing` everyone rates them 5, 3, 1; on `split` the
    // annotators alternate between rating every output 5 and every output 1.
    await workTheQueue(people, split, {
      rate: (prompt, turn, byGen) => ({ quality: Object.fromEntries(byGen.map((id, j) => [id, { helpfulness: prompt === split ? (turn % 2 ? 1 : 5) : 5 - 2 * j }])) }),
    });
    const [a, s] = await promptStates([agreeing, split]);
    expect(a).toMatchObject({ rankingCount: 2, settled: true, agreement: 1 });
    // Split: ratings 5, 1, 5, 1, 5 on each output: 6 of the 10 annotator pairs differ by 4 (the scale's width), so each
    // unit's mean distance is 0.6 of the width and the rating agreement 0.4 = min(W 1, 0.4); after 2, 3 and 4 rankings
    // it was 0, 1/3 and 1/3. Below 0.5 throughout, so the prompt takes rankings up to the maximum and closes unsettled.
    expect(s.rankingCount).toBe(5);
    expect(s.settled).toBe(false);
    expect(s.agreement!).toBeCloseTo(0.4, 12);
    expect(await nextTaskVia(people[6], { projectSlug: "demo" })).toBeNull();
  });

  it("keeps the fixed overlap when no range is set, and checks the range's fields", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject({ settings: { k: 3, overlap: 3, agreementThreshold: 0.5 } });
    const [agreeing, split] = await seedPrompts(project.id, 2, 3);
    const people = await Promise.all(Array.from({ length: 5 }, (_, i) => makeActor("annotator", `annotator ${i}`)));
    await workTheQueue(people, split);
    const [a, s] = await promptStates([agreeing, split]);
    expect([a.rankingCount, a.settled, s.rankingCount, s.settled]).toEqual([3, true, 3, false]);

    await expect(updateProjectVia(admin, "demo", { minOverlap: "4", maxOverlap: "3" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { maxOverlap: [expect.stringContaining("at least the minimum")] } });
    await expect(updateProjectVia(admin, "demo", { minOverlap: "3" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { maxOverlap: [expect.any(String)] } });
    await expect(updateProjectVia(admin, "demo", { minOverlap: "1", maxOverlap: "3" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { minOverlap: [expect.stringContaining("at least 2")] } });
    await expect(updateProjectVia(await makeActor("reviewer"), "demo", { minOverlap: "2", maxOverlap: "3" })).rejects.toMatchObject({ kind: "forbidden" });
  });
});
