// Conversations as trees on a real database: turns written and continued by annotators, reviewed, exported in TRL's
// conversational format with full histories (rows equal a hand-computed expectation), and the Open-Assistant tree format
// out and back in without loss.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { count } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { listHeldOutPrompts } from "@/db/queries/generation";
import { insertComparePrompt } from "@/db/queries/prompts";
import { completions, projects, prompts, rankings } from "@/db/schema";
import { historyBefore } from "@/lib/conversations/history";
import { listConversationTurns } from "@/lib/conversations/turns";
import { promptMessages } from "@/lib/conversations/messages";
import type { Actor } from "@/lib/auth/roles";
import { continueConversation, replyToTurn } from "@/lib/conversations/continue";
import { stopBoss } from "@/lib/jobs/queue";
import { startCollect } from "@/lib/sources/collect";
import { runCollect } from "@/lib/sources/collect-run";
import { addSource } from "@/lib/sources/sources";
import { addSourceInput } from "@/lib/validation/sources";
import { exportOasst } from "@/lib/conversations/oasst";
import { createExport, reexportSnapshot } from "@/lib/exports/snapshot";
import { importFile } from "@/lib/imports/import-file";
import { submitPrompt } from "@/lib/prompts/write";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { decideReview, listReviewQueue } from "@/lib/reviews/review";
import { continueConversationInput, replyToTurnInput } from "@/lib/validation/conversations";
import { submitPromptInput } from "@/lib/validation/prompts";
import { createExportInput, reexportSnapshotInput } from "@/lib/validation/exports";
import { nextTaskInput, submitRankingInput } from "@/lib/validation/rankings";
import { reviewDecisionInput, reviewQueueInput } from "@/lib/validation/reviews";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { withInput } from "../helpers/input";
import { seedProject } from "../helpers/seed";

const continueVia = (a: Actor, raw: unknown) => withInput(continueConversationInput, raw, (input) => continueConversation(a, input));
const replyVia = (a: Actor, raw: unknown) => withInput(replyToTurnInput, raw, (input) => replyToTurn(a, input));
const submitVia = (a: Actor, raw: unknown) => withInput(submitPromptInput, raw, (input) => submitPrompt(a, input));
const exportVia = (a: Actor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(a, input));
const reexportVia = (a: Actor, raw: unknown) => withInput(reexportSnapshotInput, raw, (input) => reexportSnapshot(a, input));
const nextTaskVia = (a: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(a, input));
const submitRankingVia = (a: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(a, input));
const queueVia = (a: Actor, raw: unknown) => withInput(reviewQueueInput, raw, (input) => listReviewQueue(a, input));
const reviewVia = (a: Actor, raw: unknown) => withInput(reviewDecisionInput, raw, (input) => decideReview(a, input));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "tl-conv-"));
const readJsonl = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const u = (content: string) => ({ role: "user", content });
const a = (content: string) => ({ role: "assistant", content });

async function idOfReply(text: string) {
  const rows = await getDb().select().from(completions);
  return rows.find((c) => c.text === text)!.id;
}
async function idOfTurn(text: string) {
  const rows = await getDb().select().from(prompts);
  return rows.find((p) => p.instruction === text)!.id;
}

/**
 * The tree (✓ approved, ✗ rejected):
 *   "Plan a day in Rome for me" ✓
 *   ├─ D1 "Colosseum, then Trastevere." ✓
 *   │   ├─ "Cheaper options?" ✓ ── D3 "Walk and picnic." ✓
 *   │   └─ "What about the evening?" ✓ ── D4 "Dinner in Monti." ✓, D5 "Opera at Caracalla." ✓  (ranked D5 ≻ D4)
 *   └─ D2 "Stay in and read." ✓
 *       └─ "Really?" ✗
 */
async function collectTree() {
  await seedProject();
  const [ann1, ann2, ann3] = [await makeActor("annotator"), await makeActor("annotator"), await makeActor("annotator")];
  const reviewer = await makeActor("reviewer");
  const root = await submitVia(ann1, { projectSlug: "demo", instruction: "Plan a day in Rome for me", category: "open QA", demonstration: "Colosseum, then Trastevere." });
  await reviewVia(reviewer, { kind: "prompt", id: root.id, decision: "approve" });
  const d2 = await replyVia(ann2, { projectSlug: "demo", promptId: root.id, text: "Stay in and read." });
  await reviewVia(reviewer, { kind: "demonstration", id: d2.id, decision: "approve" });
  const d1 = await idOfReply("Colosseum, then Trastevere.");

  const cheaper = await continueVia(ann2, { projectSlug: "demo", parentCompletionId: d1, text: "Cheaper options?", reply: "Walk and picnic." });
  await reviewVia(reviewer, { kind: "prompt", id: cheaper.id, decision: "approve" });
  const evening = await continueVia(ann3, { projectSlug: "demo", parentCompletionId: d1, text: "What about the evening?" });
  await reviewVia(reviewer, { kind: "prompt", id: evening.id, decision: "approve" });
  for (const text of ["Dinner in Monti.", "Opera at Caracalla."]) {
    const r = await replyVia(ann1, { projectSlug: "demo", promptId: evening.id, text });
    await reviewVia(reviewer, { kind: "demonstration", id: r.id, decision: "approve" });
  }
  // The sibling replies ranked (an imported preference stands on its own; human rankings go through the queue as anywhere).
  await getDb().insert(rankings).values({ promptId: evening.id, annotatorId: null, source: "import", order: [[await idOfReply("Opera at Caracalla.")], [await idOfReply("Dinner in Monti.")]] });
  const really = await continueVia(ann3, { projectSlug: "demo", parentCompletionId: d2.id, text: "Really?", reply: "Yes." });
  await reviewVia(reviewer, { kind: "prompt", id: really.id, decision: "reject", reason: "off topic" });
  return { ann1, reviewer };
}

describeEachDatabase("conversations", () => {
  afterEach(async () => {
    await stopBoss();
  });

  it("asks a model source with the whole conversation: system message, earlier turns, then the user turn", async () => {
    const server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, `reply ${r.messages.length}`) }));
    try {
      const admin = await makeActor("admin");
      await seedProject({ settings: { k: 3, overlap: 1, agreementThreshold: 0 } });
      const file = path.join(tmp(), "chat.jsonl");
      const msgs = [{ role: "system", content: "Be kind." }, u("Hi"), a("Hello!"), u("Tell me a joke")];
      fs.writeFileSync(file, JSON.stringify({ prompt: msgs, chosen: [a("Knock knock.")], rejected: [a("No.")] }) + "\n");
      expect(await importFile(admin, { projectSlug: "demo", path: file })).toMatchObject({ format: "trl", prompts: 1, earlierTurns: 1 });
      await addSource(admin, addSourceInput.parse({ projectSlug: "demo", name: "alpha", baseUrl: server.baseUrl, model: "m" }));
      const done = await runCollect((await startCollect(admin, { projectSlug: "demo", sources: ["alpha"] })).id);
      expect(done).toMatchObject({ status: "succeeded", progress: { prompts: 2, outputs: 2 } });
      // Each turn is answered with the path to it: the first turn alone (with the system message), the second after the first exchange.
      expect(server.log.map((r) => r.messages).sort((x, y) => x.length - y.length)).toEqual([[msgs[0], msgs[1]], msgs]);
      const joke = await getDb().select().from(completions);
      expect(joke.filter((c) => c.text === "reply 4")).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("exports each approved path as one SFT row with its whole history, and ranked sibling replies as pairs after the history", async () => {
    await collectTree();
    const admin = await makeActor("admin");
    const out = path.join(tmp(), "snap");
    const snap = await exportVia(admin, { projectSlug: "demo", out, options: { evalFraction: 0 } });
    const sft = readJsonl(path.join(out, "sft.train.jsonl")).map((r) => r.messages);
    const rome = u("Plan a day in Rome for me");
    // D1 is continued by an approved path, so its own row would repeat what the longer rows train on; "Really?" is rejected.
    expect(sft).toEqual(
      expect.arrayContaining([
        [rome, a("Stay in and read.")],
        [rome, a("Colosseum, then Trastevere."), u("Cheaper options?"), a("Walk and picnic.")],
        [rome, a("Colosseum, then Trastevere."), u("What about the evening?"), a("Dinner in Monti.")],
        [rome, a("Colosseum, then Trastevere."), u("What about the evening?"), a("Opera at Caracalla.")],
      ]),
    );
    expect(sft).toHaveLength(4);
    const pairs = readJsonl(path.join(out, "preference.train.jsonl"));
    expect(pairs.map((r) => [r.prompt, r.chosen, r.rejected])).toEqual([
      [[rome, a("Colosseum, then Trastevere."), u("What about the evening?")], [a("Opera at Caracalla.")], [a("Dinner in Monti.")]],
    ]);
    // Byte-identical when written again from the manifest's cut-off and options.
    const again = path.join(tmp(), "again");
    await reexportVia(admin, { projectSlug: "demo", id: snap.id, out: again });
    for (const f of fs.readdirSync(out)) expect(fs.readFileSync(path.join(again, f)).equals(fs.readFileSync(path.join(out, f))), f).toBe(true);

    // Every turn of a conversation lands in its root's split: with half held out, the four SFT rows stay together.
    const half = path.join(tmp(), "half");
    await exportVia(admin, { projectSlug: "demo", out: half, options: { evalFraction: 0.5 } });
    const split = [readJsonl(path.join(half, "sft.train.jsonl")).length, readJsonl(path.join(half, "sft.eval.jsonl")).length].sort();
    expect(split).toEqual([0, 4]);

    // A ranking task shows the conversation before the turn whose replies are ranked.
    const ranker = await makeActor("annotator");
    const seen: Array<{ instruction: string; history: unknown }> = [];
    for (let t = await nextTaskVia(ranker, { projectSlug: "demo" }); t; t = await nextTaskVia(ranker, { projectSlug: "demo" })) {
      seen.push({ instruction: t.prompt.instruction, history: t.prompt.history });
      await submitRankingVia(ranker, { assignmentId: t.assignmentId, order: t.outputs.map((o) => [o.id]), idempotencyKey: crypto.randomUUID(), flags: {} });
    }
    expect(seen).toEqual(
      expect.arrayContaining([
        { instruction: "Plan a day in Rome for me", history: [] },
        { instruction: "What about the evening?", history: [rome, a("Colosseum, then Trastevere.")] },
      ]),
    );
  });

  it("round-trips the Open-Assistant tree format: export, import into another project, export again gives the same trees", async () => {
    await collectTree();
    const admin = await makeActor("admin");
    const dir = tmp();
    const first = await exportOasst(admin, { projectSlug: "demo", out: path.join(dir, "a.jsonl") });
    expect(first.trees).toBe(1);
    const [tree] = readJsonl(first.path) as Array<{ prompt: Record<string, unknown> }>;
    expect(tree.prompt).toMatchObject({ role: "prompter", text: "Plan a day in Rome for me", parent_id: null, review_result: true });
    await seedProject({ slug: "copy" });
    const before = await getDb().select({ n: count() }).from(prompts);
    const imported = await importFile(admin, { projectSlug: "copy", path: first.path });
    expect(imported).toMatchObject({ format: "oasst", rowsRead: 1, prompts: 4, completions: 6, rankings: 1 });
    const after = await getDb().select({ n: count() }).from(prompts);
    expect(after[0].n - before[0].n).toBe(4);
    const second = await exportOasst(admin, { projectSlug: "copy", out: path.join(dir, "b.jsonl") });
    // Ids are each project's own; everything else (texts, roles, ranks, review results, shape, order) is equal.
    const withoutIds = (file: string) => fs.readFileSync(file, "utf8").replace(/"(message_tree_id|message_id|parent_id)":"[0-9a-f-]{36}"/g, '"$1":"-"');
    expect(withoutIds(second.path)).toBe(withoutIds(first.path));
    // Importing it again adds nothing.
    expect(await importFile(admin, { projectSlug: "copy", path: first.path })).toMatchObject({ prompts: 0, completions: 0, rankings: 0, duplicatesSkipped: 1 });
  });

  it("refuses an unknown parent reply, and an oasst tree whose ids loop back, naming the field and changing nothing", async () => {
    await collectTree();
    const [ann, admin] = [await makeActor("annotator"), await makeActor("admin")];
    const before = await Promise.all([getDb().select({ n: count() }).from(prompts), getDb().select({ n: count() }).from(completions)]);
    const unknown = await continueVia(ann, { projectSlug: "demo", parentCompletionId: crypto.randomUUID(), text: "Next?" }).catch((e) => e);
    expect(unknown).toMatchObject({ status: 404, fieldErrors: { parentCompletionId: ["Unknown reply"] } });
    // A reply on a rejected turn cannot be continued.
    const rejectedTurn = await continueVia(ann, { projectSlug: "demo", parentCompletionId: await idOfReply("Yes."), text: "Next?" }).catch((e) => e);
    expect(rejectedTurn).toMatchObject({ status: 409, fieldErrors: { parentCompletionId: ["Rejected or unpublished reply"] } });
    const unknownTurn = await replyVia(ann, { projectSlug: "demo", promptId: crypto.randomUUID(), text: "Hi" }).catch((e) => e);
    expect(unknownTurn).toMatchObject({ status: 404, fieldErrors: { promptId: ["Unknown turn"] } });
    expect(await replyVia(ann, { projectSlug: "demo", promptId: await idOfTurn("Cheaper options?"), text: "  " }).catch((e) => e)).toMatchObject({ status: 400, fieldErrors: { text: ["Write the reply"] } });

    const file = path.join(tmp(), "cycle.jsonl");
    const m = (id: string, parent: string | null, role: string, text: string, replies: unknown[] = []) => ({ message_id: id, parent_id: parent, role, text, replies });
    fs.writeFileSync(file, JSON.stringify({ prompt: m("x1", null, "prompter", "Hi", [m("x2", "x1", "assistant", "Hello", [m("x1", "x2", "prompter", "Hi again")])]) }) + "\n");
    const cycle = await importFile(admin, { projectSlug: "demo", path: file, format: "oasst" }).catch((e) => e);
    expect(cycle).toMatchObject({ status: 400, line: 1, field: "prompt.replies.0.replies.0.message_id" });
    expect(cycle.message).toContain("(a cycle)");
    fs.writeFileSync(file, JSON.stringify({ prompt: m("x1", null, "prompter", "Hi", [m("x2", "nope", "assistant", "Hello")]) }) + "\n");
    const orphan = await importFile(admin, { projectSlug: "demo", path: file }).catch((e) => e);
    expect(orphan).toMatchObject({ status: 400, line: 1, field: "prompt.replies.0.parent_id" });
    const after = await Promise.all([getDb().select({ n: count() }).from(prompts), getDb().select({ n: count() }).from(completions)]);
    expect(after).toEqual(before);
  });

  it("reviews a later turn below the conversation before it, and a release-gate comparison generates and shows a later turn with its history", async () => {
    const { reviewer } = await collectTree();
    const ann = await makeActor("annotator");
    const rome = u("Plan a day in Rome for me");
    const rain = await continueVia(ann, { projectSlug: "demo", parentCompletionId: await idOfReply("Walk and picnic."), text: "And if it rains?" });
    const queue = await queueVia(reviewer, { projectSlug: "demo" });
    expect(queue.prompts.map((p) => p.id)).toContain(rain.id);
    expect(queue.histories[rain.id]).toEqual([rome, a("Colosseum, then Trastevere."), u("Cheaper options?"), a("Walk and picnic.")]);
    // the Conversations page: newest turn first, below its history; the rejected "Really?" is not offered
    const turns = await listConversationTurns(ann, "demo");
    expect(turns[0]).toMatchObject({ id: rain.id, text: "And if it rains?", status: "submitted", replies: [] });
    expect(turns[0].history).toEqual(queue.histories[rain.id]);
    expect(turns.find((t) => t.text === "What about the evening?")?.replies.map((r) => r.text)).toEqual(["Dinner in Monti.", "Opera at Caracalla."]);
    expect(turns.map((t) => t.text)).not.toContain("Really?");

    const [project] = await getDb().select().from(projects);
    const held = await listHeldOutPrompts(getDb(), { projectId: project.id, ids: [], after: new Date(0), limit: 50 });
    const evening = held.find((p) => p.instruction === "What about the evening?")!;
    expect(promptMessages(evening)).toEqual([rome, a("Colosseum, then Trastevere."), u("What about the evening?")]);
    expect(promptMessages(held.find((p) => p.instruction === "Plan a day in Rome for me")!)).toEqual([rome]);
    // the comparison copy stands outside the tree, yet its task shows the held-out turn's history
    const version = crypto.randomUUID();
    const copy = await insertComparePrompt(getDb(), { projectId: project.id, instruction: evening.instruction, input: null, source: "human", status: "approved", compareOf: evening.id, compareVersionId: version });
    expect(await historyBefore(getDb(), copy.id)).toEqual([rome, a("Colosseum, then Trastevere.")]);
  });
});
