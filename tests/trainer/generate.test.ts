// Generation with a key/value cache and several prompts at once: greedy output equals a plain no-cache loop
// (also past the context, where the window slides), batched rows equal one-by-one runs, and no tensor is left behind.
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
import { forward, initParams, type Params } from "@/trainer/model";
import { byteTokenizer, type Tokenizer } from "@/trainer/tokenizer";
import { writeRandomGpt2 } from "@/tests/helpers/trainer-hf-folder";

const greedy: SampleOptions = { maxNewTokens: 24, temperature: 0, topK: 0, topP: 1, seed: 1 };

/** The plainest greedy loop: the whole (windowed) context through forward() for every new token. */
function naiveGreedy(p: Params, cfg: ModelConfig, ids: number[], maxNew: number, end: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < maxNew; t++) {
    const ctx = [...ids, ...out].slice(-cfg.blockSize);
    const row = tf.tidy(() => forward(p, cfg, tf.tensor2d([ctx], [1, ctx.length], "int32")).slice([0, ctx.length - 1, 0], [1, 1, cfg.vocabSize]).dataSync());
    let next = 0;
    for (let k = 1; k < row.length; k++) if (row[k] > row[next]) next = k;
    if (next === end) break;
    out.push(next);
  }
  return out;
}

beforeAll(async () => {
  await chooseBackend("cpu", false);
});

const models: Array<[string, () => { p: Params; cfg: ModelConfig; tok: Tokenizer }]> = [
  ["byte-level tiny model", () => {
    const cfg: ModelConfig = { vocabSize: byteTokenizer.vocabSize, blockSize: 40, nLayer: 2, nHead: 2, nEmbd: 32, tokenizer: "byte" };
    // Larger weights than GPT-2's init so greedy outputs vary from token to token.
    const p = initParams(cfg, 5);
    for (const v of Object.values(p)) if (v.shape.length === 2) v.assign(v.mul(20));
    return { p, cfg, tok: byteTokenizer };
  }],
  ["imported GPT-2 (BPE)", () => {
    const hf = fs.mkdtempSync(path.join(os.tmpdir(), "tl-hf-"));
    writeRandomGpt2(hf, { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32, dtype: "F32", prefix: true, seed: 9 });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-ckpt-")), "gpt2");
    importHf(hf, out);
    const { cfg, params, tokenizer } = loadCheckpoint(out);
    return { p: params, cfg, tok: tokenizer };
  }],
];

describe.each(models)("%s", (_, make) => {
  let p: Params, cfg: ModelConfig, tok: Tokenizer, prompts: number[][];
  beforeAll(() => {
    ({ p, cfg, tok } = make());
    prompts = ["hi", "hello world", "a longer prompt, hello"].map((s) => tok.renderPrompt([{ role: "user", content: s }]));
  });

  it("KV-cache greedy output equals the no-cache loop, also once the window slides past the context", () => {
    let longest = 0;
    for (const ids of prompts) {
      const want = naiveGreedy(p, cfg, ids, greedy.maxNewTokens, tok.end);
      expect(generateTokens(p, cfg, [ids], greedy, tok.end, tok.pad)[0]).toEqual(want);
      expect(generateTokens(p, cfg, [ids], { ...greedy, cache: false }, tok.end, tok.pad)[0]).toEqual(want);
      longest = Math.max(longest, ids.length + want.length);
    }
    expect(longest).toBeGreaterThan(cfg.blockSize);
  });

  it("several prompts at once (left padding, per-row positions) equal one-by-one runs", () => {
    const one = prompts.map((ids) => generateTokens(p, cfg, [ids], greedy, tok.end, tok.pad)[0]);
    expect(generateTokens(p, cfg, prompts, greedy, tok.end, tok.pad)).toEqual(one);
    expect(new Set(one.map((o) => o.join())).size).toBeGreaterThan(1);
  });

  it("samples n replies with temperature, top-k and top-p, leaving no tensor behind", () => {
    const before = tf.memory().numTensors;
    const replies = generateReplies(p, cfg, ["hi", "hi", "hello"], { maxNewTokens: 30, temperature: 1, topK: 20, topP: 0.9, seed: 4 }, tok);
    expect(replies).toHaveLength(3);
    expect(replies.every((r) => typeof r === "string")).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("answers a conversation with its whole history through the chat template, not only its last user turn", () => {
    const messages = [
      { role: "system" as const, content: "Be brief." },
      { role: "user" as const, content: "hi" },
      { role: "assistant" as const, content: "hello" },
      { role: "user" as const, content: "why?" },
    ];
    const [reply] = generateReplies(p, cfg, [messages], greedy, tok);
    expect(reply).toBe(tok.decode(generateTokens(p, cfg, [tok.renderPrompt(messages)], greedy, tok.end, tok.pad)[0]));
    // The history changes what the model sees: the rendered prompt is longer than the last turn's, and begins with the system message.
    const lastOnly = tok.renderPrompt([messages[3]]);
    const whole = tok.renderPrompt(messages);
    expect(whole.length).toBeGreaterThan(lastOnly.length);
    expect(whole.slice(-lastOnly.length)).toEqual(lastOnly);
  });
});
