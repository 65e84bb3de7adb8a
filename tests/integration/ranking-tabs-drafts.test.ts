// Nothing acknowledged is lost: a task submitted from two tabs, and the draft a lease keeps across reloads.
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import { assignments, rankings } from "@/db/schema";
import { nextTaskWithDraft, saveRankingDraft } from "@/lib/rankings/drafts";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import * as rankingRoute from "@/app/api/v1/tasks/[id]/ranking/route";
import { createApiToken } from "@/lib/auth/tokens";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const key = () => crypto.randomUUID();

async function currentRankings(promptId: string) {
  return getDb().select().from(rankings).where(eq(rankings.promptId, promptId));
}

describeEachDatabase("ranking from two tabs", () => {
  it("a different order from a second tab within the revise window is recorded as a revision, and says so", async () => {
    const project = await seedProject({ settings: { overlap: 2, reviseHours: 24 } });
    await seedPrompts(project.id, 1);
    const a = await makeActor("annotator");
    // Two tabs resume one lease: both see the same task.
    const tab1 = (await nextTaskVia(a, { projectSlug: project.slug }))!;
    const tab2 = (await nextTaskVia(a, { projectSlug: project.slug }))!;
    expect(tab2.assignmentId).toBe(tab1.assignmentId);
    const ids = tab1.outputs.map((o) => o.id);
    const first = await submitRankingVia(a, { assignmentId: tab1.assignmentId, order: ids.map((id) => [id]), idempotencyKey: key() });
    expect(first).toMatchObject({ duplicate: false });
    expect(first.revisedFrom).toBeUndefined();

    const reversed = [...ids].reverse().map((id) => [id]);
    const k2 = key();
    const second = await submitRankingVia(a, { assignmentId: tab2.assignmentId, order: reversed, idempotencyKey: k2 });
    expect(second).toMatchObject({ duplicate: false, revisedFrom: first.rankingId });
    expect(second.rankingId).not.toBe(first.rankingId);
    const rows = await currentRankings(tab1.prompt.id);
    expect(rows).toHaveLength(2);
    const current = rows.filter((r) => r.isCurrent);
    expect(current).toHaveLength(1);
    // What is stored is what tab 2 was told was saved.
    expect(current[0]).toMatchObject({ id: second.rankingId, order: reversed, previousId: first.rankingId });

    // Tab 2 retrying under its key is a duplicate of its own revision, not a third ranking.
    const retry = await submitRankingVia(a, { assignmentId: tab2.assignmentId, order: reversed, idempotencyKey: k2 });
    expect(retry).toEqual({ rankingId: second.rankingId, promptId: tab1.prompt.id, duplicate: true });
    // The same order again from a third tab writes nothing either.
    const same = await submitRankingVia(a, { assignmentId: tab2.assignmentId, order: reversed, idempotencyKey: key() });
    expect(same).toEqual({ rankingId: second.rankingId, promptId: tab1.prompt.id, duplicate: true });
    expect(await currentRankings(tab1.prompt.id)).toHaveLength(2);
  });

  it("past the revise window the second tab is told it was already submitted, with the stored order, and nothing is written", async () => {
    const project = await seedProject({ settings: { overlap: 2, reviseHours: 0 } });
    await seedPrompts(project.id, 1);
    const a = await makeActor("annotator");
    const t = (await nextTaskVia(a, { projectSlug: project.slug }))!;
    const ids = t.outputs.map((o) => o.id);
    const stored = [[ids[0], ids[1]], [ids[2]], [ids[3]]];
    const first = await submitRankingVia(a, { assignmentId: t.assignmentId, order: stored, flags: { [ids[3]]: ["pii"] }, idempotencyKey: key() });
    // reviseHours 0: the window closed the moment it was submitted.
    await new Promise((r) => setTimeout(r, 5));
    const second = await submitRankingVia(a, { assignmentId: t.assignmentId, order: [...ids].reverse().map((id) => [id]), idempotencyKey: key() });
    expect(second.duplicate).toBe(false);
    expect(second.rankingId).toBe(first.rankingId);
    expect(second.alreadySubmitted).toMatchObject({ order: stored, flags: { [ids[3]]: ["pii"] }, noneAcceptable: false });
    const rows = await currentRankings(t.prompt.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].order).toEqual(stored);
  });

  it("the API answers 201 with revisedFrom, 200 for a retry, and 409 already_submitted with the stored ranking", async () => {
    const project = await seedProject({ settings: { overlap: 2, reviseHours: 24 } });
    await seedPrompts(project.id, 2);
    const a = await makeActor("annotator");
    const { token } = await createApiToken({ ...a, role: "admin" }, { name: "t" });
    const post = async (assignmentId: string, body: object) => {
      const req = new Request(`http://localhost/api/v1/tasks/${assignmentId}/ranking`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const res = await rankingRoute.POST(req, { params: Promise.resolve({ id: assignmentId }) });
      return { status: res.status, body: await res.json() };
    };
    const t = (await nextTaskVia(a, { projectSlug: project.slug }))!;
    const ids = t.outputs.map((o) => o.id);
    const k1 = key();
    expect((await post(t.assignmentId, { order: ids.map((id) => [id]), idempotencyKey: k1 })).status).toBe(201);
    expect(await post(t.assignmentId, { order: ids.map((id) => [id]), idempotencyKey: k1 })).toMatchObject({ status: 200, body: { duplicate: true } });
    const revised = await post(t.assignmentId, { order: [...ids].reverse().map((id) => [id]), idempotencyKey: key() });
    expect(revised).toMatchObject({ status: 201, body: { duplicate: false, revisedFrom: expect.any(String) } });

    await getDb().update(rankings).set({ createdAt: new Date(Date.now() - 48 * 3600_000) }).where(eq(rankings.promptId, t.prompt.id));
    const late = await post(t.assignmentId, { order: ids.map((id) => [id]), idempotencyKey: key() });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: "conflict:already_submitted", rankingId: revised.body.rankingId, stored: { order: [...ids].reverse().map((id) => [id]) } });
  });
});

describeEachDatabase("lease drafts", () => {
  it("a draft saved on the lease comes back when the lease resumes, and goes once the task is submitted", async () => {
    const project = await seedProject({ settings: { overlap: 2 } });
    await seedPrompts(project.id, 2);
    const a = await makeActor("annotator");
    const t = (await nextTaskWithDraft(a, { projectSlug: project.slug }))!;
    expect(t.draft).toBeNull();
    const ids = t.outputs.map((o) => o.id);
    const draft = { order: [[ids[2], ids[0]], [ids[3]], [ids[1]]], flags: { [ids[1]]: ["wrong" as const, "unsafe" as const] }, noneAcceptable: false, rationale: "C and A both answer it", touched: true, elapsedMs: 12_345 };
    await saveRankingDraft(a, { assignmentId: t.assignmentId, draft });
    // A reload asks for the next task again: the same lease, with the draft (flags stored sorted).
    const resumed = (await nextTaskWithDraft(a, { projectSlug: project.slug }))!;
    expect(resumed.assignmentId).toBe(t.assignmentId);
    expect(resumed.draft).toEqual({ ...draft, flags: { [ids[1]]: ["unsafe", "wrong"] } });

    await submitRankingVia(a, { assignmentId: t.assignmentId, order: draft.order, idempotencyKey: key() });
    const [row] = await getDb().select().from(assignments).where(eq(assignments.id, t.assignmentId));
    expect(row.draft).toBeNull();
    // A submitted task takes no more drafts (a late debounced save from the page).
    await expect(saveRankingDraft(a, { assignmentId: t.assignmentId, draft })).rejects.toMatchObject({ code: "conflict:task" });
    const next = (await nextTaskWithDraft(a, { projectSlug: project.slug }))!;
    expect(next.assignmentId).not.toBe(t.assignmentId);
    expect(next.draft).toBeNull();
  });

  it("refuses a draft on someone else's lease or naming outputs the lease does not show", async () => {
    const project = await seedProject({ settings: { overlap: 2 } });
    await seedPrompts(project.id, 2);
    const a = await makeActor("annotator");
    const b = await makeActor("annotator");
    const ta = (await nextTaskWithDraft(a, { projectSlug: project.slug }))!;
    const tb = (await nextTaskWithDraft(b, { projectSlug: project.slug }))!;
    const draftOf = (ids: string[]) => ({ order: ids.map((id) => [id]), flags: {}, noneAcceptable: false, rationale: "", touched: false, elapsedMs: 0 });
    await expect(saveRankingDraft(b, { assignmentId: ta.assignmentId, draft: draftOf(ta.outputs.map((o) => o.id)) })).rejects.toMatchObject({ code: "not_found:task" });
    const foreign = tb.prompt.id === ta.prompt.id ? [crypto.randomUUID()] : tb.outputs.map((o) => o.id);
    await expect(saveRankingDraft(a, { assignmentId: ta.assignmentId, draft: draftOf(foreign) })).rejects.toMatchObject({ code: "bad_request:order" });
    const [row] = await getDb().select().from(assignments).where(eq(assignments.id, ta.assignmentId));
    expect(row.draft).toBeNull();
  });
});
