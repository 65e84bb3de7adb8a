// Adds up vitest's JSON reports into one closing line, "N passed, N failed, N skipped (why: …)".
// With --strict (CI), a skipped test also fails the run unless its reason is on the allow-list below: a test
// that CI's machine can run (the PostgreSQL half, the ../shared/data tests, Chromium, /proc) must have run.
import fs from "node:fs";
import path from "node:path";

/** Skips that are impossible on CI's machine (or do not apply to that database), with why. */
export const allowedOnCi = [
  { reason: /tfjs-node/i, why: "native TensorFlow (@tensorflow/tfjs-node[-gpu]) is an opt-in install; CI trains on wasm and the CPU backend" },
  { reason: /\bGPU\b|CUDA/, why: "CI's machine has no GPU" },
  { reason: /^PostgreSQL only\b/, why: "the same test runs in the PostgreSQL half" },
];

/** Tests whose skip condition is not in their title: file (relative to the repo) and title → reason. */
const knownConditions = [
  { file: /tests\/e2e\//, title: /./, reason: "Chromium is missing at /usr/bin/chromium" },
  { file: /yield-to-requests\.test\.ts$/, title: /./, reason: "not Linux: trainers are stopped and read through /proc" },
  { file: /run-faults\.test\.ts$/, title: /\[pglite\].*SIGKILL/, reason: "PostgreSQL only: one process owns an embedded database, so there is no second worker to kill" },
  { file: /backends\.test\.ts$/, title: /tfjs-node-gpu|GPU/, reason: "no GPU and @tensorflow/tfjs-node-gpu here" },
  { file: /unit\/formats\/import\/real-data\.test\.ts$|unit\/leaderboard\/leaderboard\.test\.ts$/, title: /real data|AlpacaEval/, reason: "needs ../shared/data (absent: an outside clone)" },
];

/** Why a skipped test was skipped: its own note, its title's "(skipped: …)" or "(needs …)", or a known condition. */
export function skipReason(test, file) {
  if (test.meta?.skipReason) return String(test.meta.skipReason);
  const name = test.fullName ?? test.title ?? "";
  const noted = /\(skipped: ([^)]*(?:\([^)]*\)[^)]*)*)\)/.exec(name);
  if (noted) return noted[1].trim();
  const rel = path.relative(process.cwd(), file ?? "");
  const known = knownConditions.find((k) => k.file.test(rel) && k.title.test(name));
  if (known) return known.reason;
  const needs = /\((needs [^)]*)\)/.exec(name);
  if (needs) return needs[1];
  return "no reason given";
}

export function summarize(reports, { strict = false } = {}) {
  let passed = 0, failed = 0;
  const notes = [];
  /** reason → [file › test] */
  const skipped = new Map();
  for (const file of reports) {
    if (!fs.existsSync(file)) { failed += 1; notes.push(`missing report ${file} (a test run crashed)`); continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
    for (const suite of r.testResults ?? []) {
      for (const t of suite.assertionResults ?? []) {
        if (!["skipped", "pending", "todo", "disabled"].includes(t.status)) continue;
        const reason = skipReason(t, suite.name);
        skipped.set(reason, [...(skipped.get(reason) ?? []), `${path.relative(process.cwd(), suite.name)} › ${t.title}`]);
      }
    }
  }
  const count = [...skipped.values()].reduce((n, l) => n + l.length, 0);
  const why = [...skipped].map(([reason, tests]) => `${tests.length}: ${reason}`).join("; ");
  const line = `${passed} passed, ${failed} failed, ${count} skipped${count ? ` (${why})` : ""}`;
  const forbidden = strict ? [...skipped].filter(([reason]) => !allowedOnCi.some((a) => a.reason.test(reason))) : [];
  for (const [reason, tests] of forbidden) {
    notes.push(`skipped on CI, which can run it (${reason}):`, ...tests.map((t) => `  ${t}`));
  }
  const ok = failed === 0 && passed > 0 && forbidden.length === 0;
  return { line, notes, ok };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const strict = args.includes("--strict");
  const { line, notes, ok } = summarize(args.filter((a) => a !== "--strict"), { strict });
  for (const n of notes) console.log(n);
  console.log(line);
  process.exit(ok ? 0 : 1);
}
