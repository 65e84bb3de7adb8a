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
const res = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, `${name}.ts`), ...rest], { stdio: "inherit" });
process.exit(res.status ?? 1);
