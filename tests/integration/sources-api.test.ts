// Model sources over /api/v1 on a real database: the key never comes back (answers, logs, audit rows, run reports, an export),
// it is stored sealed under TUNELOOP_SECRET_KEY; bad input is a 4xx naming the field and changes nothing; only admins get in.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditLog, collectRuns, completions, modelSources } from "@/db/schema";
import { createApiToken } from "@/lib/auth/tokens";
import type { Actor } from "@/lib/auth/roles";
import { resetEnvForTests } from "@/lib/env";
import { createExport } from "@/lib/exports/snapshot";
import { stopBoss } from "@/lib/jobs/queue";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { runCollect } from "@/lib/sources/collect-run";
import { GET as listRoute, POST as addRoute } from "@/app/api/v1/projects/[slug]/sources/route";
import { POST as testRoute } from "@/app/api/v1/projects/[slug]/sources/[name]/test/route";
import { POST as removeRoute } from "@/app/api/v1/projects/[slug]/sources/[name]/remove/route";
import { GET as listRunsRoute, POST as collectRoute } from "@/app/api/v1/projects/[slug]/sources/collect-runs/route";
import { GET as getRunRoute } from "@/app/api/v1/projects/[slug]/sources/collect-runs/[id]/route";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { seedProject, seedPrompts } from "../helpers/seed";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";
import { createExportInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
// Outside a Next request there is no cookie store: a request without a token has no session.
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

const KEY = "sk-live-Zq8v1TOPSECRET7yX4k0";
const secretBefore = process.env.TUNELOOP_SECRET_KEY;
beforeAll(() => {
  process.env.TUNELOOP_SECRET_KEY = "first-secret-key-for-sealing-0123456789";
  resetEnvForTests();
});
afterAll(() => {
  if (secretBefore === undefined) delete process.env.TUNELOOP_SECRET_KEY;
  else process.env.TUNELOOP_SECRET_KEY = secretBefore;
  resetEnvForTests();
});

async function tokenFor(actor: Actor) {
  return (await createApiToken({ ...actor, role: "admin" }, { name: `t-${actor.name}` })).token;
}

function request(url: string, opts: { token?: string; method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return new Request(`http://localhost${url}`, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}
const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });

/** Everything this process writes to the console or its standard streams while `fn` runs. */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" "))));
  const out = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => (lines.push(String(c)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => (lines.push(String(c)), true));
  try {
    return { result: await fn(), output: lines.join("\n") };
  } finally {
    [...spies, out, err].forEach((s) => s.mockRestore());
  }
}

function readTree(dir: string): string {
  return fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? readTree(path.join(dir, e.name)) : fs.readFileSync(path.join(dir, e.name), "utf8"))).join("\n");
}

describeEachDatabase("model sources API", () => {
  afterEach(async () => {
    await stopBoss();
  });

  it("never lets the key out: API answers, logs, audit rows, run reports and an export hold no trace of it", async () => {
    // An endpoint that echoes the Authorization header in its error bodies, and fails each prompt once before answering.
    const server = await startFakeOpenAI((r) =>
      r.model === "echo" || r.attempt === 1 ? { status: r.model === "echo" ? 401 : 500, body: { error: { message: `bad request with ${r.auth}` } } } : { body: chatAnswer(r.model, `Source answer to ${r.prompt}`) },
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-sources-export-"));
    try {
      const admin = await makeActor("admin");
      const token = await tokenFor(admin);
      const project = await seedProject({ settings: { k: 3, overlap: 1, agreementThreshold: 0 } });
      await seedPrompts(project.id, 2, 1);
      const answers: unknown[] = [];
      const call = async (res: Promise<Response>) => {
        const r = await res;
        const body = await r.json();
        answers.push(body);
        return { status: r.status, body };
      };
      const { output } = await captureOutput(async () => {
        for (const [name, model] of [["keyed", "good"], ["echoing", "echo"]]) {
          const added = await call(addRoute(request("/api/v1/projects/demo/sources", { method: "POST", token, body: { name, baseUrl: server.baseUrl, model, apiKey: KEY, maxRetries: 1 } }), ctx({ slug: "demo" })));
          expect(added.status).toBe(201);
          expect(added.body).toMatchObject({ name, hasApiKey: true });
        }
        expect((await call(listRoute(request("/api/v1/projects/demo/sources", { token }), ctx({ slug: "demo" })))).body.sources).toHaveLength(2);
        const tested = await call(testRoute(request("/api/v1/projects/demo/sources/echoing/test", { method: "POST", token }), ctx({ slug: "demo", name: "echoing" })));
        expect(tested.body).toMatchObject({ ok: false, failure: "refused", error: expect.stringMatching(/refused \(401\) — check the API key: .*bad request with Bearer \[key\]/) });
        const run = await call(collectRoute(request("/api/v1/projects/demo/sources/collect-runs", { method: "POST", token, body: { sources: ["keyed", "echoing"] } }), ctx({ slug: "demo" })));
        expect(run.status).toBe(201);
        await runCollect(run.body.id);
        const got = await call(getRunRoute(request(`/api/v1/projects/demo/sources/collect-runs/${run.body.id}`, { token }), ctx({ slug: "demo", id: run.body.id })));
        expect(got.body).toMatchObject({ status: "succeeded", progress: { prompts: 2, done: 2, outputs: 2 } });
        await call(listRunsRoute(request("/api/v1/projects/demo/sources/collect-runs", { token }), ctx({ slug: "demo" })));
        // An annotator ranks one prompt, so the export has a pair with a source's output in it.
        const annotator = await makeActor("annotator");
        const task = (await nextTaskVia(annotator, { projectSlug: "demo" }))!;
        await submitRankingVia(annotator, { assignmentId: task.assignmentId, order: task.outputs.map((o) => [o.id]), idempotencyKey: "keys-rank-1" });
        await createExportVia(admin, { projectSlug: "demo", out });
      });

      // The endpoint did get the key: it was sealed and opened again, not lost.
      expect(server.log.length).toBeGreaterThan(0);
      expect(server.log.every((r) => r.auth === `Bearer ${KEY}`)).toBe(true);
      const exported = readTree(out);
      expect(exported).toContain("Source answer to");
      const audit = JSON.stringify(await getDb().select().from(auditLog));
      expect(audit).toContain("source.add");
      const runs = JSON.stringify(await getDb().select().from(collectRuns));
      expect(runs).toContain("Bearer [key]");
      const stored = await getDb().select().from(modelSources);
      const everything = { output, answers: JSON.stringify(answers), audit, runs, exported, sources: JSON.stringify(stored), completions: JSON.stringify(await getDb().select().from(completions)) };
      for (const [where, text] of Object.entries(everything)) expect(text.includes(KEY), `key found in ${where}`).toBe(false);
      // At rest: AES-GCM text, a fresh IV per key, so the same key seals to two different strings.
      expect(stored.map((s) => s.apiKeyEncrypted)).toEqual([expect.stringMatching(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/), expect.stringMatching(/^v1\./)]);
      expect(stored[0].apiKeyEncrypted).not.toBe(stored[1].apiKeyEncrypted);

      // Another TUNELOOP_SECRET_KEY cannot open it, and says so plainly.
      process.env.TUNELOOP_SECRET_KEY = "another-secret-key-for-sealing-9876543210";
      resetEnvForTests();
      const reopened = await testRoute(request("/api/v1/projects/demo/sources/keyed/test", { method: "POST", token }), ctx({ slug: "demo", name: "keyed" }));
      expect(await reopened.json()).toMatchObject({ ok: false, failure: "key", error: expect.stringMatching(/cannot be decrypted: TUNELOOP_SECRET_KEY .* changed/) });
    } finally {
      process.env.TUNELOOP_SECRET_KEY = "first-secret-key-for-sealing-0123456789";
      resetEnvForTests();
      fs.rmSync(out, { recursive: true, force: true });
      await server.close();
    }
  });

  it("bad input is a 4xx naming the field and changes nothing; only admins reach the routes", async () => {
    const admin = await makeActor("admin");
    const token = await tokenFor(admin);
    await seedProject();
    const add = (body: unknown, slug = "demo", t = token) => addRoute(request(`/api/v1/projects/${slug}/sources`, { method: "POST", token: t, body }), ctx({ slug }));
    const good = { name: "vllm-1", baseUrl: "http://127.0.0.1:9/v1", model: "m" };
    expect((await add(good)).status).toBe(201);
    const before = await getDb().execute(sql`select (select count(*) from model_sources)::int as s, (select count(*) from audit_log)::int as a`);

    const cases: Array<[unknown, string, number, string?]> = [
      [{ ...good, name: "other", baseUrl: "not a url" }, "baseUrl", 400],
      [{ ...good, name: "other", baseUrl: "ftp://example.com/v1" }, "baseUrl", 400],
      [{ ...good, name: "other", baseUrl: "http://user:pw@example.com/v1" }, "baseUrl", 400],
      [{ ...good, name: "has space" }, "name", 400],
      [{ ...good, name: "collect-runs" }, "name", 400],
      [{ ...good, name: "other", temperature: 3 }, "temperature", 400],
      [{ ...good, name: "other", concurrency: 0 }, "concurrency", 400],
      [{ ...good, name: "other", timeoutS: "soon" }, "timeoutS", 400],
      [{ ...good, name: "other", apiKey: "two words" }, "apiKey", 400],
      [{ ...good, name: "other", extra: 1 }, "_", 400],
      [{ ...good, model: "" }, "model", 400],
      [good, "name", 409],
      [good, "projectSlug", 404, "nope"],
    ];
    for (const [body, field, status, slug] of cases) {
      const res = await add(body, slug);
      const json = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(Object.keys(json.error.fieldErrors ?? { _: 1 }), JSON.stringify(json)).toContain(field);
    }
    const collect = (body: unknown) => collectRoute(request("/api/v1/projects/demo/sources/collect-runs", { method: "POST", token, body }), ctx({ slug: "demo" }));
    const unknown = await collect({ sources: ["vllm-1", "ghost"] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.fieldErrors.sources[0]).toMatch(/ghost/);
    expect((await collect({ sources: [] })).status).toBe(400);
    expect((await collect({ sources: ["vllm-1"], prompts: 0 })).status).toBe(400);
    const after = await getDb().execute(sql`select (select count(*) from model_sources)::int as s, (select count(*) from audit_log)::int as a`);
    expect(after.rows).toEqual(before.rows);
    expect((await getDb().select().from(collectRuns)).length).toBe(0);

    const ghost = await removeRoute(request("/api/v1/projects/demo/sources/ghost/remove", { method: "POST", token }), ctx({ slug: "demo", name: "ghost" }));
    expect(ghost.status).toBe(404);
    const badRun = await getRunRoute(request("/api/v1/projects/demo/sources/collect-runs/00000000-0000-0000-0000-000000000000", { token }), ctx({ slug: "demo", id: "00000000-0000-0000-0000-000000000000" }));
    expect(badRun.status).toBe(404);

    for (const role of ["reviewer", "annotator"] as const) {
      const t = await tokenFor(await makeActor(role));
      expect((await listRoute(request("/api/v1/projects/demo/sources", { token: t }), ctx({ slug: "demo" }))).status).toBe(403);
      expect((await add({ ...good, name: "sneaky" }, "demo", t)).status).toBe(403);
    }
    expect((await listRoute(request("/api/v1/projects/demo/sources"), ctx({ slug: "demo" }))).status).toBe(401);

    // Removing frees the name; the row stays for attribution.
    expect((await removeRoute(request("/api/v1/projects/demo/sources/vllm-1/remove", { method: "POST", token }), ctx({ slug: "demo", name: "vllm-1" }))).status).toBe(200);
    expect((await add(good)).status).toBe(201);
    expect((await getDb().select().from(modelSources)).length).toBe(2);
  });
});
