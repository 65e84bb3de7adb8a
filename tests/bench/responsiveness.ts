// Benchmark: response times of the ranking page and of the next-task call while a `small` model trains, against the
// same calls idle (before the run and after it), in one run of the built app on the embedded database (the job
// runner and the trainer's child process live beside the web server, as with `npm start`). Target: p95 under training at most 1.5× idle.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { runCli, startApp } from "../e2e/fixtures";
import { report, summarize } from "./common";
import { signIn, type Session } from "../helpers/fault-app";

const root = path.resolve(import.meta.dirname, "../..");
if (!fs.existsSync(path.join(root, ".next/BUILD_ID"))) {
  console.error("responsiveness: build the app first (`npx next build`, or `npm start` once).");
  process.exit(2);
}
// 800 calls per phase: with 200, the p95 (the 10th slowest call) moved by ±40% between runs.
const CALLS = Number(process.env.BENCH_CALLS ?? 800);
const ANNOTATORS = 4;
const PROMPTS = 2000;
const password = "bench password 123";

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
  },
});

/** CPU seconds used so far by the app's trainer processes (the `train` command of the CLI), read from /proc. */
function trainerCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!args.some((a) => a.endsWith("tuneloop.mjs")) || !args.includes("train")) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / tick; // utime, stime
    } catch {}
  }
  return total;
}

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

  await measure(); // warm-up: compiled routes, caches
  // Idle is measured before the run and again after it, and both count: on a shared machine one idle phase alone
  // differed from the other by up to 44% and moved the ratio as much as training did.
  const idleBefore = await measure();

  const started = await admin.post("/api/v1/projects/demo/runs", { stage: "sft", base: "small", hyperparameters: { steps: 100_000, batch: 8, evalEvery: 100_000, saveEvery: 100_000 } });
  if (started.status !== 201) throw new Error(`starting the run answered ${started.status}: ${JSON.stringify(started.body)}`);
  const run = started.body as { id: string };
  const progress = async () => ((await admin.get(`/api/v1/runs/${run.id}`)).body as { run: { status: string; progress: { step?: number } } }).run;
  // Measure only once the trainer computes steps (export and model set-up are over).
  for (let p = await progress(); !(p.status === "running" && (p.progress.step ?? 0) >= 1); p = await progress()) {
    if (["failed", "cancelled", "succeeded"].includes(p.status)) throw new Error(`the run ended before measuring: ${p.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const stepBefore = (await progress()).progress.step ?? 0;
  const [cpu0, t0] = [trainerCpuSeconds(), performance.now()];
  const training = await measure();
  const [cpu1, t1] = [trainerCpuSeconds(), performance.now()];
  const after = await progress();
  await admin.post(`/api/v1/runs/${run.id}/cancel`);
  if (after.status !== "running") throw new Error(`the run stopped while measuring: ${after.status}`);
  // The second idle phase starts once the run is cancelled and its trainer process gone.
  for (let p = await progress(), t = Date.now(); p.status === "running" || trainerCpuSeconds() > 0; p = await progress()) {
    if (Date.now() - t > 120_000) throw new Error("the cancelled run's trainer did not stop within 2 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  const idleAfter = await measure();
  const idle = { page: [...idleBefore.page, ...idleAfter.page], next: [...idleBefore.next, ...idleAfter.next] };

  const [pi, ni, pt, nt] = [summarize(idle.page), summarize(idle.next), summarize(training.page), summarize(training.next)];
  const round = (s: ReturnType<typeof summarize>) => ({ n: s.n, p50: +s.p50.toFixed(1), p95: +s.p95.toFixed(1) });
  const ratios = { rankPageP95: pt.p95 / pi.p95, nextTaskP95: nt.p95 / ni.p95 };
  const ratio = Math.max(ratios.rankPageP95, ratios.nextTaskP95);
  report({
    bench: "responsiveness",
    figures: { training: { rankPageMs: round(pt), nextTaskMs: round(nt) }, trainerStepsWhileMeasured: (after.progress.step ?? 0) - stepBefore,
      // The trainer yields to requests (SCHED_IDLE, and stopped while one is in flight): under this closed loop of
      // back-to-back calls it gets little CPU; with people's think time between calls it gets nearly all of it.
      trainerCpuShareWhileMeasured: +((cpu1 - cpu0) / ((t1 - t0) / 1000)).toFixed(3),
      cpus: os.cpus().length },
    baseline: {
      idle: { rankPageMs: round(pi), nextTaskMs: round(ni) },
      idleBefore: { rankPageMs: round(summarize(idleBefore.page)), nextTaskMs: round(summarize(idleBefore.next)) },
      idleAfter: { rankPageMs: round(summarize(idleAfter.page)), nextTaskMs: round(summarize(idleAfter.next)) },
    },
    ratio,
    targets: { p95TrainingOverIdle: 1.5 },
    met: { p95TrainingOverIdle: ratio <= 1.5 },
  });
} finally {
  await app.stop();
}
