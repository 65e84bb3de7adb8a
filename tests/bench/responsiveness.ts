// Benchmark: response times of the ranking page and of the next-task call while a `small` model trains, and while
// the OpenAI-compatible endpoint streams completions to a few clients (the warm generation pool), against the same
// calls idle (before and after), in one run of the built app on the embedded database (the job runner, the trainer's
// child process and the generation processes live beside the web server, as with `npm start`). Target: p95 under load
// at most 1.5× idle. `--only training|serving` runs one of the two loaded phases.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import OpenAI, { APIError } from "openai";
import { runCli, startApp } from "../e2e/fixtures";
import { report, summarize } from "./common";
import { signIn, type Session } from "../helpers/fault-app";

const root = path.resolve(import.meta.dirname, "../..");
const distDir = process.env.NEXT_DIST_DIR || ".next";
if (!fs.existsSync(path.join(root, distDir, "BUILD_ID"))) {
  console.error(`responsiveness: build the app first (\`npx next build\`, or \`npm start\` once; NEXT_DIST_DIR=${distDir}).`);
  process.exit(2);
}
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
if (only && !["training", "serving"].includes(only)) {
  console.error("responsiveness: --only takes training or serving");
  process.exit(2);
}
const phases = { training: only !== "serving", serving: only !== "training" };
// 800 calls per phase: with 200, the p95 (the 10th slowest call) moved by ±40% between runs.
const CALLS = Number(process.env.BENCH_CALLS ?? 800);
const ANNOTATORS = 4;
/** Streaming clients of the OpenAI endpoint while serving is measured, each with its own token (60 requests a minute each). */
const STREAMS = Number(process.env.BENCH_STREAMS ?? 3);
const STREAM_TOKENS = 200;
const PROMPTS = 2000;
const password = "bench password 123";
const tokens: string[] = [];

const app = await startApp({
  prepare: async (dir) => {
    await runCli(dir, ["user", "add", "--email", "admin@bench.test", "--role", "admin", "--name", "Admin"], { stdin: `${password}\n` });
    for (let i = 0; i < ANNOTATORS; i++) await runCli(dir, ["user", "add", "--email", `ann${i}@bench.test`, "--role", "annotator", "--name", `Ann ${i}`], { stdin: `${password}\n` });
    await runCli(dir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "4", "--overlap", "3"]);
    // Ranking tasks for the annotators, and demonstrations for the trainer.
    const tasks = path.join(dir, "tasks.jsonl");
    fs.writeFileSync(tasks, Array.from({ length: PROMPTS }, (_, i) => JSON.stringify({ instruction: `Question ${i}: explain item ${i} ${randomUUID()}.`, dataset: "bench", outputs: [1, 2, 3, 4].map((k) => ({ generator: `m${k}`, output: `Answer ${k} to question ${i}, with a few words of reasoning.` })) })).join("\n"));
    await runCli(dir, ["import", tasks, "--project", "demo", "--format", "ranking"]);
    const demos = path.join(dir, "demos.json");
    fs.writeFileSync(demos, JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ instruction: `Write sentence ${i} about the sea.`, input: "", output: `The sea, number ${i}, is wide and deep and full of salt and light.` }))));
    await runCli(dir, ["import", demos, "--project", "demo", "--format", "alpaca"]);
    for (let i = 0; i < STREAMS; i++) {
      const line = (await runCli(dir, ["token", "create", "--email", "admin@bench.test", "--name", `stream ${i}`, "--json"])).split("\n").find((l) => l.startsWith("{"));
      tokens.push((JSON.parse(line ?? "{}") as { token: string }).token);
    }
  },
});

/** CPU seconds used so far by this app's processes running a CLI command (`train`, `gen-worker`), read from /proc. */
function cpuSeconds(command: string): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!args.some((a) => a.endsWith("tuneloop.mjs")) || !args.includes(command)) continue;
      // This app's children only (they inherit its data folder), not another checkout's on a shared machine.
      if (!fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`TUNELOOP_DATA_DIR=${app.dataDir}`)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
    } catch {}
  }
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (s: ReturnType<typeof summarize>) => ({ n: s.n, p50: +s.p50.toFixed(1), p95: +s.p95.toFixed(1) });

try {
  const admin = await signIn(app.baseUrl, "admin@bench.test", password);
  const annotators: Session[] = [];
  for (let i = 0; i < ANNOTATORS; i++) annotators.push(await signIn(app.baseUrl, `ann${i}@bench.test`, password));

  /** The ranking page and the next-task call, each timed; every task taken is submitted so the next call leases a fresh one. */
  async function measure(): Promise<{ page: number[]; next: number[] }> {
    const page: number[] = [];
    const next: number[] = [];
    await Promise.all(
      annotators.map(async (s) => {
        for (let k = 0; k < CALLS / ANNOTATORS; k++) {
          let t = performance.now();
          const html = await s.get("/annotate/demo/rank");
          page.push(performance.now() - t);
          if (html.status !== 200) throw new Error(`rank page answered ${html.status}`);
          t = performance.now();
          const res = await s.post("/api/v1/projects/demo/tasks/next");
          next.push(performance.now() - t);
          const task = (res.body as { task?: { assignmentId: string; outputs: Array<{ id: string }> } | null }).task;
          if (res.status !== 200 || !task) throw new Error(`next-task answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
          const done = await s.post(`/api/v1/tasks/${task.assignmentId}/ranking`, { order: task.outputs.map((o) => [o.id]), idempotencyKey: randomUUID() });
          if (done.status !== 201) throw new Error(`submit answered ${done.status}: ${JSON.stringify(done.body).slice(0, 200)}`);
        }
      }),
    );
    return { page, next };
  }

  type RunView = { status: string; error?: string | null; progress: { step?: number } };
  const runOf = async (id: string) => ((await admin.get(`/api/v1/runs/${id}`)).body as { run: RunView }).run;
  const startRun = async (base: string, hyperparameters: Record<string, number>) => {
    const started = await admin.post("/api/v1/projects/demo/runs", { stage: "sft", base, hyperparameters });
    if (started.status !== 201) throw new Error(`starting a run answered ${started.status}: ${JSON.stringify(started.body)}`);
    return (started.body as { id: string }).id;
  };

  // The version the endpoint serves: a tiny model trained before anything is measured (its trainer is gone by then).
  let served: string | null = null;
  if (phases.serving) {
    const id = await startRun("tiny", { steps: 5, batch: 4, evalEvery: 100_000, saveEvery: 100_000 });
    for (let r = await runOf(id); r.status !== "succeeded"; r = await runOf(id)) {
      if (["failed", "cancelled"].includes(r.status)) throw new Error(`the tiny run to serve ended ${r.status}: ${r.error ?? ""}`);
      await sleep(500);
    }
    const models = await new OpenAI({ apiKey: tokens[0], baseURL: `${app.baseUrl}/api/openai/v1` }).models.list();
    served = models.data.find((m) => !m.id.endsWith("/active"))?.id ?? null;
    if (!served) throw new Error(`no version served: ${JSON.stringify(models.data)}`);
  }

  await measure(); // warm-up: compiled routes, caches
  // Idle is measured before the loaded phases and again after them, and both count: on a shared machine one idle phase
  // alone differed from the other by up to 44% and moved the ratio as much as training did.
  const idleBefore = await measure();

  async function trainingPhase() {
    const id = await startRun("small", { steps: 100_000, batch: 8, evalEvery: 100_000, saveEvery: 100_000 });
    // Measure only once the trainer computes steps (export and model set-up are over).
    for (let p = await runOf(id); !(p.status === "running" && (p.progress.step ?? 0) >= 1); p = await runOf(id)) {
      if (["failed", "cancelled", "succeeded"].includes(p.status)) throw new Error(`the run ended before measuring: ${p.status}`);
      await sleep(500);
    }
    const stepBefore = (await runOf(id)).progress.step ?? 0;
    const [cpu0, t0] = [cpuSeconds("train"), performance.now()];
    const pages = await measure();
    const [cpu1, t1] = [cpuSeconds("train"), performance.now()];
    const after = await runOf(id);
    await admin.post(`/api/v1/runs/${id}/cancel`);
    if (after.status !== "running") throw new Error(`the run stopped while measuring: ${after.status}`);
    // The next phase starts once the run is cancelled and its trainer process gone.
    for (let p = await runOf(id), t = Date.now(); p.status === "running" || cpuSeconds("train") > 0; p = await runOf(id)) {
      if (Date.now() - t > 120_000) throw new Error("the cancelled run's trainer did not stop within 2 minutes");
      await sleep(500);
    }
    // The trainer yields to requests (SCHED_IDLE, and stopped while one is in flight): under this closed loop of
    // back-to-back calls it gets little CPU; with people's think time between calls it gets nearly all of it.
    return { pages, stepsWhileMeasured: (after.progress.step ?? 0) - stepBefore, cpuShareWhileMeasured: +((cpu1 - cpu0) / ((t1 - t0) / 1000)).toFixed(3) };
  }

  /** STREAMS clients stream completions back to back from the endpoint while the pages are measured. */
  async function servingPhase(model: string) {
    type Done = { at: number; firstMs: number; totalMs: number; pieces: number; tokens: number };
    const done: Done[] = [];
    let refused = 0;
    let stop = false;
    const clients = tokens.map(async (apiKey, c) => {
      const client = new OpenAI({ apiKey, baseURL: `${app.baseUrl}/api/openai/v1`, maxRetries: 0, timeout: 600_000 });
      for (let k = 0; !stop; k++) {
        const t0 = performance.now();
        let first = 0;
        let pieces = 0;
        let tokensUsed = 0;
        try {
          const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: `Write sentence ${c * 1000 + k} about the sea.` }], max_tokens: STREAM_TOKENS, stream: true, stream_options: { include_usage: true } });
          for await (const chunk of stream) {
            if (chunk.choices[0]?.delta.content) {
              pieces += 1;
              first ||= performance.now() - t0;
            }
            if (chunk.usage) tokensUsed = chunk.usage.completion_tokens;
          }
          done.push({ at: performance.now(), firstMs: first, totalMs: performance.now() - t0, pieces, tokens: tokensUsed });
        } catch (e) {
          // A full queue or a spent per-token minute: wait and go on (counted).
          if (!(e instanceof APIError) || (e.status !== 429 && e.status !== 503)) throw e;
          refused += 1;
          await sleep(1000);
        }
      }
    });
    // Measure once the model is loaded in the generation process (a first completion came back).
    while (!done.length) await sleep(200);
    const [cpu0, t0] = [cpuSeconds("gen-worker"), performance.now()];
    const pages = await measure();
    const [cpu1, t1] = [cpuSeconds("gen-worker"), performance.now()];
    stop = true;
    await Promise.all(clients);
    const during = done.filter((d) => d.at >= t0 && d.at <= t1);
    const p50 = (xs: number[]) => +summarize(xs).p50.toFixed(1);
    return {
      pages,
      streams: STREAMS,
      completionsWhileMeasured: during.length,
      tokensPerSecWhileMeasured: +(during.reduce((a, d) => a + d.tokens, 0) / ((t1 - t0) / 1000)).toFixed(1),
      // Several pieces per completion, the first long before the last: tokens stream through Next as they are sampled.
      piecesPerCompletionP50: p50(during.map((d) => d.pieces)),
      firstPieceMsP50: p50(during.map((d) => d.firstMs)),
      completionMsP50: p50(during.map((d) => d.totalMs)),
      refused,
      generationCpuShareWhileMeasured: +((cpu1 - cpu0) / ((t1 - t0) / 1000)).toFixed(3),
    };
  }

  const training = phases.training ? await trainingPhase() : null;
  const serving = served ? await servingPhase(served) : null;
  const idleAfter = await measure();
  const idle = { page: [...idleBefore.page, ...idleAfter.page], next: [...idleBefore.next, ...idleAfter.next] };

  const [pi, ni] = [summarize(idle.page), summarize(idle.next)];
  /** The worse of the two calls' p95 ratios against idle. */
  const ratioOf = (pages: { page: number[]; next: number[] }) => Math.max(summarize(pages.page).p95 / pi.p95, summarize(pages.next).p95 / ni.p95);
  const loaded = (pages: { page: number[]; next: number[] }) => ({ rankPageMs: round(summarize(pages.page)), nextTaskMs: round(summarize(pages.next)) });
  const ratio: Record<string, number> = {};
  const met: Record<string, boolean> = {};
  if (training) met.p95TrainingOverIdle = (ratio.training = ratioOf(training.pages)) <= 1.5;
  if (serving) met.p95ServingOverIdle = (ratio.serving = ratioOf(serving.pages)) <= 1.5;
  report({
    bench: "responsiveness",
    figures: {
      ...(training ? { training: { ...loaded(training.pages), trainerStepsWhileMeasured: training.stepsWhileMeasured, trainerCpuShareWhileMeasured: training.cpuShareWhileMeasured } } : {}),
      ...(serving ? { serving: { ...loaded(serving.pages), ...Object.fromEntries(Object.entries(serving).filter(([k]) => k !== "pages")) } } : {}),
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((x) => +x.toFixed(1)),
    },
    baseline: {
      idle: { rankPageMs: round(pi), nextTaskMs: round(ni) },
      idleBefore: loaded(idleBefore),
      idleAfter: loaded(idleAfter),
    },
    ratio,
    targets: { ...(training ? { p95TrainingOverIdle: 1.5 } : {}), ...(serving ? { p95ServingOverIdle: 1.5 } : {}) },
    met,
  });
} finally {
  await app.stop();
}
