// Routing on both databases: a prompt whose annotators agree stops at minOverlap, one whose annotators disagree gets up to maxOverlap.
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { withInput } from "../helpers/input";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { updateProject } from "@/lib/projects/projects";
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
async function workTheQueue(people: Actor[], split: string) {
  let turn = 0;
  for (let round = 0; round < 10; round++) {
    let handed = 0;
    for (const person of people) {
      const task = await nextTaskVia(person, { projectSlug: "demo" });
      if (!task) continue;
      handed++;
      const gens = (await getDb().execute(sql`select id, generator from completions where prompt_id = ${task.prompt.id}`)).rows as Array<{ id: string; generator: string }>;
      const byGen = task.outputs.map((o) => o.id).sort((a, b) => gens.find((g) => g.id === a)!.generator.localeCompare(gens.find((g) => g.id === b)!.generator));
      const order = task.prompt.id === split && turn++ % 2 === 1 ? [...byGen].reverse() : byGen;
      await withInput(submitRankingInput, { assignmentId: task.assignmentId, order: order.map((id) => [id]), idempotencyKey: randomUUID() }, (input) => submitRanking(person, input));
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
