// Tuneloop as an OpenAI-compatible server, checked with the official `openai` client: models, a completion, n > 1, a seeded
// stream equal to the plain answer, a bad model, a bad token, bad and oversized requests, the per-token rate limit; and a
// model source pointing at this endpoint collects outputs. Generation runs in trainer child processes on a tiny checkpoint trained here.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import OpenAI, { APIError } from "openai";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { isNotNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { completions, modelVersions } from "@/db/schema";
import { createApiToken } from "@/lib/auth/tokens";
import { resetEnvForTests } from "@/lib/env";
import { closeGenerationPool, generationPool } from "@/lib/generation-pool/pool";
import { stopBoss } from "@/lib/jobs/queue";
import { startCollect } from "@/lib/sources/collect";
import { runCollect } from "@/lib/sources/collect-run";
import { addSource } from "@/lib/sources/sources";
import { addSourceInput } from "@/lib/validation/sources";
import { GET as modelsRoute } from "@/app/api/openai/v1/models/route";
import { POST as chatRoute } from "@/app/api/openai/v1/chat/completions/route";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject, seedPrompts } from "../helpers/seed";
import { writeSnapshot } from "../helpers/trainer-snapshot";
import { byteTokenizer } from "@/trainer/tokenizer/byte";

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: () => Promise.resolve(null) }));

// One generation process, one waiting request, one model per process: small enough to reach every bound below.
Object.assign(process.env, { TUNELOOP_GEN_WORKERS: "1", TUNELOOP_GEN_QUEUE: "1", TUNELOOP_GEN_MODELS: "1" });
resetEnvForTests();

const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
const ckptRoot = fs.mkdtempSync(path.join(os.tmpdir(), "tl-openai-"));
const checkpoint = path.join(ckptRoot, "ckpt");

/**
 * Our route handlers behind a real port, so any HTTP client (the official one, the collect job's) can reach them.
 * Bodies stream as they are written, and a client that goes away aborts the request and cancels the body, as Next does.
 */
async function serveRoutes() {
  const server = http.createServer((req, res) => void answer(req, res));
  async function answer(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const gone = new AbortController();
    res.on("close", () => !res.writableFinished && gone.abort());
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: req.method === "POST" ? Buffer.concat(chunks) : undefined, signal: gone.signal });
    const route = req.url!.endsWith("/chat/completions") ? chatRoute : req.url!.endsWith("/models") ? modelsRoute : null;
    const reply = route ? await route(request) : new Response("{}", { status: 404 });
    res.writeHead(reply.status, Object.fromEntries(reply.headers.entries()));
    const reader = reply.body?.getReader();
    gone.signal.addEventListener("abort", () => void reader?.cancel());
    for (let r = await reader?.read(); r && !r.done; r = await reader!.read().catch(() => ({ done: true as const, value: undefined }))) res.write(r.value);
    res.end();
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/openai/v1`, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

/** Waits for a condition of the pool (polled; a minute at most). */
async function until(what: string, ok: () => boolean) {
  for (const t = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - t > 60_000) throw new Error(`still not ${what}: ${JSON.stringify(generationPool().stats())}`);
}
const failure = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as APIError);

beforeAll(() => {
  const snapshot = writeSnapshot({ sft: [["Hi", "Hello there"], ["Bye", "See you"]] });
  execFileSync(process.execPath, [cli, "train", "--snapshot", snapshot, "--init", "tiny", "--stage", "sft", "--out", checkpoint, "--steps", "2"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: "" } });
}, 180_000);
afterAll(() => fs.rmSync(ckptRoot, { recursive: true, force: true }));

describeEachDatabase("OpenAI-compatible endpoint", () => {
  afterEach(async () => {
    await stopBoss();
    await closeGenerationPool(); // each test starts its own pool (fresh counters), sized by the environment below
  });

  it("answers the official client: models, completions (n, seed, stream), and errors in OpenAI's shape", { timeout: 300_000 }, async () => {
    const admin = await makeActor("admin");
    const token = (await createApiToken(admin, { name: "openai" })).token;
    const project = await seedProject({ slug: "demo" });
    await getDb().insert(modelVersions).values({ projectId: project.id, label: "v1", base: "tiny", config: {}, checkpointPath: checkpoint, isActive: true });
    const routes = await serveRoutes();
    try {
      const client = new OpenAI({ apiKey: token, baseURL: routes.baseUrl, maxRetries: 0 });
      const models = await client.models.list();
      expect(models.data.map((m) => m.id).sort()).toEqual(["demo/active", "demo/v1"]);

      const ask = { model: "demo/active", messages: [{ role: "user" as const, content: "Hi" }], max_tokens: 8, n: 2, seed: 7 };
      const plain = await client.chat.completions.create(ask);
      expect(plain.object).toBe("chat.completion");
      expect(plain.choices).toHaveLength(2);
      expect(plain.choices.every((c) => typeof c.message.content === "string" && c.message.role === "assistant")).toBe(true);
      // Usage by the byte tokenizer's template, counted by hand: <user> H i <end> <assistant> is 5 tokens; a choice that
      // ran out of tokens sampled max_tokens, one that ended on its end token or a stop sequence at most that many.
      expect(plain.usage?.prompt_tokens).toBe(5);
      const ranOut = plain.choices.filter((c) => c.finish_reason === "length").length;
      expect(plain.usage!.completion_tokens).toBeGreaterThanOrEqual(ranOut * 8 + (2 - ranOut));
      expect(plain.usage!.completion_tokens).toBeLessThanOrEqual(16);
      expect(plain.usage?.total_tokens).toBe(plain.usage!.prompt_tokens + plain.usage!.completion_tokens);

      const stream = await client.chat.completions.create({ ...ask, model: "demo/v1", stream: true, stream_options: { include_usage: true } });
      const texts = ["", ""];
      const pieces = [0, 0];
      const finish: Array<string | null> = [null, null];
      let usage: OpenAI.CompletionUsage | null | undefined = null;
      for await (const chunk of stream) {
        for (const c of chunk.choices) {
          texts[c.index] += c.delta.content ?? "";
          if (c.delta.content) pieces[c.index] += 1;
          finish[c.index] ??= c.finish_reason;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      // The same seed and version: the same replies, streamed as they were sampled (several pieces each), same usage.
      expect(texts).toEqual(plain.choices.map((c) => c.message.content));
      expect(finish).toEqual(plain.choices.map((c) => c.finish_reason));
      for (const [i, t] of texts.entries()) if (t.length > 1) expect(pieces[i]).toBeGreaterThan(1);
      expect(pieces.reduce((a, b) => a + b)).toBeGreaterThan(2);
      expect(usage).toEqual(plain.usage);

      // A conversation of several turns goes through the chat template: <role> text <end> per turn, then <assistant>.
      const turns = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Hi" }, { role: "assistant" as const, content: "Hello." }, { role: "user" as const, content: "Bye" }];
      const multi = await client.chat.completions.create({ model: "demo/v1", messages: turns, max_tokens: 1 });
      expect(multi.usage?.prompt_tokens).toBe(turns.reduce((a, t) => a + 2 + Buffer.byteLength(t.content), 1));

      const badModel = await failure(client.chat.completions.create({ ...ask, model: "demo/v9" }));
      expect([badModel?.status, badModel?.code, badModel?.type]).toEqual([404, "model_not_found", "invalid_request_error"]);
      const badToken = await failure(new OpenAI({ apiKey: "tl_forged", baseURL: routes.baseUrl, maxRetries: 0 }).models.list());
      expect([badToken?.status, badToken?.code]).toEqual([401, "invalid_api_key"]);
      const tooMany = await failure(client.chat.completions.create({ ...ask, n: 9 }));
      expect([tooMany?.status, tooMany?.param]).toEqual([400, "n"]);
      const huge = await failure(client.chat.completions.create({ ...ask, messages: [{ role: "user", content: "x".repeat(1_100_000) }] }));
      expect(huge?.status).toBe(413);
      // logit_bias as OpenAI's: +100 on one byte makes greedy pick it every time; an id past the vocabulary is a 400 naming the field.
      const forced = await client.chat.completions.create({ ...ask, n: 1, temperature: 0, max_tokens: 5, logit_bias: { [String("z".charCodeAt(0))]: 100 } });
      expect(forced.choices[0].message.content).toBe("zzzzz");
      const badBias = await failure(client.chat.completions.create({ ...ask, logit_bias: { "999999": -100 } }));
      expect([badBias?.status, badBias?.param]).toEqual([400, "logit_bias"]);
      const badBiasValue = await failure(client.chat.completions.create({ ...ask, logit_bias: { "1": -101 } }));
      expect([badBiasValue?.status, badBiasValue?.param]).toEqual([400, "logit_bias.1"]);
      // Longer than the model's context (256 byte tokens): refused as OpenAI does, naming the field.
      const long = await failure(client.chat.completions.create({ ...ask, messages: [{ role: "user", content: "x".repeat(300) }] }));
      expect([long?.status, long?.code, long?.param]).toEqual([400, "context_length_exceeded", "messages"]);

      // A model source pointing at this endpoint: the version's answers become outputs to rank, attributed to the source.
      await seedPrompts(project.id, 1, 3);
      await addSource(admin, addSourceInput.parse({ projectSlug: "demo", name: "self", baseUrl: routes.baseUrl, model: "demo/active", apiKey: token, maxTokens: "8", maxRetries: "0", timeoutS: "300" }));
      const done = await runCollect((await startCollect(admin, { projectSlug: "demo", sources: ["self"] })).id);
      expect(done, done?.error ?? "").toMatchObject({ status: "succeeded", progress: { prompts: 1, done: 1, outputs: 1 } });
      expect((await getDb().select().from(completions).where(isNotNull(completions.modelSourceId))).map((c) => c.generator)).toEqual(["self"]);

      // 60 requests a minute per token: this one is spent within 60 more calls; another token still gets in.
      let limited: APIError | null = null;
      for (let i = 0; i < 60 && !limited; i++) limited = await failure(client.models.list());
      expect([limited?.status, limited?.code, limited?.type]).toEqual([429, "rate_limit_exceeded", "rate_limit_error"]);
      expect(Number(limited?.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
      const other = new OpenAI({ apiKey: (await createApiToken(admin, { name: "second" })).token, baseURL: routes.baseUrl, maxRetries: 0 });
      expect((await other.models.list()).data.length).toBe(2);
    } finally {
      await routes.close();
    }
  });

  it("keeps versions warm in one process, cancels on disconnect, bounds its queue, and survives a killed process", { timeout: 300_000 }, async () => {
    const admin = await makeActor("admin");
    const token = (await createApiToken(admin, { name: "pool" })).token;
    const project = await seedProject({ slug: "demo" });
    const [v1, v2] = await getDb()
      .insert(modelVersions)
      .values(["v1", "v2"].map((label) => ({ projectId: project.id, label, base: "tiny", config: {}, checkpointPath: checkpoint, isActive: label === "v1" })))
      .returning();
    const routes = await serveRoutes();
    try {
      const client = new OpenAI({ apiKey: token, baseURL: routes.baseUrl, maxRetries: 0 });
      const pool = generationPool();
      const short = { messages: [{ role: "user" as const, content: "Hi" }], max_tokens: 4 };
      // 2048 tokens of a 256-token model: many seconds of work, ended early by each case below. The end token is banned
      // (logit_bias -100), so no reply can finish on its own before the case ends it.
      const neverEnd = { [String(byteTokenizer.end)]: -100 };
      const long = { model: "demo/v1", messages: [{ role: "user" as const, content: "Tell me everything." }], max_tokens: 2048, logit_bias: neverEnd };

      await client.chat.completions.create({ model: "demo/v1", ...short });
      const first = pool.stats().workers[0];
      expect(first.models).toEqual([v1.id]);
      await client.chat.completions.create({ model: "demo/v2", ...short });
      // The same process served both (warm, not restarted); at one model per process it keeps the latest only.
      expect(pool.stats().workers.map((w) => [w.pid, w.models])).toEqual([[first.pid, [v2.id]]]);

      // A client that goes away mid-stream cancels its generation: the process is free long before 2048 tokens.
      const dropped = await client.chat.completions.create({ ...long, stream: true });
      let pieces = 0;
      for await (const chunk of dropped) if (chunk.choices[0]?.delta.content && ++pieces === 2) break;
      await until("cancelled", () => pool.stats().cancelled === 1);
      expect(pool.stats()).toMatchObject({ served: 2, cancelled: 1, failed: 0, restarts: 0, queued: 0 });

      // One request streaming, one waiting: the next is refused at once, 503 in OpenAI's shape with Retry-After.
      const busy = (await client.chat.completions.create({ ...long, stream: true }))[Symbol.asyncIterator]();
      await busy.next();
      const waiting = client.chat.completions.create({ ...long, max_tokens: 2 });
      await until("queued", () => pool.stats().queued === 1);
      const refused = await failure(client.chat.completions.create({ ...long, max_tokens: 2 }));
      expect([refused?.status, refused?.code, refused?.type]).toEqual([503, "server_overloaded", "server_error"]);
      expect(refused?.headers?.get("retry-after")).toBe("2");

      // The process dies mid-stream: the stream ends with an error event the client throws; the waiting request is
      // answered by the restarted process.
      process.kill(pool.stats().workers[0].pid!, "SIGKILL");
      let broken: unknown = null;
      try {
        while (!(await busy.next()).done);
      } catch (e) {
        broken = e;
      }
      expect(broken).toBeInstanceOf(APIError);
      expect([(broken as APIError).type, (broken as APIError).code]).toEqual(["server_error", "unavailable:generate"]);
      expect((await waiting).choices).toHaveLength(1);
      const restarted = pool.stats().workers[0].pid;
      expect(restarted).not.toBe(first.pid);

      // Killed while answering a plain request: a clean 503, and the next request is served.
      const dying = failure(client.chat.completions.create(long));
      await until("busy", () => pool.stats().workers.some((w) => w.busy));
      process.kill(restarted!, "SIGKILL");
      const dead = await dying;
      expect([dead?.status, dead?.type]).toEqual([503, "server_error"]);
      expect(dead?.message).toMatch(/generation process exited \(SIGKILL\) while answering/);
      const next = await client.chat.completions.create({ model: "demo/active", ...short });
      expect(next.choices[0].message.role).toBe("assistant");
      expect(pool.stats()).toMatchObject({ restarts: 2, failed: 2, queued: 0 });
    } finally {
      await routes.close();
    }
  });
});
