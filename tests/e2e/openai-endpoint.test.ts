// The OpenAI-compatible endpoint through the production server (`next start`), with the official client: a version
// trained by the app's own job runner is listed and answers; a stream's pieces reach the client as they are sampled
// (not buffered into one write); a client that leaves mid-stream frees the one generation process (with no queue, the
// next request would be refused while it still generated 2048 tokens); usage comes back with the answer.
import fs from "node:fs";
import path from "node:path";
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signIn } from "../helpers/fault-app";
import { runCli, startApp, type App } from "./fixtures";

const password = "admin password 123";
let app: App;
let token = "";

beforeAll(async () => {
  app = await startApp({
    // One process and no waiting room: a request that finds it busy is refused at once (503).
    env: { TUNELOOP_GEN_WORKERS: "1", TUNELOOP_GEN_QUEUE: "0" },
    prepare: async (dir) => {
      await runCli(dir, ["user", "add", "--email", "admin@example.test", "--role", "admin", "--name", "Admin"], { stdin: `${password}\n` });
      await runCli(dir, ["project", "create", "--slug", "demo", "--name", "Demo"]);
      const demos = path.join(dir, "demos.json");
      fs.writeFileSync(demos, JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ instruction: `Write sentence ${i}.`, input: "", output: `Sentence ${i} is short.` }))));
      await runCli(dir, ["import", demos, "--project", "demo", "--format", "alpaca"]);
      const line = (await runCli(dir, ["token", "create", "--email", "admin@example.test", "--json"])).split("\n").find((l) => l.startsWith("{"));
      token = (JSON.parse(line ?? "{}") as { token: string }).token;
    },
  });
});
afterAll(async () => {
  await app?.stop();
});

it("serves a trained version to the official client: streamed as sampled, cancelled on disconnect, with usage", async () => {
  const admin = await signIn(app.baseUrl, "admin@example.test", password);
  const started = await admin.post("/api/v1/projects/demo/runs", { stage: "sft", base: "tiny", hyperparameters: { steps: 2, batch: 4 } });
  expect(started.status).toBe(201);
  const runId = (started.body as { id: string }).id;
  for (let status = ""; status !== "succeeded"; await new Promise((r) => setTimeout(r, 500))) {
    status = ((await admin.get(`/api/v1/runs/${runId}`)).body as { run: { status: string } }).run.status;
    expect(["queued", "running", "succeeded"]).toContain(status);
  }

  const client = new OpenAI({ apiKey: token, baseURL: `${app.baseUrl}/api/openai/v1`, maxRetries: 0 });
  // The first version of the project (not promoted: no `demo/active` yet).
  expect((await client.models.list()).data.map((m) => m.id)).toEqual(["demo/v1"]);

  // 20 pieces of a 2048-token reply: read as they arrive; buffered, they would come in one or two reads.
  const arrivals: number[] = [];
  const stream = await client.chat.completions.create({ model: "demo/v1", messages: [{ role: "user", content: "Hi" }], max_tokens: 2048, stream: true });
  for await (const chunk of stream) if (chunk.choices[0]?.delta.content && arrivals.push(Math.round(performance.now())) === 20) break;
  expect(new Set(arrivals).size).toBeGreaterThan(5);

  // The client left: its generation stops at the next token. Until it has, the one process is busy and a request is
  // refused (503 server_overloaded); a 2048-token reply would keep it busy for minutes on this CPU.
  let answer: OpenAI.ChatCompletion | null = null;
  for (let tries = 0; !answer && tries < 30; tries++) {
    try {
      answer = await client.chat.completions.create({ model: "demo/v1", messages: [{ role: "user", content: "Hi" }], max_tokens: 5 });
    } catch (e) {
      expect(e).toBeInstanceOf(APIError);
      expect([(e as APIError).status, (e as APIError).code]).toEqual([503, "server_overloaded"]);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  expect(answer?.choices[0].message.role).toBe("assistant");
  // <user> H i <end> <assistant>: 5 byte tokens; at most 5 sampled.
  expect(answer?.usage?.prompt_tokens).toBe(5);
  expect(answer?.usage?.completion_tokens).toBeLessThanOrEqual(5);
});
