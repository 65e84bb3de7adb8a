// `npm run bench -- <name> [--json]`: runs tests/bench/<name>.ts; with no name, lists them.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

const dir = import.meta.dirname;
const names = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "common.ts"].includes(f))
  .map((f) => f.replace(/\.ts$/, ""));
const [name, ...rest] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join("|")}> [--json]`);
  process.exit(name ? 2 : 0);
}
// After tsx, the hook that lets lib/ and db/ modules import "server-only" outside Next (as the CLI does).
const serverOnly = path.join(dir, "../../lib/cli/server-only.mjs");
const res = spawnSync(process.execPath, ["--import", "tsx", "--import", serverOnly, path.join(dir, `${name}.ts`), ...rest], { stdio: "inherit" });
process.exit(res.status ?? 1);
