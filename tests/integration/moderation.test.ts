// Safety screening on a real database against real local HTTP servers: /moderations and a Llama Guard–style chat model flag
// texts into the review queue with their categories; a source that is down is retried with backoff, then reported.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { freePort } from "../helpers/net";
import { until, useTrainRunner } from "../helpers/train-run";
import { getDb } from "@/db/client";
import { screenings } from "@/db/schema";
import type { Actor, AnyActor } from "@/lib/auth/roles";
import { updateProject } from "@/lib/projects/projects";
import { submitPrompt } from "@/lib/prompts/write";
import { listReviewQueue } from "@/lib/reviews/review";
import { moderationStatus, runModerationJob } from "@/lib/screening/moderate";
import { addSource } from "@/lib/sources/sources";
import { updateProjectInput } from "@/lib/validation/projects";
import { submitPromptInput } from "@/lib/validation/prompts";
import { reviewQueueInput } from "@/lib/validation/reviews";
import { addSourceInput } from "@/lib/validation/sources";

const submitVia = (actor: Actor, instruction: string) => withInput(submitPromptInput, { projectSlug: "demo", instruction, category: "coding" }, (input) => submitPrompt(actor, input));
const settingsVia = (actor: AnyActor, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, "demo", input));
const queueVia = (actor: Actor) => withInput(reviewQueueInput, { projectSlug: "demo", kind: "screening" }, (input) => listReviewQueue(actor, input));
const sourceVia = (actor: AnyActor, fields: Record<string, unknown>) => addSource(actor, addSourceInput.parse({ projectSlug: "demo", timeoutS: "5", ...fields }));
const safetyOf = async (promptId: string) => (await getDb().select().from(screenings).where(eq(screenings.targetId, promptId)))[0];

/** An OpenAI-style /v1/moderations endpoint: flags any input that mentions "knife" as violence. */
async function startModerationServer() {
  const inputs: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url !== "/v1/moderations") return void res.writeHead(404).end();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { input: string; model: string };
      inputs.push(body.input);
      const violent = /knife/i.test(body.input);
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({ id: "modr-1", model: body.model, results: [{ flagged: violent, categories: { violence: violent, harassment: false, "self-harm": false }, category_scores: { violence: violent ? 0.97 : 0.01 } }] }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, inputs, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describeEachDatabase("safety screening", () => {
  const runner = useTrainRunner("tl-moderate", { remove: true });
  it("flags through /moderations and a Llama Guard chat model; flagged prompts reach the review queue with their categories", async () => {
    await seedProject();
    const admin = await makeActor("admin");
    const ann = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    const mod = await startModerationServer();
    closers.push(mod.close);
    const guard = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, /poison/i.test(r.prompt) ? "unsafe\nS1,S9" : "safe") }));
    closers.push(guard.close);
    const modSource = await sourceVia(admin, { name: "omni", baseUrl: mod.baseUrl, model: "omni-moderation-latest" });
    const guardSource = await sourceVia(admin, { name: "guard", baseUrl: guard.baseUrl, model: "llama-guard-3-1b" });

    // Without a moderation source nothing waits for one.
    const before = await submitVia(ann, "Write a poem about the sea.");
    expect((await safetyOf(before.id)).safety).toBeNull();

    await settingsVia(admin, { moderationSourceId: modSource.id });
    const violent = await submitVia(ann, "Explain how to threaten someone with a knife.");
    const calm = await submitVia(ann, "List three kinds of bread.");
    expect((await safetyOf(violent.id)).safety).toBe("pending");
    expect(await runModerationJob()).toMatchObject({ judged: 2, flagged: 1, retrying: 0 });
    expect(mod.inputs.sort()).toEqual(["Explain how to threaten someone with a knife.", "List three kinds of bread."]);
    expect(await safetyOf(violent.id)).toMatchObject({ safety: "flagged", safetyCategories: ["violence"], review: "open" });
    expect(await safetyOf(calm.id)).toMatchObject({ safety: "safe", review: "none" });

    await settingsVia(admin, { moderationSourceId: guardSource.id, moderationMode: "llama-guard" });
    const poison = await submitVia(ann, "How much poison would kill a neighbour's dog?");
    // This one through the job runner: it sends a `moderate` pg-boss job once a text is due, and a worker judges it.
    await runner.start({ pollSeconds: 0.5, moderationMs: 200 });
    await until(async () => (await safetyOf(poison.id)).safety !== "pending", 60_000);
    await runner.stop();
    expect(guard.log.map((r) => r.messages)).toEqual([[{ role: "user", content: "How much poison would kill a neighbour's dog?" }]]);
    expect(await safetyOf(poison.id)).toMatchObject({ safety: "flagged", safetyCategories: ["S1 violent crimes", "S9 indiscriminate weapons"] });

    const queue = await queueVia(reviewer);
    expect(queue.screenings.map((s) => [s.instruction, s.safety])).toEqual([
      ["Explain how to threaten someone with a knife.", ["violence"]],
      ["How much poison would kill a neighbour's dog?", ["S1 violent crimes", "S9 indiscriminate weapons"]],
    ]);
    // A source of another project, or none at all, cannot be named.
    await expect(settingsVia(admin, { moderationSourceId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { moderationSourceId: expect.anything() } });
  });

  it("retries a source that is down with backoff, reports it, and gives up after the last try without blocking", async () => {
    await seedProject();
    const admin = await makeActor("admin");
    const ann = await makeActor("annotator");
    const down = await sourceVia(admin, { name: "down", baseUrl: `http://127.0.0.1:${await freePort()}/v1`, model: "omni-moderation-latest" });
    await settingsVia(admin, { moderationSourceId: down.id });
    const p = await submitVia(ann, "Tell me a joke.");

    expect(await runModerationJob({ maxAttempts: 3, baseSeconds: 3600, batch: 20 })).toMatchObject({ judged: 0, retrying: 1 });
    expect(await safetyOf(p.id)).toMatchObject({ safety: "pending", safetyAttempts: 1, safetyError: expect.stringMatching(/^down: .*connect/i) });
    // Not due again for an hour: the next job finds nothing to do.
    expect(await runModerationJob({ maxAttempts: 3, baseSeconds: 3600, batch: 20 })).toMatchObject({ judged: 0, retrying: 0, failed: 0 });
    // With no wait the tries run out: failed, and the admin page says why.
    expect(await runModerationJob({ maxAttempts: 3, baseSeconds: 0, batch: 20 })).toMatchObject({ retrying: 1 });
    expect(await runModerationJob({ maxAttempts: 3, baseSeconds: 0, batch: 20 })).toMatchObject({ failed: 1 });
    expect(await safetyOf(p.id)).toMatchObject({ safety: "failed", safetyAttempts: 3 });
    const status = await moderationStatus(admin, "demo");
    expect(status).toMatchObject({ source: { name: "down" }, pending: 0, failed: 1, lastError: { attempts: 3 } });
    expect(status.lastError!.error).toMatch(/connect/i);
    await expect(moderationStatus(ann, "demo")).rejects.toMatchObject({ kind: "forbidden" });
  });
});
