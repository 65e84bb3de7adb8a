// DPO on 200 real Anthropic HH-RLHF (harmless) pairs: training preference accuracy rises above 0.9 and the mean
// margin grows; held-out accuracy on 50 other pairs is printed (a tiny model memorizes; it need not generalize).
import fs from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { train, type TrainEvent } from "@/trainer/train";
import { HH_FILE, readHhPairs } from "@/tests/helpers/trainer-hh-rlhf";
import { freshOut, writeSnapshot } from "@/tests/helpers/trainer-snapshot";

const present = fs.existsSync(HH_FILE);

beforeAll(async () => {
  await chooseBackend(process.env.TUNELOOP_TF_BACKEND ?? "wasm", false);
});

it.skipIf(!present)(`DPO on 200 hh-rlhf pairs: training accuracy > 0.9, margin grows${present ? "" : ` (skipped: ${HH_FILE} is missing; it ships in ../shared/data)`}`, async () => {
  // Short texts keep it fast: the last 40 characters of the last user turn, the first 40 of each response.
  const pairs = readHhPairs()
    .map((p) => [p.prompt.filter((t) => t.role === "user").at(-1)!.content.slice(-40), p.chosen.slice(0, 40), p.rejected.slice(0, 40)] as [string, string, string])
    .filter(([, c, r]) => c !== r);
  const snap = writeSnapshot({ prefs: pairs.slice(0, 200), prefsEval: pairs.slice(200, 250) });
  const ev: TrainEvent[] = [];
  const t0 = Date.now();
  const final = await train(
    { init: "tiny", model: { nLayer: 2, nEmbd: 64 }, blockSize: 80, snapshot: snap, out: freshOut(), stage: "dpo", steps: 120, batch: 16, lr: 2e-3, beta: 0.1, seed: 1, evalEvery: 1000, saveEvery: 1000, weightDecay: 0, maxGradNorm: 1, resume: false },
    (e) => ev.push(e),
  );
  const steps = ev.filter((e) => e.type === "step").map((e) => e.metrics as Record<string, number>);
  const mean = (xs: Array<Record<string, number>>, k: string) => xs.reduce((a, m) => a + m[k], 0) / xs.length;
  const [head, tail] = [steps.slice(0, 10), steps.slice(-10)];
  const held = ev.find((e) => e.type === "eval")!.metrics as Record<string, number>;
  console.log(
    `hh-rlhf DPO, ${steps.length} steps in ${((Date.now() - t0) / 1000).toFixed(0)} s: training accuracy ${mean(head, "rewards/accuracies").toFixed(2)} → ${mean(tail, "rewards/accuracies").toFixed(2)}, ` +
      `margin ${mean(head, "rewards/margins").toFixed(3)} → ${mean(tail, "rewards/margins").toFixed(3)}; held-out accuracy ${held.accuracy.toFixed(2)} (margin ${held.margin.toFixed(3)}, 50 pairs)`,
  );
  expect(mean(tail, "rewards/accuracies")).toBeGreaterThan(0.9);
  expect(mean(tail, "rewards/margins")).toBeGreaterThan(mean(head, "rewards/margins") + 0.5);
  expect(final!["eval/rewards/accuracies"]).toBe(held.accuracy);
});
