// Reward model and suggestions (#19), on both databases: a run of stage rm registers a model version of kind reward
// (never promoted, never active); the `score` job it queues stores the reward model's score of every output of the
// open prompts; the review payload holds the suggested order and margin; an annotator's task never does, and their
// submitted ranking shows it only where the project allows; a prompt whose top two the reward model cannot separate
// (|margin| below rewardMarginThreshold) counts as low agreement in routing.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { listCompletionsToScore } from "@/db/queries/reward-scores";
import { modelVersions, prompts, rewardScores } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { isAppError } from "@/lib/errors";
import { importFile } from "@/lib/imports/import-file";
import { updateProject } from "@/lib/projects/projects";
import { recomputePromptConsensus } from "@/lib/rankings/consensus-state";
import { getRankingForRevision } from "@/lib/rankings/mine";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { listReviewQueue } from "@/lib/reviews/review";
import { listServedModels } from "@/lib/openai/serve";
import { listContenders } from "@/lib/playground/contenders";
import { createRun, getRun, listModelVersions, promoteModelVersion } from "@/lib/runs/runs";
import { updateProjectInput } from "@/lib/validation/projects";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { reviewQueueInput } from "@/lib/validation/reviews";
import { createRunInput, promoteVersionInput } from "@/lib/validation/runs";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { withInput } from "../helpers/input";
import { seedProject, seedPrompts } from "../helpers/seed";
import { until, useTrainRunner } from "../helpers/train-run";

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

const createRunVia = (actor: AnyActor, raw: unknown) => withInput(createRunInput, raw, (input) => createRun(actor, input));
const promoteVia = (actor: AnyActor, raw: unknown) => withInput(promoteVersionInput, raw, (input) => promoteModelVersion(actor, input));
const updateProjectVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));
const nextTaskVia = (actor: Actor) => withInput(nextTaskInput, { projectSlug: "demo" }, (input) => nextTask(actor, input));
const rank = (actor: Actor, assignmentId: string, order: string[]) => withInput(submitRankingInput, { assignmentId, order: order.map((id) => [id]), idempotencyKey: randomUUID() }, (input) => submitRanking(actor, input));

/** Six hh-rlhf transcripts: the preference pairs the reward model trains on. */
function pairsFile(dir: string) {
  const rows = Array.from({ length: 6 }, (_, i) => ({
    chosen: `\n\nHuman: How do I care for plant number ${i}?\n\nAssistant: Water it weekly and give it light.`,
    rejected: `\n\nHuman: How do I care for plant number ${i}?\n\nAssistant: Ignore it.`,
  }));
  const file = path.join(dir, "pairs.jsonl");
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n"));
  return file;
}

describeEachDatabase("reward model and suggestions", () => {
  const runner = useTrainRunner("tl-rm");

  it("an rm run registers a reward model that scores open prompts; reviewers see the suggestion, annotators only after submitting where allowed; an inseparable top two routes as low agreement", async () => {
    const db = getDb();
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const ann = await Promise.all([1, 2, 3, 4].map((i) => makeActor("annotator", `ann${i}`)));
    // Routing from the start: 2 to 3 rankings a prompt, and a top-two margin below 100 (any this model gives) is low agreement.
    const project = await seedProject({ slug: "demo", settings: { k: 2, overlap: 2, minOverlap: 2, maxOverlap: 3, agreementThreshold: 0.5, rewardMarginThreshold: 100 } });
    await importFile(admin, { projectSlug: "demo", path: pairsFile(runner.dataDir()) });
    await seedPrompts(project.id, 2, 2);
    await runner.start();

    const { id } = await createRunVia(admin, { projectSlug: "demo", stage: "rm", base: "tiny", hyperparameters: { steps: 2, batch: 2, blockSize: 64, evalEvery: 1, saveEvery: 10 } });
    const { run, metrics } = await until(async () => {
      const r = await getRun(admin, id);
      return ["failed", "succeeded", "cancelled"].includes(r.run.status) ? r : null;
    }, 150_000);
    expect(run.status, `${run.error}\n${run.logTail}`).toBe("succeeded");
    expect(run.stage).toBe("rm");
    expect(metrics.some((m) => m.split === "train" && m.name === "accuracy")).toBe(true);
    const [rm] = await db.select().from(modelVersions).where(eq(modelVersions.id, run.resultModelVersionId!));
    expect(rm).toMatchObject({ kind: "reward", isActive: false });
    expect(rm.config.stage).toBe("rm");
    expect(fs.existsSync(path.join(rm.checkpointPath, "model.safetensors"))).toBe(true);

    // Never the policy: promotion is a 409 naming the version, and nothing became active.
    const refused = await promoteVia(admin, { projectSlug: "demo", versionId: rm.id }).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.status).toBe(409);
    expect(isAppError(refused) && refused.fieldErrors?.versionId?.[0]).toMatch(/is a reward model/);
    expect(await db.select().from(modelVersions).where(eq(modelVersions.isActive, true))).toHaveLength(0);
    // Nor the base of a policy run (a 422 naming base).
    const asBase = await createRunVia(admin, { projectSlug: "demo", stage: "sft", base: rm.id }).catch((e: unknown) => e);
    expect(isAppError(asBase) && [asBase.status, asBase.fieldErrors?.base?.[0]]).toEqual([422, "A reward model is no base for a policy"]);
    // Never generating: not served through the OpenAI endpoint, not a playground contender; the Models page says its kind.
    expect((await listServedModels(reviewer)).map((m) => m.id)).not.toContain(`demo/${rm.label}`);
    expect((await listContenders(db, project.id)).map((c) => c.id)).not.toContain(rm.id);
    expect((await listModelVersions(admin, "demo")).find((v) => v.id === rm.id)?.kind).toBe("reward");

    // The score job the registration queued: every output of every open prompt (the seeded ones and the imported
    // ones, which no ranking settled), scored by this version.
    const open = await listCompletionsToScore(db, { projectId: project.id, versionId: randomUUID(), limit: 1000 });
    expect(open.length).toBeGreaterThanOrEqual(4);
    const stored = await until(async () => {
      const rows = await db.select().from(rewardScores).where(eq(rewardScores.modelVersionId, rm.id));
      return rows.length === open.length ? rows : null;
    }, 120_000);
    expect(stored.map((s) => s.completionId).sort()).toEqual(open.map((c) => c.completionId).sort());
    expect(stored.every((s) => Number.isFinite(s.score))).toBe(true);
    const score = new Map(stored.map((s) => [s.completionId, s.score]));
    const expectedOrder = (promptId: string) => open.filter((c) => c.promptId === promptId).map((c) => c.completionId).sort((a, b) => score.get(b)! - score.get(a)! || a.localeCompare(b));
    const stateOf = async (promptId: string) => (await db.select({ agreement: prompts.agreement, settled: prompts.settled, rankingCount: prompts.rankingCount }).from(prompts).where(eq(prompts.id, promptId)))[0];

    // Before submitting, the task carries no suggestion and no score; the setting is off, so not after submitting either.
    const t1 = (await nextTaskVia(ann[0]))!;
    expect(t1).not.toHaveProperty("suggestion");
    for (const s of stored) expect(JSON.stringify(t1)).not.toContain(String(s.score));
    const x = t1.prompt.id;
    const byId = t1.outputs.map((o) => o.id).sort();
    const first = await rank(ann[0], t1.assignmentId, byId);
    expect(first.suggestion).toBeNull();
    expect((await getRankingForRevision(ann[0], first.rankingId)).suggestion).toBeNull();

    // Routing: two rankings that agree (W = 1) on a prompt whose top two the reward model cannot separate count as low
    // agreement (0): it stays open for maxOverlap. At threshold 0 the same rankings settle it.
    const t2 = (await nextTaskVia(ann[1]))!;
    expect(t2.prompt.id).toBe(x);
    await rank(ann[1], t2.assignmentId, byId);
    expect(await stateOf(x)).toEqual({ agreement: 0, settled: false, rankingCount: 2 });
    const reopened = await updateProjectVia(admin, { rewardMarginThreshold: 0, maxOverlap: 2, showSuggestionsAfterSubmit: "on" });
    await db.transaction((tx) => recomputePromptConsensus(tx, x, reopened.settings));
    expect(await stateOf(x)).toEqual({ agreement: 1, settled: true, rankingCount: 2 });

    // showSuggestionsAfterSubmit on: the annotator's submitted ranking now shows the order and margin (no scores).
    expect((await getRankingForRevision(ann[0], first.rankingId)).suggestion).toEqual({ label: rm.label, order: expectedOrder(x), margin: expect.any(Number) });

    // Two annotators disagree on the next prompt: it goes unsettled to the review queue with the suggestion beside it.
    const t3 = (await nextTaskVia(ann[2]))!;
    const y = t3.prompt.id;
    expect(y).not.toBe(x);
    expect(t3).not.toHaveProperty("suggestion");
    const order3 = t3.outputs.map((o) => o.id).sort();
    expect((await rank(ann[2], t3.assignmentId, order3)).suggestion?.order).toEqual(expectedOrder(y));
    const t4 = (await nextTaskVia(ann[3]))!;
    expect(t4.prompt.id).toBe(y);
    await rank(ann[3], t4.assignmentId, [...order3].reverse());
    const queue = await withInput(reviewQueueInput, { projectSlug: "demo", kind: "ranking" }, (input) => listReviewQueue(reviewer, input));
    const item = queue.rankings.find((r) => r.id === y)!;
    const order = expectedOrder(y);
    expect(item.suggestion).toEqual({ modelVersionId: rm.id, label: rm.label, order, scores: Object.fromEntries(order.map((c) => [c, score.get(c)])), margin: score.get(order[0])! - score.get(order[1])! });
  }, 320_000);
});

describe("reward model suggestions without a database", () => {
  it("orders by score, highest first, with ties by id, and the top-two margin", async () => {
    const { orderByScore } = await import("@/lib/suggestions/suggestions");
    expect(orderByScore([{ completionId: "b", score: 1 }, { completionId: "a", score: 3 }, { completionId: "c", score: 1 }])).toEqual({ order: ["a", "b", "c"], scores: { a: 3, b: 1, c: 1 }, margin: 2 });
    expect(orderByScore([{ completionId: "a", score: 0.5 }]).margin).toBeNull();
  });
});
