// Resume after SIGKILL: a CLI run killed mid-training (after a checkpoint) and started again with --resume follows the
// unbroken run's whole loss curve, step by step, and ends with its weights (every tensor of model.safetensors).
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";
import { readSafetensorsFile } from "@/trainer/safetensors";

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

/** step → loss of the step events (a resumed run prints only the steps after its checkpoint). */
const curve = (ev: Event[]) => new Map(ev.filter((e) => e.type === "step").map((e) => [e.step!, e.loss!]));

it("a run SIGKILLed after its step-10 checkpoint resumes onto the unbroken run's loss curve and final weights", async () => {
  const snap = writeSnapshot({ sft: Array.from({ length: 12 }, (_, i) => [`item ${i}`, `value ${i * 7}`]), prefs: Array.from({ length: 8 }, (_, i) => [`q ${i}`, `yes ${i}`, `no ${i}`]) });
  const flags = (out: string) => ["--snapshot", snap, "--init", "tiny", "--n-layer", "2", "--n-embd", "64", "--block-size", "32", "--stage", "sft+dpo", "--steps", "24", "--batch", "4", "--save-every", "10", "--out", out];

  const unbrokenOut = freshOut();
  const unbroken = await run(flags(unbrokenOut));
  const out = freshOut();
  const killed = await run(flags(out), 13);
  expect(killed.signal).toBe("SIGKILL");
  expect(killed.events.some((e) => e.type === "done")).toBe(false);
  expect(JSON.parse(fs.readFileSync(path.join(out, "training_state.json"), "utf8")).step).toBe(10);
  const resumed = await run([...flags(out), "--resume"]);
  expect(resumed.events.find((e) => e.type === "step")!.step).toBe(11);
  expect(resumed.events.at(-1)!.type).toBe("done");

  // The whole curve: steps 1–13 of the killed run and 11–24 of the resumed one against the unbroken run's
  // (sft for steps 1–12, dpo after: the resumed run also has to restore the stage and the DPO reference).
  const want = curve(unbroken.events);
  expect([...want.keys()]).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  const got = new Map([...curve(killed.events), ...curve(resumed.events)]);
  expect([...got.keys()].sort((a, b) => a - b)).toEqual([...want.keys()]);
  const off = [...want].filter(([step, loss]) => !(Math.abs(got.get(step)! - loss) <= 1e-5 * Math.max(1, Math.abs(loss))));
  expect(off.map(([step, loss]) => `step ${step}: ${got.get(step)} vs ${loss}`)).toEqual([]);

  // The final weights, tensor by tensor.
  const a = readSafetensorsFile(path.join(unbrokenOut, "model.safetensors"));
  const b = readSafetensorsFile(path.join(out, "model.safetensors"));
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  const differ: string[] = [];
  for (const [name, t] of Object.entries(a)) {
    const u = b[name];
    expect(u.shape).toEqual(t.shape);
    let max = 0;
    for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs(t.data[i] - u.data[i]));
    if (max > 1e-6) differ.push(`${name}: max |Δ| ${max}`);
  }
  expect(differ).toEqual([]);
});
