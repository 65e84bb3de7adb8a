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
import { closeGenerationPool } from "@/lib/generation-pool/pool";
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

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
const ckptRoot = fs.mkdtempSync(path.join(os.tmpdir(), "tl-openai-"));
const checkpoint = path.join(ckptRoot, "ckpt");

/** Our route handlers behind a real port, so any HTTP client (the collect job's) can reach them. */
async function serveRoutes() {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    const route = req.url!.endsWith("/chat/completions") ? chatRoute : req.url!.endsWith("/models") ? modelsRoute : null;
    const answer = route ? await route(request) : new Response("{}", { status: 404 });
    res.writeHead(answer.status, Object.fromEntries(answer.headers.entries())).end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/openai/v1`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

beforeAll(() => {
  const snapshot = writeSnapshot({ sft: [["Hi", "Hello there"], ["Bye", "See you"]] });
  execFileSync(process.execPath, [cli, "train", "--snapshot", snapshot, "--init", "tiny", "--stage", "sft", "--out", checkpoint, "--steps", "2"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: "" } });
}, 180_000);
afterAll(async () => {
  await closeGenerationPool();
  fs.rmSync(ckptRoot, { recursive: true, force: true });
});

describeEachDatabase("OpenAI-compatible endpoint", () => {
  afterEach(async () => {
    await stopBoss();
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
      const stream = await client.chat.completions.create({ ...ask, model: "demo/v1", stream: true });
      const texts = ["", ""];
      for await (const chunk of stream) for (const c of chunk.choices) texts[c.index] += c.delta.content ?? "";
      // The same seed and version: the same replies, streamed.
      expect(texts).toEqual(plain.choices.map((c) => c.message.content));

      const failure = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as APIError);
      const badModel = await failure(client.chat.completions.create({ ...ask, model: "demo/v9" }));
      expect([badModel?.status, badModel?.code, badModel?.type]).toEqual([404, "model_not_found", "invalid_request_error"]);
      const badToken = await failure(new OpenAI({ apiKey: "tl_forged", baseURL: routes.baseUrl, maxRetries: 0 }).models.list());
      expect([badToken?.status, badToken?.code]).toEqual([401, "invalid_api_key"]);
      const tooMany = await failure(client.chat.completions.create({ ...ask, n: 9 }));
      expect([tooMany?.status, tooMany?.param]).toEqual([400, "n"]);
      const huge = await failure(client.chat.completions.create({ ...ask, messages: [{ role: "user", content: "x".repeat(1_100_000) }] }));
      expect(huge?.status).toBe(413);

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
});
