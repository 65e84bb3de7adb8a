#!/usr/bin/env node
// `npx tuneloop <command>`: loads the TypeScript CLI through tsx, rooted at this package.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

// Started by the job runner with an IPC channel: exit when the runner goes away.
if (process.send) process.on("disconnect", () => process.exit(137));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.env.TUNELOOP_ROOT ??= root;
register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import(pathToFileURL(path.join(root, "lib/cli/main.ts")).href);
const code = await main(process.argv.slice(2));
process.exit(code);
