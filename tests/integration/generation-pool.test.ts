// The warm generation pool on its own (no database): TUNELOOP_GEN_WORKERS processes answer at once, TUNELOOP_GEN_QUEUE
// requests wait, the next is refused at once (503), and cancelling a waiting or running request frees its place.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { closeGenerationPool, GenerationCancelled, generationPool, type GenerationInput } from "@/lib/generation-pool/pool";
import { writeSnapshot } from "../helpers/trainer-snapshot";

const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "tl-pool-"));
const checkpoint = path.join(root, "ckpt");

beforeAll(() => {
  execFileSync(process.execPath, [cli, "train", "--snapshot", writeSnapshot({ sft: [["Hi", "Hello"]] }), "--init", "tiny", "--stage", "sft", "--out", checkpoint, "--steps", "1"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: "" } });
  Object.assign(process.env, { TUNELOOP_GEN_WORKERS: "2", TUNELOOP_GEN_QUEUE: "1", TUNELOOP_GEN_MODELS: "1" });
  resetEnvForTests();
}, 180_000);
afterAll(async () => {
  await closeGenerationPool();
  fs.rmSync(root, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean) {
  for (const t = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - t > 60_000) throw new Error(`still not ${what}: ${JSON.stringify(generationPool().stats())}`);
}

it("sizes itself from the environment: two at once, one waiting, the next refused; cancel frees a place", { timeout: 180_000 }, async () => {
  const pool = generationPool();
  // 2048 tokens of a 256-token model: busy for many seconds unless cancelled.
  const ask = (modelKey: string, maxTokens = 2048): GenerationInput => ({ checkpoint, modelKey, messages: [{ role: "user", content: "Hi" }], n: 1, temperature: 1, topP: 1, maxTokens, seed: 1, stop: [] });
  const deltas: string[] = [];
  const a = pool.submit(ask("a"), (_, text) => deltas.push(text));
  const b = pool.submit(ask("b"));
  const c = pool.submit(ask("c", 3));
  let refused: unknown = null;
  try {
    pool.submit(ask("d"));
  } catch (e) {
    refused = e;
  }
  expect(refused).toBeInstanceOf(AppError);
  expect([(refused as AppError).status, (refused as AppError).code]).toEqual([503, "unavailable:generation_queue"]);

  await until("two busy", () => pool.stats().workers.filter((w) => w.busy).length === 2);
  const busy = pool.stats().workers;
  expect(new Set(busy.map((w) => w.pid)).size).toBe(2);
  expect(pool.stats().queued).toBe(1);
  await until("streaming", () => deltas.length > 0);

  // Cancelling a running request frees its process for the waiting one, which finishes.
  a.cancel();
  await expect(a.done).rejects.toBeInstanceOf(GenerationCancelled);
  const third = await c.done;
  expect(third.choices).toHaveLength(1);
  expect(third.choices[0].completionTokens).toBeLessThanOrEqual(3);
  b.cancel();
  await expect(b.done).rejects.toBeInstanceOf(GenerationCancelled);
  // The same two processes served all three: nothing restarted.
  expect(pool.stats()).toMatchObject({ served: 1, cancelled: 2, failed: 0, restarts: 0, queued: 0 });
  expect(pool.stats().workers.map((w) => w.pid).sort()).toEqual(busy.map((w) => w.pid).sort());
});
