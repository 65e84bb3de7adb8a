#!/usr/bin/env node
// `npx tuneloop <command>`: loads the TypeScript CLI through tsx, rooted at this package. On a Node older than the
// dependencies need, it re-runs itself under Node 24 (lib/cli/node-runtime.mjs) and says so in one line.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MIN_NODE, NodeVersionError, isAtLeast, pathPrefix } from "./node-runtime.mjs";

if (!isAtLeast(process.version, MIN_NODE)) {
  let prefix;
  try {
    prefix = pathPrefix();
  } catch (e) {
    if (!(e instanceof NodeVersionError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
  process.exit(await rerun(path.join(prefix, "node")));
}

/** Runs this file under `node` with the same arguments; signals and IPC messages pass through. */
function rerun(node) {
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ""}` };
    // The IPC channel lets the child exit when this process dies, as a job runner's children do (below).
    const child = spawn(node, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: ["inherit", "inherit", "inherit", "ipc"], env });
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
    child.on("message", (m) => process.send?.(m));
    process.on("message", (m) => child.send(m));
    child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
  });
}

// Started by the job runner with an IPC channel: exit when the runner goes away.
if (process.send) process.on("disconnect", () => process.exit(137));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.env.TUNELOOP_ROOT ??= root;
const { register } = await import("tsx/esm/api");
register({ tsconfig: path.join(root, "tsconfig.json") });
// After tsx: "server-only" resolves to an empty module here (see server-only.mjs).
await import("./server-only.mjs");
const { main } = await import(pathToFileURL(path.join(root, "lib/cli/main.ts")).href);
const code = await main(process.argv.slice(2));
process.exit(code);
