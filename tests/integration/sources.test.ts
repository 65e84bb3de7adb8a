// Model sources on a real database: a small OpenAI-compatible server in the test answers; outputs land blind in the ranking
// queue, count on the leaderboard and in stats; 429 with Retry-After, 500, timeouts, malformed JSON and empty choices are
// retried or reported, and nothing of a failed answer is stored.
import { afterEach, expect, it } from "vitest";
import { eq, isNotNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { completions, prompts } from "@/db/schema";
import { stopBoss } from "@/lib/jobs/queue";
import { projectLeaderboard } from "@/lib/leaderboard/project-leaderboard";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { startCollect } from "@/lib/sources/collect";
import { runCollect } from "@/lib/sources/collect-run";
import { addSource } from "@/lib/sources/sources";
import { getProjectStats } from "@/lib/stats/project-stats";
import { addSourceInput } from "@/lib/validation/sources";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { seedProject, seedPrompts } from "../helpers/seed";
import type { Actor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const source = (fields: Record<string, unknown>) => addSourceInput.parse({ projectSlug: "demo", model: "m", ...fields });

/** What the fake server answers: it depends on the prompt and the model, so each stored text says who was asked what. */
const answerFor = (model: string, prompt: string) => `Answer of ${model} to <${prompt}>`;

async function sourceRows() {
  return getDb().select().from(completions).where(isNotNull(completions.modelSourceId));
}

describeEachDatabase("model sources: collect", () => {
  afterEach(async () => {
    await stopBoss();
  });

  it("collects each source's answers into the ranking queue, blind; the leaderboard and stats count the sources", async () => {
    const server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, answerFor(r.model, r.prompt)) }));
    try {
      const admin = await makeActor("admin");
      const project = await seedProject({ settings: { k: 4, overlap: 1, agreementThreshold: 0 } });
      const ids = await seedPrompts(project.id, 3, 2);
      await addSource(admin, source({ name: "alpha", baseUrl: server.baseUrl, model: "model-a", apiKey: "sk-alpha-secret-123" }));
      await addSource(admin, source({ name: "beta", baseUrl: server.baseUrl, model: "model-b", temperature: "0.2", maxTokens: "64" }));

      const queued = await startCollect(admin, { projectSlug: "demo", sources: ["alpha", "beta"], prompts: 10 });
      expect(queued.status).toBe("queued");
      const job = await getDb().execute(sql`select count(*)::int as n from pgboss.job where name = 'collect' and data->>'collectRunId' = ${queued.id}`);
      expect(Number((job.rows[0] as { n: number }).n)).toBe(1);

      const done = await runCollect(queued.id);
      expect(done).toMatchObject({ status: "succeeded", progress: { prompts: 3, done: 3, outputs: 6 }, error: null });
      expect(done!.sources).toEqual([
        { name: "alpha", outputs: 3, failures: 0, status: "ok", lastError: null },
        { name: "beta", outputs: 3, failures: 0, status: "ok", lastError: null },
      ]);
      // The server saw the key it was given (sealed and opened again), the sampling settings, and each prompt once per source.
      expect(server.log.filter((r) => r.model === "model-a").every((r) => r.auth === "Bearer sk-alpha-secret-123")).toBe(true);
      expect(server.log.filter((r) => r.model === "model-b").every((r) => r.auth === "Bearer no-key" && r.maxTokens === 64)).toBe(true);
      expect(server.log).toHaveLength(6);

      const rows = await sourceRows();
      const texts = await getDb().select({ id: prompts.id, instruction: prompts.instruction }).from(prompts);
      const expected = texts.flatMap((p) => [
        { promptId: p.id, generator: "alpha", text: answerFor("model-a", p.instruction) },
        { promptId: p.id, generator: "beta", text: answerFor("model-b", p.instruction) },
      ]);
      expect(rows.map((r) => ({ promptId: r.promptId, generator: r.generator, text: r.text })).sort((a, b) => (a.promptId + a.generator).localeCompare(b.promptId + b.generator))).toEqual(
        expected.sort((a, b) => (a.promptId + a.generator).localeCompare(b.promptId + b.generator)),
      );
      expect(rows.every((r) => r.source === "model" && r.modelVersionId === null)).toBe(true);

      // K reached: a second run asks nobody.
      const again = await runCollect((await startCollect(admin, { projectSlug: "demo", sources: ["alpha", "beta"] })).id);
      expect(again).toMatchObject({ status: "succeeded", progress: { prompts: 0, done: 0, outputs: 0 } });
      expect(server.log).toHaveLength(6);

      // An annotator's next task shows the sources' outputs beside the others, with no names.
      const annotator = await makeActor("annotator");
      const task = (await nextTaskVia(annotator, { projectSlug: "demo" }))!;
      expect(ids).toContain(task.prompt.id);
      expect(task.outputs).toHaveLength(4);
      const mine = rows.filter((r) => r.promptId === task.prompt.id);
      expect(task.outputs.map((o) => o.id).sort()).toEqual(expect.arrayContaining(mine.map((r) => r.id)));
      expect(JSON.stringify(task)).not.toMatch(/alpha|beta|generator|modelSource/);

      // alpha first, the imported outputs, beta last: alpha beats beta in the only judgment between them.
      const alphaId = mine.find((r) => r.generator === "alpha")!.id;
      const betaId = mine.find((r) => r.generator === "beta")!.id;
      const others = task.outputs.map((o) => o.id).filter((id) => id !== alphaId && id !== betaId);
      await submitRankingVia(annotator, { assignmentId: task.assignmentId, order: [[alphaId], ...others.map((id) => [id]), [betaId]], idempotencyKey: "sources-rank-1" });
      const reviewer = await makeActor("reviewer");
      const board = await projectLeaderboard(reviewer, { projectSlug: "demo", baseline: "beta", rounds: 20 });
      const alpha = board.models.find((m) => m.model === "alpha")!;
      expect(alpha.vsBaseline).toMatchObject({ winRate: 100, n: 1, wins: 1 });
      expect(board.models.map((m) => m.model).sort()).toEqual(["alpha", "beta", "m0", "m1"]);

      const stats = await getProjectStats(reviewer, "demo");
      expect(stats.outputsBySource).toEqual({ alpha: 3, beta: 3 });
      expect(stats.completions.model).toBe(12);
    } finally {
      await server.close();
    }
  });

  it("retries 429 (after Retry-After), 500 and timeouts; reports malformed JSON, empty choices and a too-long Retry-After; stores only whole answers", async () => {
    const server = await startFakeOpenAI((r) => {
      const ok = { body: chatAnswer(r.model, answerFor(r.model, r.prompt)) };
      switch (r.model) {
        case "limited":
          return r.attempt === 1 ? { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "slow down" } } } : ok;
        case "flaky":
          return r.attempt === 1 ? { status: 500, body: { error: { message: "boom" } } } : ok;
        case "slow":
          return { hang: true };
        case "garbage":
          return { body: '{"choices": [{"message": {"content": "half' };
        case "empty":
          return { body: { ...chatAnswer(r.model, ""), choices: [] } };
        case "down":
          return { status: 503, body: { error: { message: "overloaded" } } };
        default:
          return { status: 429, headers: { "retry-after": "3600" }, body: { error: { message: "come back in an hour" } } };
      }
    });
    try {
      const admin = await makeActor("admin");
      const project = await seedProject({ settings: { k: 9 } });
      await getDb().insert(prompts).values([0, 1, 2].map((i) => ({ projectId: project.id, instruction: `Fault prompt ${i}`, source: "human" as const, status: "approved" as const })));
      const names = ["limited", "flaky", "slow", "garbage", "empty", "down", "patient"];
      for (const name of names) {
        await addSource(admin, source({ name, baseUrl: server.baseUrl, model: name, timeoutS: name === "slow" ? "1" : "10", maxRetries: name === "slow" ? "1" : "2" }));
      }
      const run = await startCollect(admin, { projectSlug: "demo", sources: names });
      const started = Date.now();
      const done = (await runCollect(run.id))!;
      // Nothing waited out the hour: the whole run is bounded by the 1 s timeouts and short backoffs.
      expect(Date.now() - started).toBeLessThan(30_000);

      const by = Object.fromEntries(done.sources.map((s) => [s.name, s]));
      expect(by.limited).toMatchObject({ outputs: 3, failures: 0, status: "ok" });
      expect(by.flaky).toMatchObject({ outputs: 3, failures: 0, status: "ok" });
      expect(by.slow).toMatchObject({ outputs: 0, failures: 3, status: "failing", lastError: expect.stringMatching(/no answer within 1 s \(after 2 attempts\)/) });
      expect(by.garbage).toMatchObject({ outputs: 0, failures: 3, status: "failing", lastError: expect.stringMatching(/malformed JSON/) });
      expect(by.empty).toMatchObject({ outputs: 0, failures: 3, status: "failing", lastError: "answered with an empty choice list" });
      expect(by.down).toMatchObject({ outputs: 0, failures: 3, status: "failing", lastError: expect.stringMatching(/server error \(503\).*after 3 attempts/) });
      expect(by.patient).toMatchObject({ outputs: 0, failures: 3, status: "failing", lastError: expect.stringMatching(/retry after 3600 s/) });
      expect(done.status).toBe("succeeded");
      expect(done.error).toMatch(/slow: .*garbage: .*empty: .*down: .*patient: /);
      expect(done.progress).toEqual({ prompts: 3, done: 3, outputs: 6 });

      // Requests per source: retried ones twice or three times per prompt, the others once.
      const count = (m: string) => server.log.filter((r) => r.model === m).length;
      expect(names.map(count)).toEqual([6, 6, 6, 3, 3, 9, 3]);
      // Retry-After: 1 was honoured: the client's own first backoff is at most 0.5 s.
      for (const p of [0, 1, 2]) {
        const tries = server.log.filter((r) => r.model === "limited" && r.prompt === `Fault prompt ${p}`);
        expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(950);
      }

      // Only the two good sources' whole answers are stored, two per prompt.
      const rows = await sourceRows();
      expect(rows).toHaveLength(6);
      expect(new Set(rows.map((r) => r.generator))).toEqual(new Set(["limited", "flaky"]));
      const instruction = new Map((await getDb().select().from(prompts)).map((p) => [p.id, p.instruction]));
      for (const r of rows) expect(r.text).toBe(answerFor(r.generator!, instruction.get(r.promptId)!));
      const perPrompt = await getDb().select({ promptId: completions.promptId, n: sql<number>`count(*)::int` }).from(completions).groupBy(completions.promptId);
      expect(perPrompt.map((r) => Number(r.n))).toEqual([2, 2, 2]);
      expect((await getDb().select().from(completions).where(eq(completions.text, ""))).length).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("a run whose every source fails is failed, with each source's reason", async () => {
    const server = await startFakeOpenAI(() => ({ status: 401, body: { error: { message: "Incorrect API key provided" } } }));
    try {
      const admin = await makeActor("admin");
      const project = await seedProject();
      await seedPrompts(project.id, 2, 1);
      await addSource(admin, source({ name: "locked", baseUrl: server.baseUrl, apiKey: "sk-wrong" }));
      const done = (await runCollect((await startCollect(admin, { projectSlug: "demo", sources: ["locked"] })).id))!;
      expect(done.status).toBe("failed");
      expect(done.error).toMatch(/^locked: refused \(401\) — check the API key/);
      // 401 is not retried.
      expect(server.log).toHaveLength(2);
      expect(await sourceRows()).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
