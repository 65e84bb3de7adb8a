// Fresh outputs and release-gate outputs of a Llama-family version go through its chat template (a conversation's
// system message and earlier turns included): a checkpoint
// imported from a Hugging Face folder (tokenizer.json, tokenizer_config.json with a ChatML template) is asked for
// outputs through generateVersionOutputs, the one call both the generate job (fresh outputs for the ranking queue)
// and the release gate's comparison (each version's answer to held-out prompts) make, which runs the trainer CLI in a
// child process. Its greedy outputs equal greedy generation in this process from the ids of the ChatML text written
// out here by hand (not rendered by the template code), and differ from what the plain template, the bare prompt and
// ChatML without the assistant's opening (or, for a conversation, the last user turn alone) would have given, so a
// prompt rendered any other way fails the test.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ModelVersion } from "@/db/schema";
import { generateVersionOutputs } from "@/lib/launchers/external";
import { chooseBackend } from "@/trainer/backend";
import { loadCheckpoint } from "@/trainer/checkpoint";
import { generateTokens, type SampleOptions } from "@/trainer/generate";
import { importHf } from "@/trainer/import-hf";
import { storableText } from "@/trainer/stream-text";
import { writeRandomLlama } from "@/tests/helpers/trainer-llama-folder";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "tl-chat-out-"));
const ckpt = path.join(work, "ckpt");
const maxTokens = 10;
const greedy: SampleOptions = { maxNewTokens: maxTokens, temperature: 0, topK: 0, topP: 1, seed: 1 };
const conversation = { system: "Be brief.", turns: [{ user: "hi", assistant: "hello" }] };
const prompts = [
  { id: "p1", instruction: "hello world", input: null },
  { id: "p2", instruction: "Say hi", input: "hello" },
  { id: "p3", instruction: "hello world", input: null, conversation },
];
const savedBackend = process.env.TUNELOOP_TF_BACKEND;

beforeAll(async () => {
  // The child process computes on the same backend as this one, so greedy choices are the same float for float.
  process.env.TUNELOOP_TF_BACKEND = "cpu";
  await chooseBackend("cpu", false);
  const hf = path.join(work, "hf");
  writeRandomLlama(hf, { family: "llama", hidden: 32, heads: 4, kvHeads: 2, layers: 2, intermediate: 48, maxPositions: 192, tied: false, dtype: "F32", seed: 21 });
  importHf(hf, ckpt);
});

afterAll(() => {
  if (savedBackend === undefined) delete process.env.TUNELOOP_TF_BACKEND;
  else process.env.TUNELOOP_TF_BACKEND = savedBackend;
  fs.rmSync(work, { recursive: true, force: true });
});

it("a Llama-family version's outputs for the ranking queue and the release gate are generated from its chat template", async () => {
  const { cfg, params, tokenizer: tok } = loadCheckpoint(ckpt);
  expect(tok.kind).toBe("hf");
  const [imStart, imEnd] = ["<|im_start|>", "<|im_end|>"].map((t) => tok.encode(t));
  expect([imStart.length, imEnd.length]).toEqual([1, 1]); // special tokens are one id each
  const reply = (text: string) => storableText(tok.decode(generateTokens(params, cfg, [tok.encode(text)], greedy, tok.stops ?? tok.end, tok.pad)[0]));
  const user = (p: (typeof prompts)[number]) => (p.input ? `${p.instruction}\n\n${p.input}` : p.instruction);
  const want = new Map<string, string>();
  for (const p of prompts) {
    const last = `<|im_start|>user\n${user(p)}<|im_end|>\n`;
    const history = p.conversation ? `<|im_start|>system\n${p.conversation.system}<|im_end|>\n` + p.conversation.turns.map((t) => `<|im_start|>user\n${t.user}<|im_end|>\n<|im_start|>assistant\n${t.assistant}<|im_end|>\n`).join("") : "";
    const expected = reply(`${history}${last}<|im_start|>assistant\n`);
    // The model tells these renderings apart, so the comparison below can only pass through the template.
    const others = [`User: ${user(p)}\n\nAssistant:`, user(p), `${history}${last}`, ...(history ? [`${last}<|im_start|>assistant\n`] : [])];
    for (const other of others) expect(reply(other), JSON.stringify(other)).not.toBe(expected);
    want.set(p.id, expected);
  }
  const version = { config: {}, checkpointPath: ckpt } as unknown as ModelVersion;
  const made = await generateVersionOutputs(version, prompts, { n: 1, temperature: 0, topP: 1, maxTokens });
  expect(Object.fromEntries([...made].map(([id, outs]) => [id, outs]))).toEqual(Object.fromEntries([...want].map(([id, text]) => [id, [text]])));
});
