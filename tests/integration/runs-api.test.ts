// The runs API on a real database: route handlers called directly with bearer tokens; queueing, validation, memory
// refusals (422), roles, cancel.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { trainingMetrics, trainingRuns } from "@/db/schema";
import { createApiToken } from "@/lib/auth/tokens";
import type { Actor } from "@/lib/auth/roles";
import { stopBoss } from "@/lib/jobs/queue";
import { POST as createRunRoute, GET as listRunsRoute } from "@/app/api/v1/projects/[slug]/runs/route";
import { GET as getRunRoute } from "@/app/api/v1/runs/[id]/route";
import { POST as cancelRunRoute } from "@/app/api/v1/runs/[id]/cancel/route";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject } from "../helpers/seed";

// Outside a Next request there is no cookie store: a request without a token has no session.
vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => null }));

/** A token for any role: createApiToken wants an admin, but the token acts as its owner's real role. */
async function tokenFor(actor: Actor) {
  return (await createApiToken({ ...actor, role: "admin" }, { name: `t-${actor.name}` })).token;
}

function request(url: string, opts: { token?: string; method?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return new Request(`http://localhost${url}`, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}

const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });

/** Train jobs in pg-boss's table; its schema appears with the first send. */
async function trainJobs() {
  const exists = await getDb().execute(sql`select to_regclass('pgboss.job') is not null as ok`);
  if (!(exists.rows as Array<{ ok: boolean }>)[0].ok) return 0;
  const res = await getDb().execute(sql`select count(*)::int as n from pgboss.job where name = 'train'`);
  return Number((res.rows as Array<{ n: number }>)[0].n);
}

describeEachDatabase("runs API", () => {
  // createRun sends through a sender-only pg-boss on the test connection; the next test's database needs a fresh one.
  // Registered inside the suite, so it runs before the helper closes the connection.
  afterEach(async () => {
    await stopBoss();
  });

  it("POST queues a run (row and train job); GET shows it with progress and metrics; list shows it", async () => {
    const admin = await makeActor("admin");
    const token = await tokenFor(admin);
    await seedProject({ slug: "demo" });
    const res = await createRunRoute(request("/api/v1/projects/demo/runs", { method: "POST", token, body: { stage: "sft", base: "tiny", hyperparameters: { steps: 20, lr: 0.001 } } }), ctx({ slug: "demo" }));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({ id: expect.any(String), status: "queued" });
    const [row] = await getDb().select().from(trainingRuns);
    expect(row).toMatchObject({ id: created.id, status: "queued", kind: "sft", base: "tiny", trigger: "manual", createdBy: admin.id });
    expect(row.hyperparameters).toMatchObject({ steps: 20, lr: 0.001, batch: 8 });
    expect(row.jobId).toBeTruthy();
    expect(await trainJobs()).toBe(1);

    await getDb().insert(trainingMetrics).values([
      { runId: created.id, step: 1, split: "train", name: "loss", value: 2.5 },
      { runId: created.id, step: 2, split: "train", name: "loss", value: 2.1 },
      { runId: created.id, step: 2, split: "eval", name: "loss", value: 2.3 },
    ]);
    const reviewer = await makeActor("reviewer");
    const rtoken = await tokenFor(reviewer);
    const got = await getRunRoute(request(`/api/v1/runs/${created.id}`, { token: rtoken }), ctx({ id: created.id }));
    expect(got.status).toBe(200);
    const body = await got.json();
    expect(body.run).toMatchObject({ id: created.id, status: "queued", stage: "sft", progress: {} });
    expect(body.metrics).toHaveLength(3);
    const after = await getRunRoute(request(`/api/v1/runs/${created.id}?metricsAfter=${body.metrics[0].id}`, { token: rtoken }), ctx({ id: created.id }));
    expect((await after.json()).metrics.map((m: { step: number; split: string }) => `${m.split}@${m.step}`)).toEqual(["train@2", "eval@2"]);
    const bad = await getRunRoute(request(`/api/v1/runs/${created.id}?metricsAfter=abc`, { token: rtoken }), ctx({ id: created.id }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fieldErrors).toHaveProperty("metricsAfter");

    const list = await listRunsRoute(request("/api/v1/projects/demo/runs", { token: rtoken }), ctx({ slug: "demo" }));
    expect((await list.json()).runs.map((r: { id: string }) => r.id)).toEqual([created.id]);
  });

  it("refuses bad hyperparameters with 400 naming the field; nothing is written or queued", async () => {
    const admin = await makeActor("admin");
    const token = await tokenFor(admin);
    await seedProject({ slug: "demo" });
    for (const [body, field] of [
      [{ hyperparameters: { steps: 0 } }, "hyperparameters.steps"],
      [{ hyperparameters: { lr: -1 } }, "hyperparameters.lr"],
      [{ hyperparameters: { batch: 1000 } }, "hyperparameters.batch"],
      [{ hyperparameters: { bogus: 1 } }, "hyperparameters"],
      [{ stage: "rlhf" }, "stage"],
      [{ base: "gpt-17" }, "base"],
      [{ snapshotId: "not-a-uuid" }, "snapshotId"],
    ] as const) {
      const res = await createRunRoute(request("/api/v1/projects/demo/runs", { method: "POST", token, body }), ctx({ slug: "demo" }));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await res.json()).error;
      expect(Object.keys(err.fieldErrors), JSON.stringify(body)).toContain(field);
      expect(err.message).toContain(field);
    }
    // A well-formed snapshot id that is not this project's.
    const res = await createRunRoute(
      request("/api/v1/projects/demo/runs", { method: "POST", token, body: { snapshotId: "00000000-0000-4000-8000-000000000000" } }),
      ctx({ slug: "demo" }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.fieldErrors).toHaveProperty("snapshotId");
    expect(await getDb().select().from(trainingRuns)).toHaveLength(0);
    expect(await trainJobs()).toBe(0);
  });

  it("refuses with 422 naming the batch, and the figures, a run whose step cannot fit the trainer's memory; nothing is written or queued", async () => {
    const admin = await makeActor("admin");
    const token = await tokenFor(admin);
    await seedProject({ slug: "demo" });
    // A 1.3B-parameter GPT-2-shaped checkpoint (createRun reads only its config.json) at batch 64 and context 2048.
    const big = fs.mkdtempSync(path.join(os.tmpdir(), "tl-big-"));
    fs.writeFileSync(path.join(big, "config.json"), JSON.stringify({ vocabSize: 50257, blockSize: 2048, nLayer: 24, nHead: 16, nEmbd: 2048, tokenizer: "gpt2-bpe" }));
    const res = await createRunRoute(request("/api/v1/projects/demo/runs", { method: "POST", token, body: { stage: "sft", base: big, hyperparameters: { batch: 64 } } }), ctx({ slug: "demo" }));
    expect(res.status).toBe(422);
    const err = (await res.json()).error;
    expect(Object.keys(err.fieldErrors)).toContain("hyperparameters.batch");
    expect(err.message).toMatch(/one training step needs about [\d.]+ GiB .* more than the [\d.]+ GiB the \w+ backend can use/);
    // The small preset at its defaults (batch 8, context 512) fits: the batch is split into passes, not refused.
    const ok = await createRunRoute(request("/api/v1/projects/demo/runs", { method: "POST", token, body: { stage: "sft", base: "small" } }), ctx({ slug: "demo" }));
    expect(ok.status).toBe(201);
    expect(await getDb().select().from(trainingRuns)).toHaveLength(1);
    expect(await trainJobs()).toBe(1);
  });

  it("answers 401 without a token, 403 for annotators (and reviewers writing), 404 for unknown project or run", async () => {
    const admin = await makeActor("admin");
    await seedProject({ slug: "demo" });
    const annotatorToken = await tokenFor(await makeActor("annotator"));
    const reviewerToken = await tokenFor(await makeActor("reviewer"));
    const adminToken = await tokenFor(admin);
    const post = (token: string | undefined, slug = "demo") => createRunRoute(request(`/api/v1/projects/${slug}/runs`, { method: "POST", token, body: {} }), ctx({ slug }));
    expect((await post(undefined)).status).toBe(401);
    expect((await post("tl_forged")).status).toBe(401);
    expect((await post(annotatorToken)).status).toBe(403);
    expect((await post(reviewerToken)).status).toBe(403);
    const unknownRun = "00000000-0000-4000-8000-000000000000";
    expect((await getRunRoute(request(`/api/v1/runs/${unknownRun}`, { token: annotatorToken }), ctx({ id: unknownRun }))).status).toBe(403);
    expect((await cancelRunRoute(request(`/api/v1/runs/${unknownRun}/cancel`, { method: "POST", token: reviewerToken }), ctx({ id: unknownRun }))).status).toBe(403);
    expect(await getDb().select().from(trainingRuns)).toHaveLength(0);

    expect((await post(adminToken, "nope")).status).toBe(404);
    expect((await getRunRoute(request(`/api/v1/runs/${unknownRun}`, { token: adminToken }), ctx({ id: unknownRun }))).status).toBe(404);
    expect((await getRunRoute(request(`/api/v1/runs/x`, { token: adminToken }), ctx({ id: "x" }))).status).toBe(404);
    expect((await cancelRunRoute(request(`/api/v1/runs/${unknownRun}/cancel`, { method: "POST", token: adminToken }), ctx({ id: unknownRun }))).status).toBe(404);
    expect(await trainJobs()).toBe(0);
  });

  it("cancels a queued run at once; a second run while one is active is refused with 409", async () => {
    const admin = await makeActor("admin");
    const token = await tokenFor(admin);
    await seedProject({ slug: "demo" });
    const create = () => createRunRoute(request("/api/v1/projects/demo/runs", { method: "POST", token, body: { base: "tiny" } }), ctx({ slug: "demo" }));
    const { id } = await (await create()).json();
    expect((await create()).status).toBe(409);
    const res = await cancelRunRoute(request(`/api/v1/runs/${id}/cancel`, { method: "POST", token }), ctx({ id }));
    expect(res.status).toBe(200);
    expect((await res.json()).run).toMatchObject({ id, status: "cancelled", cancelRequested: true });
    const [row] = await getDb().select().from(trainingRuns);
    expect(row.status).toBe("cancelled");
    expect(row.finishedAt).toBeInstanceOf(Date);
    // Cancelling again: the run already ended.
    expect((await cancelRunRoute(request(`/api/v1/runs/${id}/cancel`, { method: "POST", token }), ctx({ id }))).status).toBe(409);
    // With nothing active, a new run may be queued.
    expect((await create()).status).toBe(201);
  });
});
