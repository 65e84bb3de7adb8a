// Generation with Llama-family models (rotary positions, grouped-query KV cache): greedy output with the cache equals
// a plain loop over the whole context (also once the window slides past it), batched left-padded rows equal
// one-by-one runs (per-row RoPE positions), generation stops on the template's closing token, no tensor is left.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { loadCheckpoint } from "@/trainer/checkpoint";
import type { ModelConfig } from "@/trainer/config";
import { generateReplies, generateTokens, type SampleOptions } from "@/trainer/generate";
import { importHf } from "@/trainer/import-hf";
import { forward, type Params } from "@/trainer/model";
import type { Tokenizer } from "@/trainer/tokenizer";
import { writeRandomLlama, type LlamaFolderOptions } from "@/tests/helpers/trainer-llama-folder";

const greedy: SampleOptions = { maxNewTokens: 20, temperature: 0, topK: 0, topP: 1, seed: 1 };

/** The plainest greedy loop: the whole (windowed) context through forward() for every new token. */
function naiveGreedy(p: Params, cfg: ModelConfig, ids: number[], maxNew: number, stops: number[]): number[] {
  const out: number[] = [];
  for (let t = 0; t < maxNew; t++) {
    const ctx = [...ids, ...out].slice(-cfg.blockSize);
    const row = tf.tidy(() => forward(p, cfg, tf.tensor2d([ctx], [1, ctx.length], "int32")).slice([0, ctx.length - 1, 0], [1, 1, cfg.vocabSize]).dataSync());
    let next = 0;
    for (let k = 1; k < row.length; k++) if (row[k] > row[next]) next = k;
    if (stops.includes(next)) break;
    out.push(next);
  }
  return out;
}

beforeAll(async () => {
  await chooseBackend("cpu", false);
});

const shape = { hidden: 32, heads: 4, layers: 2, intermediate: 48, maxPositions: 24, dtype: "F32" as const };
describe.each<[string, Omit<LlamaFolderOptions, keyof typeof shape>]>([
  ["Llama (GQA 4/2, untied)", { family: "llama", kvHeads: 2, tied: false, seed: 11 }],
  ["Qwen2 (q/k/v bias, tied)", { family: "qwen2", kvHeads: 4, tied: true, seed: 12 }],
])("%s", (_, o) => {
  let p: Params, cfg: ModelConfig, tok: Tokenizer, prompts: number[][];
  beforeAll(() => {
    const hf = fs.mkdtempSync(path.join(os.tmpdir(), "tl-llama-"));
    writeRandomLlama(hf, { ...shape, ...o });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-ckpt-")), "m");
    importHf(hf, out);
    ({ cfg, params: p, tokenizer: tok } = loadCheckpoint(out));
    prompts = ["hi", "hello world", "hello"].map((s) => tok.renderPrompt([{ role: "user", content: s }]));
  });

  it("KV-cache greedy output equals the no-cache loop, also once the window slides past the context", () => {
    let longest = 0;
    for (const ids of prompts) {
      const want = naiveGreedy(p, cfg, ids, greedy.maxNewTokens, tok.stops!);
      expect(generateTokens(p, cfg, [ids], greedy, tok.stops!, tok.pad)[0]).toEqual(want);
      expect(generateTokens(p, cfg, [ids], { ...greedy, cache: false }, tok.stops!, tok.pad)[0]).toEqual(want);
      longest = Math.max(longest, ids.length + want.length);
    }
    expect(longest).toBeGreaterThan(cfg.blockSize);
  });

  it("several prompts at once (left padding, per-row positions) equal one-by-one runs", () => {
    const one = prompts.map((ids) => generateTokens(p, cfg, [ids], greedy, tok.stops!, tok.pad)[0]);
    expect(generateTokens(p, cfg, prompts, greedy, tok.stops!, tok.pad)).toEqual(one);
    expect(new Set(one.map((x) => x.join())).size).toBeGreaterThan(1);
  });

  it("stops on any end id (the template's closing token among them) and leaves no tensor behind", () => {
    expect(tok.end).toBe(tok.encode("<|im_end|>")[0]);
    // Any id the model's config or template names as an end stops generation.
    expect(tok.stops).toEqual(expect.arrayContaining([tok.end, tok.encode("<|im_end|>")[0]]));
    const first = generateTokens(p, cfg, [prompts[1]], greedy, tok.stops!, tok.pad)[0];
    expect(generateTokens(p, cfg, [prompts[1]], greedy, [first[3]], tok.pad)[0]).toEqual(first.slice(0, first.indexOf(first[3])));
    const before = tf.memory().numTensors;
    const replies = generateReplies(p, cfg, ["hi", "hi", "hello"], { maxNewTokens: 12, temperature: 1, topK: 20, topP: 0.9, seed: 4 }, tok);
    expect(replies).toHaveLength(3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
