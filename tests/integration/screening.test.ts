// PII screening on a real database: hits stored with the text in its transaction, shown in the review queue, redacted or excluded at export.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { getDb } from "@/db/client";
import { completions, screenings } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { continueConversation } from "@/lib/conversations/continue";
import { createExport } from "@/lib/exports/snapshot";
import { importFile } from "@/lib/imports/import-file";
import { updateProject } from "@/lib/projects/projects";
import { submitPrompt } from "@/lib/prompts/write";
import { decideReview, listReviewQueue } from "@/lib/reviews/review";
import { continueConversationInput } from "@/lib/validation/conversations";
import { createExportInput } from "@/lib/validation/exports";
import { updateProjectInput } from "@/lib/validation/projects";
import { submitPromptInput } from "@/lib/validation/prompts";
import { reviewDecisionInput, reviewQueueInput } from "@/lib/validation/reviews";

const submitPromptVia = (actor: Actor, raw: unknown) => withInput(submitPromptInput, raw, (input) => submitPrompt(actor, input));
const queueVia = (actor: Actor, raw: unknown) => withInput(reviewQueueInput, raw, (input) => listReviewQueue(actor, input));
const decideVia = (actor: Actor, raw: unknown) => withInput(reviewDecisionInput, raw, (input) => decideReview(actor, input));
const continueVia = (actor: Actor, raw: unknown) => withInput(continueConversationInput, raw, (input) => continueConversation(actor, input));
const exportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
const settingsVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "tl-screen-"));
const EMAIL = "jane.roe@example.org";
const PHONE = "(415) 555-2671";
const CARD = "4111 1111 1111 1111";

/** Every file of a snapshot, read as one string, and its manifest. */
function readSnapshot(dir: string) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl") || f.endsWith(".json"));
  return { text: files.map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n"), manifest: JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { screening: Record<string, unknown> } };
}

describeEachDatabase("PII screening", () => {
  it("stores hits as a prompt and its demonstration are submitted, shows them to reviewers, and redacts or excludes them at export", async () => {
    await seedProject();
    const ann = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    const admin = await makeActor("admin");
    const instruction = `Write a polite reply to ${EMAIL} about the invoice.`;
    const demonstration = `Dear Jane, thank you. Call us on ${PHONE} if anything is unclear.`;
    const dirty = await submitPromptVia(ann, { projectSlug: "demo", instruction, category: "coding", demonstration });
    const clean = await submitPromptVia(ann, { projectSlug: "demo", instruction: "Name three primary colours.", category: "coding", demonstration: "Red, yellow and blue." });

    // Stored in the submit's transaction: one screening per text, hits on the dirty ones only.
    const rows = await getDb().select().from(screenings);
    expect(rows).toHaveLength(4);
    const promptRow = rows.find((r) => r.targetType === "prompt" && r.targetId === dirty.id)!;
    const start = instruction.indexOf(EMAIL);
    expect(promptRow.pii).toEqual([{ field: "instruction", kind: "email", start, end: start + EMAIL.length, text: EMAIL }]);
    expect(promptRow.review).toBe("open");
    expect(rows.filter((r) => r.promptId === clean.id).every((r) => r.review === "none" && r.pii.length === 0)).toBe(true);

    // The review queue lists the dirty prompt as a screening item, with each hit's offsets in its text.
    const queue = await queueVia(reviewer, { projectSlug: "demo", kind: "screening" });
    expect(queue.screenings.map((s) => s.id)).toEqual([dirty.id]);
    const shown = queue.screenings[0].texts.filter((t) => t.hits.length).map((t) => [t.label, ...t.hits.map((h) => t.text.slice(h.start, h.end))]);
    expect(shown).toEqual([
      ["instruction", EMAIL],
      ["demonstration", PHONE],
    ]);

    // Both prompts approved through their own review: the demonstrations become SFT rows.
    for (const id of [dirty.id, clean.id]) await decideVia(reviewer, { kind: "prompt", id, decision: "approve" });
    // A clean later turn continues the dirty conversation: its SFT row carries the dirty history.
    const [demo] = await getDb().select().from(completions).where(and(eq(completions.promptId, dirty.id), eq(completions.isDemonstration, true)));
    const later = await continueVia(ann, { projectSlug: "demo", parentCompletionId: demo.id, text: "Thanks! And what about tomorrow?", reply: "Tomorrow works too." });
    await decideVia(reviewer, { kind: "prompt", id: later.id, decision: "approve" });

    // Default: redacted.
    const a = readSnapshot((await exportVia(admin, { projectSlug: "demo", out: path.join(tmp(), "a"), options: { evalFraction: 0 } })).dir);
    expect(a.text).not.toContain(EMAIL);
    expect(a.text).not.toContain(PHONE);
    expect(a.text).toContain("Write a polite reply to [EMAIL] about the invoice.");
    expect(a.text).toContain("Call us on [PHONE] if anything");
    expect(a.text).toContain("Red, yellow and blue.");
    expect(a.text).toContain("Tomorrow works too.");
    // the two texts, and the same two again in the later turn's history
    expect(a.manifest.screening).toMatchObject({ pii: "redact", textsWithPii: 2, redactedTexts: 4, excludedPrompts: 0 });

    // pii: exclude leaves the prompt out; a bad value is a 400 naming the field.
    await expect(settingsVia(admin, { pii: "drop" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { pii: [expect.stringContaining("redact or exclude")] } });
    await settingsVia(admin, { pii: "exclude" });
    const b = readSnapshot((await exportVia(admin, { projectSlug: "demo", out: path.join(tmp(), "b"), options: { evalFraction: 0 } })).dir);
    expect(b.text).not.toContain("polite reply");
    expect(b.text).not.toContain(PHONE);
    expect(b.text).toContain("Red, yellow and blue.");
    expect(b.text).not.toContain("Tomorrow works too."); // its history holds the hits
    expect(b.manifest.screening).toMatchObject({ pii: "exclude", excludedPrompts: 2 });

    // A reviewer clears the hits (not personal data here): the next export keeps the text as written.
    await expect(decideVia(reviewer, { kind: "screening", id: dirty.id, decision: "edit", edit: { text: "x" } })).rejects.toMatchObject({ kind: "bad_request" });
    await decideVia(reviewer, { kind: "screening", id: dirty.id, decision: "approve" });
    await expect(decideVia(reviewer, { kind: "screening", id: dirty.id, decision: "approve" })).rejects.toMatchObject({ kind: "conflict" });
    expect((await queueVia(reviewer, { projectSlug: "demo", kind: "screening" })).screenings).toEqual([]);
    const c = readSnapshot((await exportVia(admin, { projectSlug: "demo", out: path.join(tmp(), "c"), options: { evalFraction: 0 } })).dir);
    expect(c.text).toContain(EMAIL);
    expect(c.text).toContain("Tomorrow works too.");
    expect(c.manifest.screening).toMatchObject({ pii: "exclude", textsWithPii: 0, excludedPrompts: 0 });
  });

  it("screens imported prompts and outputs in the import's transaction; a rejected screening rejects the prompt", async () => {
    await seedProject();
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const file = path.join(tmp(), "rows.jsonl");
    const rows = [
      { instruction: "Summarise the note.", input: `Pay with card ${CARD} by Friday.`, output: "Pay by Friday." },
      { instruction: "Say hello.", input: "", output: "Hello! Reach me at 192.168.10.254 or GB82 WEST 1234 5698 7654 32." },
      { instruction: "Count to three.", input: "", output: "One, two, three." },
    ];
    fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const summary = await importFile(admin, { projectSlug: "demo", path: file, format: "alpaca" });
    expect(summary.prompts).toBe(3);
    const stored = await getDb().select().from(screenings);
    expect(stored).toHaveLength(6);
    const kinds = stored.flatMap((s) => s.pii.map((h) => `${s.targetType}.${h.field}:${h.kind}:${h.text}`)).sort();
    expect(kinds).toEqual([`completion.text:iban:GB82 WEST 1234 5698 7654 32`, "completion.text:ip:192.168.10.254", `prompt.input:card:${CARD}`]);

    const queue = await queueVia(reviewer, { projectSlug: "demo", kind: "screening" });
    expect(queue.screenings).toHaveLength(2);
    const card = queue.screenings.find((s) => s.input?.includes(CARD))!;
    await expect(decideVia(reviewer, { kind: "screening", id: card.id, decision: "reject" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { reason: expect.anything() } });
    await decideVia(reviewer, { kind: "screening", id: card.id, decision: "reject", reason: "a real card number" });
    const after = await getDb().select().from(screenings).where(eq(screenings.promptId, card.id));
    expect(after.map((s) => s.review)).toContain("confirmed");
    expect((await queueVia(reviewer, { projectSlug: "demo", kind: "screening" })).screenings).toHaveLength(1);
  });
});
