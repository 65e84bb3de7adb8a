// The suite's closing line: a real vitest run over a fixture file, then summarize.mjs with and without --strict (CI).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const summarizer = path.join(root, "tests/helpers/summarize.mjs");
let dir: string;
let report: string;

const fixture = `
import { describe, expect, it } from "vitest";
import { skipBecause } from ${JSON.stringify(path.join(root, "tests/helpers/skip.ts"))};
it("passes", () => expect(1).toBe(1));
it.skip("renders (skipped: Chromium is missing at /usr/bin/chromium)", () => {});
it("ten processes", (ctx) => skipBecause(ctx, "PostgreSQL only: one process owns an embedded database"));
it("trains on tfjs-node", (ctx) => skipBecause(ctx, "@tensorflow/tfjs-node is not installed here"));
it.skip("forgot to say", () => {});
describe.skipIf(true)("real data (needs ../shared/data)", () => { it("imports", () => {}); });
`;

function summarize(...args: string[]) {
  const r = spawnSync(process.execPath, [summarizer, ...args, report], { encoding: "utf8", cwd: root });
  return { code: r.status, lines: r.stdout.trim().split("\n") };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-summarize-"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "vitest.config.mjs"), "export default {};\n");
  fs.writeFileSync(path.join(dir, "fixture.test.ts"), fixture);
  report = path.join(dir, "report.json");
  const run = spawnSync(process.execPath, [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--root", dir, "--reporter=json", `--outputFile=${report}`], { encoding: "utf8" });
  expect(fs.existsSync(report), run.stderr).toBe(true);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("summarize.mjs", () => {
  it("says why each skipped test was skipped, in the closing line", () => {
    const { code, lines } = summarize();
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(
      "1 passed, 0 failed, 5 skipped (1: Chromium is missing at /usr/bin/chromium; 1: PostgreSQL only: one process owns an embedded database; " +
        "1: @tensorflow/tfjs-node is not installed here; 1: no reason given; 1: needs ../shared/data)",
    );
  });

  it("with --strict, fails for skips CI could have run and names them, but not for the allow-listed ones", () => {
    const { code, lines } = summarize("--strict");
    expect(code).toBe(1);
    const named = lines.filter((l) => l.startsWith("  ")).map((l) => l.trim().split(" › ")[1]);
    expect(named.sort()).toEqual(["forgot to say", "imports", "renders (skipped: Chromium is missing at /usr/bin/chromium)"]);
  });
});
