// What an annotator's next-task payload may carry: never another annotator's ranking, rationale, flags or rewrite, never a gold answer.
import { expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { completions } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { getRankingForRevision } from "@/lib/rankings/mine";
import { rewriteCompletion, submitRanking } from "@/lib/rankings/submit";
import { getMyRanking, nextTask as nextTaskLib } from "@/lib/rankings/tasks";
import { setGoldAnswer } from "@/lib/reviews/review";
import { nextTask } from "@/app/(annotate)/annotate/actions";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject, seedPrompts } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { rewriteCompletionInput, setGoldInput, submitRankingInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const rewriteCompletionVia = (actor: Actor, raw: unknown) => withInput(rewriteCompletionInput, raw, (input) => rewriteCompletion(actor, input));
const setGoldAnswerVia = (actor: Actor, raw: unknown) => withInput(setGoldInput, raw, (input) => setGoldAnswer(actor, input));

// The rank page gets its task from the nextTask action; here the session is whoever `session.userId` names.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId } } : null),
}));

/** The task exactly as the action hands it to the browser (JSON over the wire). */
async function taskPayloadFor(actor: Actor, projectSlug: string): Promise<string> {
  session.userId = actor.id;
  try {
    const res = await nextTask({ projectSlug });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    return JSON.stringify(res);
  } finally {
    session.userId = null;
  }
}

/** Keys of everything in a JSON text, at any depth. */
function keysIn(json: string): Set<string> {
  const keys = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        keys.add(k);
        walk(x);
      }
    }
  };
  walk(JSON.parse(json));
  return keys;
}

/** Fields of rankings, consensus and gold answers that no task payload may carry. */
const forbiddenKeys = ["order", "goldOrder", "consensus", "agreement", "scores", "rankings", "rationale", "flags", "annotatorId", "goldScore", "rankingCount", "generator"];

describeEachDatabase("what an annotator sees before submitting", () => {
  it("never another annotator's ranking, rationale, flags, identity or unreviewed rewrite", async () => {
    const project = await seedProject({ settings: { overlap: 3, k: 4, goldRate: 0 } });
    await seedPrompts(project.id, 1, 4);
    const first = await makeActor("annotator", "FirstAnnotator");
    const second = await makeActor("annotator", "SecondAnnotator");

    const t1 = (await nextTaskLib(first, { projectSlug: "demo" }))!;
    const { completionId: rewriteId } = await rewriteCompletionVia(first, { assignmentId: t1.assignmentId, completionId: t1.outputs[0].id, text: "REWRITE-SECRET of the first annotator" });
    const order = [...t1.outputs].reverse().map((o) => [o.id]);
    const ranked = await submitRankingVia(first, {
      assignmentId: t1.assignmentId,
      order,
      flags: { [t1.outputs[1].id]: ["pii"] },
      rationale: "RATIONALE-SECRET of the first annotator",
      idempotencyKey: "first-annotator-key",
    });

    const payload = await taskPayloadFor(second, "demo");
    const task = JSON.parse(payload).data;
    expect(task.prompt.id).toBe(ranked.promptId);
    expect(task.outputs.map((o: { id: string }) => o.id).sort()).toEqual(t1.outputs.map((o) => o.id).sort());
    for (const secret of [ranked.rankingId, first.id, first.email, first.name, "RATIONALE-SECRET", "REWRITE-SECRET", rewriteId, "pii", JSON.stringify(order)]) {
      expect(payload, `payload carries ${secret}`).not.toContain(secret);
    }
    expect([...keysIn(payload)].filter((k) => forbiddenKeys.includes(k))).toEqual([]);

    // The other ways to a ranking: only one's own.
    expect(await getMyRanking(second, ranked.promptId)).toBeNull();
    await expect(getRankingForRevision(second, ranked.rankingId)).rejects.toMatchObject({ kind: "not_found" });
    // A revise link with a malformed id is a 404, not a database error.
    await expect(getRankingForRevision(second, "not-a-ranking-id")).rejects.toMatchObject({ kind: "not_found" });
    await expect(getRankingForRevision(second, "0".repeat(36))).rejects.toMatchObject({ kind: "not_found" });
  });

  it("never the gold answer of a gold task", async () => {
    const project = await seedProject({ settings: { overlap: 3, k: 4, goldRate: 1 } });
    const [gold] = await seedPrompts(project.id, 1, 4);
    const reviewer = await makeActor("reviewer");
    const ids = (await getDb().select().from(completions).where(eq(completions.promptId, gold))).map((c) => c.id).sort();
    const goldOrder = [[ids[2]], [ids[0], ids[3]], [ids[1]]];
    await setGoldAnswerVia(reviewer, { promptId: gold, order: goldOrder });
    const annotator = await makeActor("annotator");

    const payload = await taskPayloadFor(annotator, "demo");
    const task = JSON.parse(payload).data;
    expect(task.prompt.id).toBe(gold);
    expect(payload).not.toContain(JSON.stringify(goldOrder));
    expect([...keysIn(payload)].filter((k) => forbiddenKeys.includes(k))).toEqual([]);
    // The ties of the gold order (two outputs in one group) would show as grouped outputs; the task lists each output alone.
    expect(task.outputs).toHaveLength(4);
    expect(task.outputs.every((o: Record<string, unknown>) => Object.keys(o).sort().join() === "id,text")).toBe(true);

    // Submitting tells the annotator nothing about their score against the gold answer.
    const res = await submitRankingVia(annotator, { assignmentId: task.assignmentId, order: ids.map((id) => [id]), idempotencyKey: "gold-task-key" });
    expect(Object.keys(res).sort()).toEqual(["duplicate", "promptId", "rankingId"]);
  });

  // Were the payload to say which tasks are gold, an annotator could take extra care on exactly those.
  it("does not flag a gold task as gold", async () => {
    const project = await seedProject({ settings: { goldRate: 1 } });
    const [gold] = await seedPrompts(project.id, 1, 4);
    const reviewer = await makeActor("reviewer");
    const ids = (await getDb().select().from(completions).where(eq(completions.promptId, gold))).map((c) => c.id);
    await setGoldAnswerVia(reviewer, { promptId: gold, order: ids.map((id) => [id]) });
    const payload = await taskPayloadFor(await makeActor("annotator"), "demo");
    expect(keysIn(payload).has("isGold")).toBe(false);
  });
});
