// Drafting tasks from seeds by the project's own model version, on a real database: a checkpoint through the trainer's
// generation (a child process, as the generate job runs it) and a version served by an endpoint; drafts wait for review.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditLog, modelVersions, prompts } from "@/db/schema";
import type { AnyActor } from "@/lib/auth/roles";
import { storableText } from "@/lib/jobs/trainer-process";
import { draftTasksFromSeeds, firstTask } from "@/lib/prompts/draft-from-seeds";
import { submitPrompt } from "@/lib/prompts/write";
import { decideReview } from "@/lib/reviews/review";
import { draftFromSeedsInput, submitPromptInput } from "@/lib/validation/prompts";
import { reviewDecisionInput } from "@/lib/validation/reviews";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { withInput } from "../helpers/input";
import { seedProject, seedPrompts } from "../helpers/seed";
import { writeSnapshot } from "../helpers/trainer-snapshot";

const draftVia = (actor: AnyActor, raw: unknown) => withInput(draftFromSeedsInput, raw, (input) => draftTasksFromSeeds(actor, input));

const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "tl-seed-drafts-"));
const checkpoint = path.join(root, "ckpt");

beforeAll(() => {
  const snapshot = writeSnapshot({ sft: [["Come up with a series of tasks:", "Write a limerick about a cat who paints."], ["Task 3:", "List four uses of a paperclip."]] });
  execFileSync(process.execPath, [cli, "train", "--snapshot", snapshot, "--init", "tiny", "--stage", "sft", "--out", checkpoint, "--steps", "2"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: "" } });
}, 240_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function addVersion(projectId: string, v: { label: string; checkpointPath?: string; config?: Record<string, unknown>; isActive?: boolean; kind?: "policy" | "reward" }) {
  await getDb()
    .insert(modelVersions)
    .values({ projectId, label: v.label, base: "tiny", config: v.config ?? {}, checkpointPath: v.checkpointPath ?? checkpoint, isActive: v.isActive ?? false, kind: v.kind ?? "policy" });
}

describeEachDatabase("seed drafts by a model version", () => {
  it("the active version's checkpoint drafts through the trainer's generation; what it keeps waits for review", { timeout: 240_000 }, async () => {
    // greedy, one seed task: the Self-Instruct prompt is known, so the trainer CLI run by hand says what the version writes
    const project = await seedProject({ settings: { temperature: 0 } });
    await seedPrompts(project.id, 1, 2);
    const admin = await makeActor("admin");
    await addVersion(project.id, { label: "v1", isActive: true });
    await addVersion(project.id, { label: "broken", checkpointPath: path.join(root, "no-such-checkpoint") });
    const prompt = "Come up with a series of tasks:\n\nTask 1: Question number 0?\nTask 2:";
    const byHand = JSON.parse(
      execFileSync(process.execPath, [cli, "generate", "--model", checkpoint, "--prompt", prompt, "--temperature", "0", "--max-tokens", "200", "--json"], { encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } }).trim().split("\n").at(-1)!,
    ) as { outputs: string[] };
    const task = firstTask(storableText(byHand.outputs[0]));

    const out = await draftVia(admin, { projectSlug: "demo", version: "active", n: "2", k: "1" });
    // the same prompt twice, greedy: the second reply repeats the first (ROUGE-L 1 > 0.7) unless the first was no task
    if (task.length >= 10) expect(out).toMatchObject({ asked: 2, kept: [{ instruction: task }], tooSimilar: 1, empty: 0, failed: 0, lastError: null });
    else expect(out).toMatchObject({ asked: 2, kept: [], tooSimilar: 0, empty: 2, failed: 0, lastError: null });
    for (const k of out.kept) {
      const [row] = await getDb().select().from(prompts).where(eq(prompts.id, k.id));
      expect(row).toMatchObject({ status: "submitted", source: "model", authorId: null });
      const [audit] = await getDb().select().from(auditLog).where(eq(auditLog.action, "prompt.draft_from_seeds"));
      expect(audit.data).toMatchObject({ version: "v1", asked: 2, kept: 1 });
    }

    // a version whose checkpoint is gone: every ask failed with the trainer's reason, nothing written, no 500
    const before = await getDb().select().from(prompts);
    const failed = await draftVia(admin, { projectSlug: "demo", version: "broken", n: "2", k: "1" });
    expect(failed).toMatchObject({ asked: 2, kept: [], failed: 2 });
    expect(failed.lastError).toMatch(/generation failed/);
    expect(await getDb().select().from(prompts)).toHaveLength(before.length);
  });

  it("a version served by an endpoint drafts with Self-Instruct's prompt, never sends seeds held by screening, and checks its input", async () => {
    let call = 0;
    const replies = ["Compose a sonnet about autumn leaves falling in a quiet park.\nTask 8: Something else", "Task 7: Compose a sonnet about autumn leaves falling in a quiet park.", "ok", "Task 7: Compose a sonnet about autumn leaves falling in a quiet park."];
    const server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, replies[call++ % replies.length]) }));
    try {
      const project = await seedProject({ settings: { temperature: 0.9 } });
      await seedPrompts(project.id, 3, 2);
      const admin = await makeActor("admin");
      const ann = await makeActor("annotator");
      const reviewer = await makeActor("reviewer");
      // an approved seed task with an e-mail address no screening reviewer has cleared
      const dirty = await withInput(submitPromptInput, { projectSlug: "demo", instruction: "Write a thank-you note to jane.roe@example.org for the flowers.", category: "coding" }, (input) => submitPrompt(ann, input));
      await withInput(reviewDecisionInput, { kind: "prompt", id: dirty.id, decision: "approve" }, (input) => decideReview(reviewer, input));
      await addVersion(project.id, { label: "v2", config: { external: { endpoint: `${server.baseUrl}`, model: "served-v2" } } });

      const out = await draftVia(admin, { projectSlug: "demo", version: "v2", n: "4", k: "20" });
      expect(out).toMatchObject({ asked: 4, tooSimilar: 2, empty: 1, failed: 0 });
      expect(out.kept.map((k) => k.instruction)).toEqual(["Compose a sonnet about autumn leaves falling in a quiet park."]);
      expect(server.log).toHaveLength(4);
      for (const r of server.log) {
        expect(r.model).toBe("served-v2");
        expect(r.temperature).toBe(0.9);
        // all three clean seeds, numbered, then the next number; the held one is not sent
        expect(r.prompt).toMatch(/^Come up with a series of tasks:\n\nTask 1: Question number \d\?\nTask 2: Question number \d\?\nTask 3: Question number \d\?\nTask 4:$/);
      }
      const [audit] = (await getDb().execute(sql`select data from audit_log where action = 'prompt.draft_from_seeds'`)).rows as Array<{ data: unknown }>;
      expect(audit.data).toMatchObject({ version: "v2", asked: 4, kept: 1 });

      // cleared by a reviewer, the seed is sent again
      await withInput(reviewDecisionInput, { kind: "screening", id: dirty.id, decision: "approve" }, (input) => decideReview(reviewer, input));
      await draftVia(admin, { projectSlug: "demo", version: "v2", n: "1", k: "20" });
      expect(server.log.at(-1)!.prompt).toContain("jane.roe@example.org");

      // input: exactly one of source and version; an unknown or reward version, or no active one, is a 404 naming version
      await expect(draftVia(admin, { projectSlug: "demo", version: "v2", source: "x" })).rejects.toMatchObject({ status: 400, fieldErrors: { version: [expect.stringMatching(/not both/)] } });
      await expect(draftVia(admin, { projectSlug: "demo" })).rejects.toMatchObject({ status: 400, fieldErrors: { source: [expect.anything()] } });
      await expect(draftVia(admin, { projectSlug: "demo", version: "v9" })).rejects.toMatchObject({ status: 404, fieldErrors: { version: ["Unknown version"] } });
      await expect(draftVia(admin, { projectSlug: "demo", version: "active" })).rejects.toMatchObject({ status: 404, fieldErrors: { version: ["This project has no active version"] } });
      await addVersion(project.id, { label: "rm1", kind: "reward" });
      await expect(draftVia(admin, { projectSlug: "demo", version: "rm1" })).rejects.toMatchObject({ status: 404, fieldErrors: { version: ["Unknown version"] } });
      // drafting is reviewers' and up (864e372: the Diversity page's form is theirs); an annotator is refused before any request
      await expect(draftVia(ann, { projectSlug: "demo", version: "v2" })).rejects.toMatchObject({ status: 403 });
      expect(server.log).toHaveLength(5);
    } finally {
      await server.close();
    }
  });
});
