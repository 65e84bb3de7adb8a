// The reward model counted as one more ranking (#19, settings.rewardAsRanking), on both databases: its order joins the
// people's rankings in the consensus and in the routing signal, never in the ranking count; minOverlap 1 is accepted only
// with it; one person who orders the outputs as the reward model does settles a prompt, one who disagrees sends it on to
// a second person, and a prompt the reward model has not scored routes on its people alone.
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { getDb } from "@/db/client";
import { insertRewardScores } from "@/db/queries/reward-scores";
import { modelVersions } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { pairConfidence } from "@/lib/consensus/pairwise-confidence";
import { isAppError } from "@/lib/errors";
import { updateProject } from "@/lib/projects/projects";
import { recomputePromptConsensus } from "@/lib/rankings/consensus-state";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { updateProjectInput } from "@/lib/validation/projects";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { withInput } from "../helpers/input";
import { seedProject, seedPrompts } from "../helpers/seed";

const updateProjectVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));
const nextTaskVia = (actor: Actor) => withInput(nextTaskInput, { projectSlug: "demo" }, (input) => nextTask(actor, input));
const rank = (actor: Actor, assignmentId: string, order: string[]) => withInput(submitRankingInput, { assignmentId, order: order.map((id) => [id]), idempotencyKey: randomUUID() }, (input) => submitRanking(actor, input));

type State = { rankingCount: number; settled: boolean; agreement: number | null; consensus: { order: string[] } | null };
const stateOf = async (id: string): Promise<State> => {
  const [row] = (await getDb().execute(sql`select ranking_count as "rankingCount", settled, agreement, consensus from prompts where id = ${id}::uuid`)).rows as Array<State & { consensus: unknown }>;
  return { ...row, consensus: typeof row.consensus === "string" ? JSON.parse(row.consensus) : row.consensus };
};
/** Output ids of a prompt by generator: m0, m1, m2. */
const byGenerator = async (promptId: string) =>
  ((await getDb().execute(sql`select id from completions where prompt_id = ${promptId}::uuid order by generator`)).rows as Array<{ id: string }>).map((r) => r.id);

describeEachDatabase("the reward model as a ranking", () => {
  it("minOverlap 1 needs rewardAsRanking; one person agreeing with the reward model settles a prompt, one disagreeing sends it on, an unscored prompt routes on its people", async () => {
    const db = getDb();
    const admin = await makeActor("admin");
    const ann = await Promise.all([1, 2, 3].map((i) => makeActor("annotator", `ann${i}`)));
    const project = await seedProject({ settings: { k: 3, overlap: 2 } });
    const [a, b, c] = await seedPrompts(project.id, 3, 3);

    // One ranking alone has no agreement to route on: minOverlap 1 is a 400 naming the field, and nothing changes.
    const refused = await updateProjectVia(admin, { minOverlap: 1, maxOverlap: 3 }).catch((e: unknown) => e);
    expect(isAppError(refused) && [refused.status, refused.fieldErrors?.minOverlap?.[0]]).toEqual([400, "Minimum rankings per prompt is at least 2, or 1 when the reward model counts as a ranking"]);
    // Pairwise confidence of two rankings that agree on every pair of three outputs is c(2, 0); the threshold sits just below it.
    const threshold = Math.round((pairConfidence(2, 0) - 0.01) * 1000) / 1000;
    const updated = await updateProjectVia(admin, { minOverlap: 1, maxOverlap: 3, rewardAsRanking: "on", routingSignal: "confidence", agreementThreshold: threshold });
    expect(updated.settings).toMatchObject({ minOverlap: 1, maxOverlap: 3, rewardAsRanking: true });

    // A ready reward model has scored a's and b's outputs m0 > m1 > m2; c's not yet.
    const [rm] = await db.insert(modelVersions).values({ projectId: project.id, label: "rm1", base: "tiny", config: { stage: "rm" }, checkpointPath: "/nonexistent", kind: "reward" }).returning();
    const scored = { [a]: await byGenerator(a), [b]: await byGenerator(b) };
    await insertRewardScores(db, Object.values(scored).flatMap((ids) => ids.map((completionId, i) => ({ completionId, modelVersionId: rm.id, score: 2 - i }))));

    // People take tasks; each ranks a and c as the reward model does, b the other way round. Each prompt's state is read
    // right after its first ranking (the queue finishes one prompt's slots before the next, so who gets which varies).
    const afterFirst = new Map<string, State>();
    const ranked: string[] = [];
    for (let round = 0; round < 3 && afterFirst.size < 3; round++) {
      for (const person of ann) {
        const t = await nextTaskVia(person);
        if (!t) continue;
        const order = await byGenerator(t.prompt.id);
        await rank(person, t.assignmentId, t.prompt.id === b ? [...order].reverse() : order);
        ranked.push(t.prompt.id);
        if (!afterFirst.has(t.prompt.id)) afterFirst.set(t.prompt.id, await stateOf(t.prompt.id));
      }
    }
    // a: the person and the reward model agree on every pair: settled on one ranking, the count says one person.
    expect(afterFirst.get(a)).toEqual({ rankingCount: 1, settled: true, agreement: expect.closeTo(pairConfidence(2, 0), 5), consensus: { order: scored[a], scores: expect.any(Object) } });
    // b: they disagree on every pair (confidence ½): open for a second person.
    expect(afterFirst.get(b)).toMatchObject({ rankingCount: 1, settled: false, agreement: 0.5 });
    // c: unscored, so one ranking and no figure: open, as with minOverlap 2.
    expect(afterFirst.get(c)).toMatchObject({ rankingCount: 1, settled: false, agreement: null });
    // Nobody was handed a again, and b went on to a second person.
    expect(ranked.filter((id) => id === a)).toHaveLength(1);
    expect(ranked.filter((id) => id === b).length).toBeGreaterThanOrEqual(2);
    expect((await stateOf(a)).rankingCount).toBe(1);

    // Off again (minOverlap back to 2): the same ranking of a no longer settles it; the consensus is the person's alone.
    const off = await updateProjectVia(admin, { minOverlap: 2, rewardAsRanking: "off" });
    await db.transaction((tx) => recomputePromptConsensus(tx, a, off.settings));
    expect(await stateOf(a)).toMatchObject({ rankingCount: 1, settled: false, agreement: null });
    // And with it on, a reward model that scored only some outputs does not count: a fresh prompt d, one output scored.
    const on = await updateProjectVia(admin, { minOverlap: 1, rewardAsRanking: "on" });
    const [d] = await seedPrompts(project.id, 1, 3);
    const cIds = await byGenerator(d);
    const fresh = await makeActor("annotator", "ann4");
    // (the queue hands out b and c first, which still want people; they are ranked by generator and passed over)
    for (let i = 0; i < 4; i++) {
      const t = (await nextTaskVia(fresh))!;
      await rank(fresh, t.assignmentId, await byGenerator(t.prompt.id));
      if (t.prompt.id === d) break;
    }
    await insertRewardScores(db, [{ completionId: cIds[0], modelVersionId: rm.id, score: 1 }]);
    await db.transaction((tx) => recomputePromptConsensus(tx, d, on.settings));
    expect(await stateOf(d)).toMatchObject({ rankingCount: 1, settled: false, agreement: null });
    // Once it has scored all three, d's one ranking (in the reward model's order) settles it.
    await insertRewardScores(db, cIds.slice(1).map((completionId, i) => ({ completionId, modelVersionId: rm.id, score: 0 - i })));
    await db.transaction((tx) => recomputePromptConsensus(tx, d, on.settings));
    expect(await stateOf(d)).toMatchObject({ rankingCount: 1, settled: true, consensus: { order: cIds } });
    expect((await db.select().from(modelVersions).where(eq(modelVersions.id, rm.id)))[0].kind).toBe("reward");
  });
});
