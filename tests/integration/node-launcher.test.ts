// Started on the machine's older Node, the CLI re-runs itself under Node 24 and says so in one line; with fetching
// turned off it stops with one line naming the version it needs.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { MIN_NODE } from "@/lib/cli/node-runtime.mjs";
import { skipBecause } from "../helpers/skip";

const root = path.resolve(import.meta.dirname, "../..");
const cli = path.join(root, "lib/cli/tuneloop.mjs");

/** A Node older than the floor, as Debian's nodejs package installs it (the machines here ship 20.20). */
const oldNode = ["/usr/bin/node", "/usr/local/bin/node"].find((bin) => {
  if (!fs.existsSync(bin)) return false;
  const v = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  return semver.valid(v) && semver.lt(v, MIN_NODE);
});
const noOldNode = `no Node older than ${MIN_NODE} at /usr/bin/node or /usr/local/bin/node`;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(oldNode!, [cli, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the CLI on an older Node", () => {
  it(`re-runs under Node 24 with one line saying so`, (ctx) => {
    if (!oldNode) skipBecause(ctx, noOldNode);
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(new RegExp(`^tuneloop: Node v20\\.\\d+\\.\\d+ is older than ${MIN_NODE}; running under Node v24\\.\\d+\\.\\d+ from /`));
    expect(r.stdout).toMatch(/^Usage: tuneloop <command>/);
    // The folder it names holds the Node it ran under.
    const dir = lines.at(-1)!.replace(/^.* from /, "");
    expect(execFileSync(path.join(dir, "node"), ["--version"], { encoding: "utf8" })).toMatch(/^v24\./);
  });

  it("passes the command's exit code through (bad input: 2)", (ctx) => {
    if (!oldNode) skipBecause(ctx, noOldNode);
    const r = run(["stats"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tuneloop stats: --project: is required/);
  });

  it("with TUNELOOP_NODE_AUTO=0, stops with one line naming the version it needs", (ctx) => {
    if (!oldNode) skipBecause(ctx, noOldNode);
    const r = run(["--help"], { TUNELOOP_NODE_AUTO: "0" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^Tuneloop needs Node >= ${MIN_NODE.replace(/\./g, "\\.")} \\(this is Node v20\\.`))]);
  });
});
