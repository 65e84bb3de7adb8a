// Llama-family import: tiny random Llama (GQA, untied, sharded; and with llama3 RoPE scaling and biases), Qwen2 (q/k/v
// bias, tied head) and Mistral (GQA, untied) folders become checkpoints whose logits equal a plain-PyTorch float64
// forward of the same files within 1e-4; the checkpoint is itself a Hugging Face folder (same reference, same
// logits); bad folders fail with one line naming the file and field, exit 2, and leave nothing behind.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chooseBackend } from "@/trainer/backend";
import { runTrainerCli } from "@/trainer/cli";
import { decodeSafetensors, loadCheckpoint } from "@/trainer/checkpoint";
import { importHf } from "@/trainer/import-hf";
import { forward } from "@/trainer/model";
import { writeRandomLlama, type LlamaFolderOptions } from "@/tests/helpers/trainer-llama-folder";
import { torchLogits, torchMissing } from "@/tests/helpers/torch-reference";

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const noTorch = torchMissing();
const base = { hidden: 32, heads: 4, layers: 2, intermediate: 48, maxPositions: 64, seed: 7 };

beforeAll(async () => {
  await chooseBackend("cpu", false);
});

function maxAbsDiff(a: number[][][], b: number[][][]) {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, t) => v.forEach((x, k) => (m = Math.max(m, Math.abs(x - b[i][t][k]))))));
  return m;
}

const cases: Array<[string, Omit<LlamaFolderOptions, keyof typeof base>]> = [
  ["Llama: GQA 4/2, untied head, F32 in two shards", { family: "llama", kvHeads: 2, tied: false, dtype: "F32", shards: 2 }],
  ["Llama 3.1-style: llama3 RoPE scaling, attention and MLP biases, BF16", { family: "llama", kvHeads: 2, tied: true, dtype: "BF16", config: { rope_theta: 500000, attention_bias: true, mlp_bias: true, rope_scaling: { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 } } }],
  ["Qwen2: q/k/v bias, tied head, F16", { family: "qwen2", kvHeads: 4, tied: true, dtype: "F16" }],
  ["Mistral: GQA 4/1, untied head, BF16", { family: "mistral", kvHeads: 1, tied: false, dtype: "BF16", config: { sliding_window: 4096 } }],
];

describe.each(cases)("%s", (_, o) => {
  it.skipIf(noTorch)(`gives the logits of a plain-PyTorch forward within 1e-4, and writes a folder that forward reads the same${noTorch ? ` (skipped: ${noTorch})` : ""}`, () => {
    const hf = tmp("tl-llama-");
    writeRandomLlama(hf, { ...base, ...o });
    const out = path.join(tmp("tl-ckpt-"), "llama");
    importHf(hf, out);
    const { cfg, params, tokenizer } = loadCheckpoint(out);
    expect(cfg.llama?.architecture).toBe({ llama: "LlamaForCausalLM", qwen2: "Qwen2ForCausalLM", mistral: "MistralForCausalLM" }[o.family]);
    const a = tokenizer.encode("hello world, hello there: 42 worlds! and some more words");
    const b = tokenizer.encode("<|im_start|>user\nhi, world of hellos and more<|im_end|>\n");
    const T = Math.min(a.length, b.length, 40);
    const ids = [a.slice(0, T), b.slice(0, T)];
    expect(T).toBeGreaterThan(20);
    const ours = tf.tidy(() => forward(params, cfg, tf.tensor2d(ids, [2, T], "int32")).arraySync());
    const ref = torchLogits(hf, ids);
    expect(maxAbsDiff(ours, ref)).toBeLessThan(1e-4);
    // Not trivially small: the logits spread over several units.
    expect(Math.max(...ref[0][5]) - Math.min(...ref[0][5])).toBeGreaterThan(1);
    // The checkpoint is a Hugging Face folder: the same reference reads it and gets the same logits.
    expect(maxAbsDiff(torchLogits(out, ids), ref)).toBeLessThan(1e-5);
    Object.values(params).forEach((p) => p.dispose());
  });
});

it("writes the checkpoint in Hugging Face's layout: config.json, model.safetensors with HF names and [out, in] weights, tokenizer files", () => {
  const hf = tmp("tl-llama-");
  const { weights } = writeRandomLlama(hf, { ...base, family: "mistral", kvHeads: 2, tied: false, dtype: "F32" });
  const out = path.join(tmp("tl-ckpt-"), "m");
  importHf(hf, out);
  expect(fs.readdirSync(out).sort()).toEqual(["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]);
  const config = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"));
  expect(config).toMatchObject({ architectures: ["MistralForCausalLM"], model_type: "mistral", hidden_size: 32, num_key_value_heads: 2, tie_word_embeddings: false, eos_token_id: JSON.parse(fs.readFileSync(path.join(hf, "config.json"), "utf8")).eos_token_id });
  const saved = decodeSafetensors(fs.readFileSync(path.join(out, "model.safetensors")));
  expect(Object.keys(saved).sort()).toEqual(Object.keys(weights).sort());
  for (const [k, v] of Object.entries(weights)) {
    expect(saved[k].shape).toEqual(v.shape);
    expect(Buffer.from(saved[k].data.buffer).equals(Buffer.from(v.data.buffer))).toBe(true);
  }
  expect(fs.readFileSync(path.join(out, "tokenizer.json"), "utf8")).toBe(fs.readFileSync(path.join(hf, "tokenizer.json"), "utf8"));
});

/** Runs the trainer CLI in this process; returns its exit code and what it wrote to stderr. */
async function cliInProcess(args: string[]) {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true));
  try {
    const status = await runTrainerCli(args);
    return { status, stderr: lines.join("") };
  } finally {
    process.stderr.write = write;
  }
}

describe("bad folders: one line naming the file and field, exit 2, no checkpoint", () => {
  const bad: Array<[string, (dir: string) => void, RegExp]> = [
    ["a missing shard", (d) => fs.rmSync(path.join(d, "model-00002-of-00002.safetensors")), /model\.safetensors\.index\.json: weight_map names shard model-00002-of-00002\.safetensors, which is missing/],
    ["a wrong dtype", (d) => {
      const f = path.join(d, "model-00001-of-00002.safetensors");
      const buf = fs.readFileSync(f);
      const at = buf.indexOf('"F32"');
      buf.write('"F64"', at);
      fs.writeFileSync(f, buf);
    }, /model-00001-of-00002\.safetensors: tensor [\w.]+: dtype F64 not supported \(F32, F16, BF16\)/],
    ["an unknown architecture", (d) => patchJson(path.join(d, "config.json"), { architectures: ["PhiForCausalLM"], model_type: "phi" }), /config\.json: architectures "PhiForCausalLM" is not supported/],
    ["an unsupported rope_scaling", (d) => patchJson(path.join(d, "config.json"), { rope_scaling: { rope_type: "yarn", factor: 4 } }), /config\.json: rope_scaling\.rope_type "yarn" is not supported/],
    ["a hidden_act other than silu", (d) => patchJson(path.join(d, "config.json"), { hidden_act: "gelu" }), /config\.json: hidden_act "gelu" is not supported \(silu\)/],
    ["a tokenizer.json of another kind", (d) => patchJson(path.join(d, "tokenizer.json"), { model: { type: "Unigram", vocab: [["a", 0]], unk_id: 0 } }), /tokenizer\.json: model\.type "Unigram" is not supported \(byte-level BPE only\)/],
  ];
  it.each(bad)("%s", async (_, spoil, message) => {
    const hf = tmp("tl-llama-");
    writeRandomLlama(hf, { ...base, family: "llama", kvHeads: 2, tied: false, dtype: "F32", shards: 2 });
    spoil(hf);
    const parent = tmp("tl-ckpt-");
    const out = path.join(parent, "never");
    const res = await cliInProcess(["import-model", "--hf", hf, "--out", out]);
    expect(res.status, res.stderr).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(message);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

function patchJson(file: string, patch: Record<string, unknown>) {
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), ...patch }));
}
