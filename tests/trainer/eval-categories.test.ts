// Held-out loss per category (trainer/eval-categories.ts): each category's loss equals the token mean of sftLoss over
// its rows taken one at a time, and `evaluate` on a snapshot holding only that category's rows; the categories' token-
// weighted mean is the loss over every row; rows of unnamed prompts fall under "(none)". The CLI's evaluate takes
// --eval-groups and names a malformed file.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import type { ModelConfig } from "@/trainer/config";
import { loadSnapshot, sftBatch, disposeBatch } from "@/trainer/data";
import { evaluateByCategory, NO_CATEGORY } from "@/trainer/eval-categories";
import { sftLoss } from "@/trainer/losses";
import { initParams, type Params } from "@/trainer/model";
import { evaluate } from "@/trainer/step";
import { byteTokenizer } from "@/trainer/tokenizer";
import { freshOut, writeSnapshot } from "../helpers/trainer-snapshot";

const root = path.resolve(import.meta.dirname, "../..");
const cfg: ModelConfig = { vocabSize: byteTokenizer.vocabSize, blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 16, tokenizer: "byte" };
const rows = [
  { id: "p-a1", cat: "coding", u: "Write a loop", a: "for (;;) {}" },
  { id: "p-a2", cat: "coding", u: "Sum two numbers", a: "a + b, returned at once" },
  { id: "p-b1", cat: "poetry", u: "A haiku on rain", a: "Soft rain on the roof" },
  { id: "p-b2", cat: "poetry", u: "Rhyme with cat", a: "hat" },
  { id: "p-b3", cat: "poetry", u: "One line on snow", a: "White hush on the hills tonight" },
  { id: "p-x", cat: null, u: "Anything", a: "Something" },
];
const groups = Object.fromEntries(rows.filter((r) => r.id !== "p-x").map((r) => [r.id, r.cat]));

/** A snapshot whose SFT eval rows carry meta.promptId, as an export writes them. */
function snapshotOf(picked: typeof rows) {
  const dir = writeSnapshot({ sft: [["Say hi", "Hi!"]] });
  const line = (r: (typeof rows)[number]) => JSON.stringify({ id: `row-${r.id}`, messages: [{ role: "user", content: r.u }, { role: "assistant", content: r.a }], meta: { promptId: r.id } });
  fs.writeFileSync(path.join(dir, "sft.eval.jsonl"), picked.map(line).join("\n") + "\n");
  return dir;
}

let p: Params;
beforeAll(async () => {
  await chooseBackend();
  p = initParams(cfg, 3);
  // std 0.3 weights, so the rows' losses differ well beyond float noise
  Object.values(p).forEach((v, i) => v.assign(tf.randomNormal(v.shape, 0, 0.3, "float32", 50 + i)));
});

describe("evaluateByCategory", () => {
  it("matches sftLoss row by row and evaluate() on each category alone; the weighted mean is the whole split's loss", () => {
    const data = loadSnapshot(snapshotOf(rows), cfg.blockSize);
    expect(data.sftEval.map((e) => e.promptId)).toEqual(rows.map((r) => r.id));
    const got = evaluateByCategory(p, cfg, data.sftEval, groups, 4, data.pad);
    expect(Object.keys(got)).toEqual([NO_CATEGORY, "coding", "poetry"]);

    // Reference: each row alone through sftLoss (a token mean) times its target tokens.
    const perRow = data.sftEval.map((e) => {
      const b = sftBatch([e], data.pad);
      const l = sftLoss(p, cfg, b).dataSync()[0];
      disposeBatch(b);
      return { nll: l * b.tokens, tokens: b.tokens };
    });
    for (const cat of ["coding", "poetry", null]) {
      const idx = rows.flatMap((r, i) => (r.cat === cat ? [i] : []));
      const tokens = idx.reduce((a, i) => a + perRow[i].tokens, 0);
      const loss = idx.reduce((a, i) => a + perRow[i].nll, 0) / tokens;
      const g = got[cat ?? NO_CATEGORY];
      expect(g.examples).toBe(idx.length);
      expect(g.tokens).toBe(tokens);
      expect(g.loss).toBeCloseTo(loss, 4);
      expect(g.perplexity).toBeCloseTo(Math.exp(loss), 3);
      if (idx.length === 1) expect(g.se).toBeNull();
      else {
        // se of a ratio estimator: sqrt(Σ (nll_i − loss·t_i)²) / Σ t_i · sqrt(n / (n − 1))
        const s2 = idx.reduce((a, i) => a + (perRow[i].nll - loss * perRow[i].tokens) ** 2, 0);
        expect(g.se!).toBeCloseTo((Math.sqrt(s2) / tokens) * Math.sqrt(idx.length / (idx.length - 1)), 4);
      }
      // evaluate() on a snapshot of this category's rows only: the same figure by the batched token mean
      const alone = loadSnapshot(snapshotOf(rows.filter((r) => r.cat === cat)), cfg.blockSize);
      expect(evaluate(p, cfg, alone, "sft", null, { batch: 2, beta: 0.1 }).loss).toBeCloseTo(g.loss, 4);
    }
    const all = evaluate(p, cfg, data, "sft", null, { batch: 3, beta: 0.1 }).loss;
    const tokens = Object.values(got).reduce((a, g) => a + g.tokens, 0);
    expect(Object.values(got).reduce((a, g) => a + g.loss * g.tokens, 0) / tokens).toBeCloseTo(all, 4);
  });
});

describe("tuneloop evaluate --eval-groups", () => {
  it("adds each category's figures; a malformed groups file exits 2 naming the flag", () => {
    const snap = snapshotOf(rows);
    const ckpt = freshOut();
    const env = { ...process.env, DATABASE_URL: "" };
    const train = spawnSync(process.execPath, ["lib/cli/tuneloop.mjs", "train", "--snapshot", snap, "--init", "tiny", "--stage", "sft", "--steps", "1", "--batch", "1", "--block-size", "64", "--out", ckpt, "--json"], { cwd: root, encoding: "utf8", env });
    expect(train.status, train.stderr).toBe(0);
    const file = path.join(snap, "groups.json");
    fs.writeFileSync(file, JSON.stringify(groups));
    const res = spawnSync(process.execPath, ["lib/cli/tuneloop.mjs", "evaluate", "--model", ckpt, "--snapshot", snap, "--eval-groups", file], { cwd: root, encoding: "utf8", env });
    expect(res.status, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split("\n").at(-1)!) as { sft: { loss: number }; categories: Record<string, { loss: number; tokens: number; examples: number }> };
    expect(Object.keys(out.categories)).toEqual([NO_CATEGORY, "coding", "poetry"]);
    expect(out.categories.poetry.examples).toBe(3);
    const tokens = Object.values(out.categories).reduce((a, g) => a + g.tokens, 0);
    expect(Object.values(out.categories).reduce((a, g) => a + g.loss * g.tokens, 0) / tokens).toBeCloseTo(out.sft.loss, 4);

    fs.writeFileSync(file, JSON.stringify({ "p-a1": 3 }));
    const bad = spawnSync(process.execPath, ["lib/cli/tuneloop.mjs", "evaluate", "--model", ckpt, "--snapshot", snap, "--eval-groups", file], { cwd: root, encoding: "utf8", env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--eval-groups .*prompt id → category/);
  }, 120_000);
});
