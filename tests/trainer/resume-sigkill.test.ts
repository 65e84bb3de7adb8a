// Resume after SIGKILL: a CLI run killed mid-training (after a checkpoint) and started again with --resume ends
// with the same final loss as an unbroken run, within 1e-3 relative.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";

const root = path.resolve(import.meta.dirname, "../..");
type Event = { type: string; step?: number; loss?: number };

/** Runs `train … --json`; with killAfter, SIGKILLs the process once that step's event has been printed. */
function run(args: string[], killAfter?: number): Promise<{ events: Event[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), "train", ...args, "--json"], { env: { ...process.env, TUNELOOP_TF_BACKEND: "wasm" }, stdio: ["ignore", "pipe", "ignore"] });
  const events: Event[] = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    const e = JSON.parse(line) as Event;
    events.push(e);
    if (killAfter && e.type === "step" && e.step === killAfter) child.kill("SIGKILL");
  });
  return new Promise((resolve) => child.on("close", (_, signal) => resolve({ events, signal })));
}

it("a run SIGKILLed after its step-10 checkpoint resumes to the unbroken run's final loss", async () => {
  const snap = writeSnapshot({ sft: Array.from({ length: 12 }, (_, i) => [`item ${i}`, `value ${i * 7}`]), prefs: Array.from({ length: 8 }, (_, i) => [`q ${i}`, `yes ${i}`, `no ${i}`]) });
  const flags = (out: string) => ["--snapshot", snap, "--init", "tiny", "--n-layer", "2", "--n-embd", "64", "--block-size", "32", "--stage", "sft+dpo", "--steps", "24", "--batch", "4", "--save-every", "10", "--out", out];
  const finalLoss = (ev: Event[]) => ev.filter((e) => e.type === "step").at(-1)!.loss!;

  const unbroken = await run(flags(freshOut()));
  const out = freshOut();
  const killed = await run(flags(out), 13);
  expect(killed.signal).toBe("SIGKILL");
  expect(killed.events.some((e) => e.type === "done")).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(out, "training_state.json"), "utf8")).step).toBe(10);
  const resumed = await run([...flags(out), "--resume"]);
  expect(resumed.events.find((e) => e.type === "step")!.step).toBe(11);
  expect(resumed.events.at(-1)!.type).toBe("done");
  expect(Math.abs(finalLoss(resumed.events) - finalLoss(unbroken.events)) / finalLoss(unbroken.events)).toBeLessThan(1e-3);
});
