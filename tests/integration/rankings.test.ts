// Assignment and ranking on a real database: leases, overlap, idempotency, revision, consensus, gold, concurrency.
import { expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import { assignments, prompts, rankings } from "@/db/schema";
import { nextTask } from "@/lib/rankings/tasks";
import { reviseRanking, rewriteCompletion, skipTask, submitRanking } from "@/lib/rankings/submit";
import { decideReview, listReviewQueue, setAnnotatorExcluded, setGoldAnswer } from "@/lib/reviews/review";
import { getAnnotatorQuality, listAnnotatorQuality } from "@/lib/quality/annotators";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { submitRankingInput, reviseRankingInput, skipTaskInput, rewriteCompletionInput, nextTaskInput, setGoldInput } from "@/lib/validation/rankings";
import { reviewQueueInput, reviewDecisionInput, excludeAnnotatorInput } from "@/lib/validation/reviews";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const reviseRankingVia = (actor: Actor, raw: unknown) => withInput(reviseRankingInput, raw, (input) => reviseRanking(actor, input));
const skipTaskVia = (actor: Actor, raw: unknown) => withInput(skipTaskInput, raw, (input) => skipTask(actor, input));
const rewriteCompletionVia = (actor: Actor, raw: unknown) => withInput(rewriteCompletionInput, raw, (input) => rewriteCompletion(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
const setGoldAnswerVia = (actor: Actor, raw: unknown) => withInput(setGoldInput, raw, (input) => setGoldAnswer(actor, input));

const listReviewQueueVia = (actor: Actor, raw: unknown) => withInput(reviewQueueInput, raw, (input) => listReviewQueue(actor, input));
const decideReviewVia = (actor: Actor, raw: unknown) => withInput(reviewDecisionInput, raw, (input) => decideReview(actor, input));
const setAnnotatorExcludedVia = (actor: Actor, raw: unknown) => withInput(excludeAnnotatorInput, raw, (input) => setAnnotatorExcluded(actor, input));
const key = () => crypto.randomUUID();

async function rankAsShown(actor: Actor, projectSlug = "demo", reverse = false) {
  const task = await nextTaskVia(actor, { projectSlug });
  if (!task) return null;
  const ids = task.outputs.map((o) => o.id).sort();
  const order = (reverse ? ids.reverse() : ids).map((id) => [id]);
  return submitRankingVia(actor, { assignmentId: task.assignmentId, order, idempotencyKey: key() });
}

describeEachDatabase("rankings", () => {
  it("hands out each prompt to at most `overlap` people, never their own, never twice", async () => {
    const project = await seedProject({ settings: { overlap: 2 } });
    const author = await makeActor("annotator");
    const [own] = await seedPrompts(project.id, 1, 3, { authorId: author.id });
    const [other] = await seedPrompts(project.id, 1, 3);

    const t1 = await nextTaskVia(author, { projectSlug: "demo" });
    expect(t1?.prompt.id).toBe(other);
    expect(t1?.outputs).toHaveLength(3);
    expect(JSON.stringify(t1)).not.toContain("m0"); // generator names are never shown
    // Asking again resumes the same lease.
    expect((await nextTaskVia(author, { projectSlug: "demo" }))?.assignmentId).toBe(t1!.assignmentId);
    await submitRankingVia(author, { assignmentId: t1!.assignmentId, order: t1!.outputs.map((o) => [o.id]), idempotencyKey: key() });
    expect(await nextTaskVia(author, { projectSlug: "demo" })).toBeNull(); // own prompt is never offered

    const b = await makeActor("annotator");
    const c = await makeActor("annotator");
    const d = await makeActor("annotator");
    const tb = await nextTaskVia(b, { projectSlug: "demo" });
    const tc = await nextTaskVia(c, { projectSlug: "demo" });
    expect(new Set([tb?.prompt.id, tc?.prompt.id])).toEqual(new Set([own, other]));
    // other: author ranked + b or c holds a lease → full at overlap 2; own: one lease.
    const td = await nextTaskVia(d, { projectSlug: "demo" });
    expect(td?.prompt.id).toBe(own);
  });

  it("an abandoned lease returns to the pool", async () => {
    const project = await seedProject({ settings: { overlap: 1 } });
    await seedPrompts(project.id, 1);
    const a = await makeActor("annotator");
    const b = await makeActor("annotator");
    const ta = await nextTaskVia(a, { projectSlug: "demo" });
    expect(await nextTaskVia(b, { projectSlug: "demo" })).toBeNull();
    await getDb().update(assignments).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(assignments.id, ta!.assignmentId));
    expect((await nextTaskVia(b, { projectSlug: "demo" }))?.prompt.id).toBe(ta!.prompt.id);
    // a's late submit is refused: the slot went to b.
    await expect(submitRankingVia(a, { assignmentId: ta!.assignmentId, order: ta!.outputs.map((o) => [o.id]), idempotencyKey: key() })).rejects.toMatchObject({ kind: "conflict" });
  });

  it("submitting is idempotent and validates the order against what was shown", async () => {
    const project = await seedProject();
    await seedPrompts(project.id, 1);
    const a = await makeActor("annotator");
    const t = await nextTaskVia(a, { projectSlug: "demo" });
    const ids = t!.outputs.map((o) => o.id);
    await expect(submitRankingVia(a, { assignmentId: t!.assignmentId, order: [[ids[0]], [ids[1]]], idempotencyKey: key() })).rejects.toMatchObject({ status: 400, fieldErrors: { order: expect.any(Array) } });
    await expect(submitRankingVia(a, { assignmentId: t!.assignmentId, order: "nope", idempotencyKey: key() })).rejects.toMatchObject({ status: 400 });
    const k = key();
    const input = { assignmentId: t!.assignmentId, order: [[ids[0], ids[1]], [ids[2]], [ids[3]]], flags: { [ids[3]]: ["unsafe" as const] }, idempotencyKey: k, timeSpentMs: 1234 };
    const [r1, r2] = await Promise.all([submitRankingVia(a, input), submitRankingVia(a, input)]);
    expect(r1.rankingId).toBe(r2.rankingId);
    const r3 = await submitRankingVia(a, { ...input, idempotencyKey: key() });
    expect(r3.rankingId).toBe(r1.rankingId);
    const rows = await getDb().select().from(rankings);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ timeSpentMs: 1234, flags: { [ids[3]]: ["unsafe"] } });
    const [p] = await getDb().select().from(prompts);
    expect(p.rankingCount).toBe(1);
  });

  it("combines rankings into a consensus and settles when agreement passes; disagreement goes to review", async () => {
    const project = await seedProject({ settings: { overlap: 3, agreementThreshold: 0.6 } });
    const [pid] = await seedPrompts(project.id, 1);
    const people = await Promise.all([0, 1, 2].map(() => makeActor("annotator")));
    await rankAsShown(people[0]);
    await rankAsShown(people[1]);
    let [p] = await getDb().select().from(prompts);
    expect(p).toMatchObject({ rankingCount: 2, settled: false, agreement: 1 });
    await rankAsShown(people[2], "demo", true);
    [p] = await getDb().select().from(prompts);
    // Two identical orders and one reversed over 4 items: rank sums 6,7,8,9 (mean 7.5) → S = 5; W = 12S/(m²(n³−n)) = 60/540 = 1/9.
    expect(p.agreement).toBeCloseTo(60 / 540, 5);
    expect(p.settled).toBe(false);
    const reviewer = await makeActor("reviewer");
    const queue = await listReviewQueueVia(reviewer, { projectSlug: "demo", kind: "ranking" });
    expect(queue.rankings.map((r) => r.id)).toEqual([pid]);
    expect(queue.rankings[0].rankings).toHaveLength(3);
    await decideReviewVia(reviewer, { kind: "ranking", id: pid, decision: "approve" });
    [p] = await getDb().select().from(prompts);
    expect(p.settled).toBe(true);

    // Excluding the dissenting annotator recomputes consensus without them.
    await setAnnotatorExcludedVia(reviewer, { projectSlug: "demo", userId: people[2].id, excluded: true });
    [p] = await getDb().select().from(prompts);
    expect(p).toMatchObject({ rankingCount: 2, agreement: 1 });
    const quality = await listAnnotatorQuality(reviewer, "demo");
    expect(quality.find((q) => q.annotatorId === people[2].id)).toMatchObject({ volume: 1, excluded: true });
    expect(quality.find((q) => q.annotatorId === people[0].id)?.agreement).toBeGreaterThan(0.5);
  });

  it("lets an annotator revise within the window, keeping history", async () => {
    const project = await seedProject();
    await seedPrompts(project.id, 1);
    const a = await makeActor("annotator");
    const first = await rankAsShown(a);
    const [r] = await getDb().select().from(rankings);
    const revised = await reviseRankingVia(a, { rankingId: first!.rankingId, order: [...r.order].reverse(), idempotencyKey: key() });
    const rows = await getDb().select().from(rankings);
    expect(rows).toHaveLength(2);
    expect(rows.find((x) => x.id === revised.rankingId)).toMatchObject({ isCurrent: true, previousId: first!.rankingId });
    expect(rows.find((x) => x.id === first!.rankingId)?.isCurrent).toBe(false);
    const other = await makeActor("annotator");
    await expect(reviseRankingVia(other, { rankingId: revised.rankingId, order: r.order, idempotencyKey: key() })).rejects.toMatchObject({ kind: "not_found" });
    await getDb().execute(sql`update rankings set created_at = now() - interval '25 hours'`);
    await expect(reviseRankingVia(a, { rankingId: revised.rankingId, order: r.order, idempotencyKey: key() })).rejects.toThrow(/24 hours/);
  });

  it("skips are final for that annotator; rewrites go to review as demonstrations", async () => {
    const project = await seedProject();
    await seedPrompts(project.id, 2);
    const a = await makeActor("annotator");
    const t = await nextTaskVia(a, { projectSlug: "demo" });
    await expect(skipTaskVia(a, { assignmentId: t!.assignmentId, reason: "" })).rejects.toMatchObject({ fieldErrors: { reason: expect.any(Array) } });
    await skipTaskVia(a, { assignmentId: t!.assignmentId, reason: "not my field" });
    const t2 = await nextTaskVia(a, { projectSlug: "demo" });
    expect(t2?.prompt.id).not.toBe(t!.prompt.id);
    const { completionId } = await rewriteCompletionVia(a, { assignmentId: t2!.assignmentId, completionId: t2!.outputs[0].id, text: "A much better answer." });
    const reviewer = await makeActor("reviewer");
    const queue = await listReviewQueueVia(reviewer, { projectSlug: "demo", kind: "demonstration" });
    expect(queue.demonstrations).toEqual([expect.objectContaining({ id: completionId, parentText: t2!.outputs[0].text, text: "A much better answer." })]);
    await decideReviewVia(reviewer, { kind: "demonstration", id: completionId, decision: "edit", edit: { text: "A much better answer!" } });
    const again = await listReviewQueueVia(reviewer, { projectSlug: "demo", kind: "demonstration" });
    expect(again.demonstrations).toHaveLength(0);
  });

  it("mixes gold tasks in and scores annotators against them", async () => {
    const project = await seedProject({ settings: { goldRate: 1 } });
    const [gold] = await seedPrompts(project.id, 1);
    const reviewer = await makeActor("reviewer");
    const cs = (await getDb().execute(sql`select id from completions where prompt_id = ${gold} order by id`)).rows as Array<{ id: string }>;
    await setGoldAnswerVia(reviewer, { promptId: gold, order: cs.map((c) => [c.id]) });
    const a = await makeActor("annotator");
    const t = await nextTaskVia(a, { projectSlug: "demo" });
    expect(t).toMatchObject({ prompt: { id: gold } });
    expect(t).not.toHaveProperty("isGold"); // an annotator cannot tell a gold task apart
    await submitRankingVia(a, { assignmentId: t!.assignmentId, order: cs.map((c) => [c.id]), idempotencyKey: key() });
    const q = await getAnnotatorQuality(a, "demo");
    expect(q).toMatchObject({ goldTasks: 1, goldAccuracy: 1 });
    const [p] = await getDb().select().from(prompts);
    expect(p.rankingCount).toBe(0); // gold answers don't count toward consensus
  });

  it("20 concurrent annotators on 50 prompts with overlap 3 end with exactly 3 rankings each", async () => {
    const project = await seedProject({ settings: { overlap: 3, k: 4 } });
    const people = await Promise.all(Array.from({ length: 20 }, () => makeActor("annotator")));
    // Some prompts belong to annotators, who must never get their own.
    const owned = await seedPrompts(project.id, 5, 4, { authorId: people[0].id });
    await seedPrompts(project.id, 45);
    const acknowledged: string[] = [];
    await Promise.all(
      people.map(async (person) => {
        for (;;) {
          const task = await nextTaskVia(person, { projectSlug: "demo" });
          if (!task) return;
          const input = { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: key() };
          const res = await submitRankingVia(person, input);
          // A retry of the same submission must not double it.
          if (Math.random() < 0.2) await submitRankingVia(person, input);
          acknowledged.push(res.rankingId);
        }
      }),
    );
    const rows = (await getDb().execute(sql`select prompt_id, annotator_id, id from rankings`)).rows as Array<{ prompt_id: string; annotator_id: string; id: string }>;
    expect(rows).toHaveLength(150);
    expect(new Set(acknowledged)).toEqual(new Set(rows.map((r) => r.id)));
    const perPrompt = new Map<string, number>();
    for (const r of rows) perPrompt.set(r.prompt_id, (perPrompt.get(r.prompt_id) ?? 0) + 1);
    expect([...perPrompt.values()].every((n) => n === 3)).toBe(true);
    expect(perPrompt.size).toBe(50);
    expect(new Set(rows.map((r) => `${r.prompt_id}:${r.annotator_id}`)).size).toBe(150);
    expect(rows.filter((r) => owned.includes(r.prompt_id) && r.annotator_id === people[0].id)).toHaveLength(0);
    const counts = (await getDb().select({ n: prompts.rankingCount }).from(prompts)).map((r) => r.n);
    expect(counts.every((n) => n === 3)).toBe(true);
  });
});
