#!/usr/bin/env node
// Launcher recipe "tuneloop": Tuneloop's own trainer run as an external command, reading only the TUNELOOP_* environment
// a launcher gets (README "Train on a cluster"). It prints the trainer's JSON lines, which the job runner reads as progress,
// and writes the checkpoint to TUNELOOP_OUTPUT. The reference for a launcher of your own, and what the tests run.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const env = process.env;
function need(name) {
  if (!env[name]) {
    console.error(`${name} is not set: run this as a Tuneloop launcher (README "Train on a cluster")`);
    process.exit(2);
  }
  return env[name];
}

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../cli/tuneloop.mjs");
const stage = need("TUNELOOP_STAGE");
const base = need("TUNELOOP_BASE_MODEL");
const args = ["train", "--snapshot", need("TUNELOOP_SNAPSHOT"), "--stage", stage, "--out", need("TUNELOOP_OUTPUT"), "--json"];
// A checkpoint folder to fine-tune, or a preset (tiny, small) to start from.
args.push(...(base.startsWith("/") ? ["--from", base] : ["--init", base === "small" ? "small" : "tiny"]));
const flags = [
  ["--steps", "TUNELOOP_STEPS"],
  ["--lr", "TUNELOOP_LR"],
  ["--batch", "TUNELOOP_BATCH"],
  ["--seed", "TUNELOOP_SEED"],
  ["--eval-every", "TUNELOOP_EVAL_EVERY"],
  ["--save-every", "TUNELOOP_SAVE_EVERY"],
  ["--block-size", "TUNELOOP_BLOCK_SIZE"],
  ["--lora-rank", "TUNELOOP_LORA_RANK"],
  ["--lora-alpha", "TUNELOOP_LORA_ALPHA"],
  ["--lora-targets", "TUNELOOP_LORA_TARGETS"],
  ["--pilot", "TUNELOOP_PILOT"],
];
for (const [flag, name] of flags) if (env[name]) args.push(flag, env[name]);
if (stage !== "sft" && env.TUNELOOP_BETA) args.push("--beta", env.TUNELOOP_BETA);

const child = spawn(process.execPath, [cli, ...args], { stdio: "inherit" });
// Cancel: the trainer stops at its next step on SIGTERM; SIGKILL (after the grace period) reaches it through the group.
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
