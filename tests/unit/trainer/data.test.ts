// Snapshot reading and data order: pretraining windows, the SFT-content fallback, DPO truncation, malformed rows,
// and per-epoch permutations that depend only on (seed, stage, position).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DataError, loadSnapshot, pickExamples } from "@/trainer/data";
import { SPECIAL, byteTokenizer } from "@/trainer/tokenizer";
import { writeSnapshot } from "@/tests/helpers/trainer-snapshot";

describe("loadSnapshot", () => {
  it("cuts pretraining text into windows of seqLen + 1 that overlap by one token, ending with the end token", () => {
    const text = "abcdefghijklmnopqrstuvwxyz";
    const data = loadSnapshot(writeSnapshot({ texts: [text] }), 10);
    const ids = [...byteTokenizer.encode(text), SPECIAL.end];
    expect(data.pretrainTrain.map((e) => e.ids)).toEqual([ids.slice(0, 11), ids.slice(10, 21), ids.slice(20, 27)]);
    expect(data.pretrainTrain.every((e) => e.mask.every((m) => m === 1))).toBe(true);
    // Every token but the first is some window's target exactly once.
    expect(data.pretrainTrain.reduce((n, e) => n + e.ids.length - 1, 0)).toBe(ids.length - 1);
  });
  it("pretrains on the SFT rows' message contents when there is no pretrain file", () => {
    const data = loadSnapshot(writeSnapshot({ sft: [["hi", "yo"]] }), 64);
    expect(byteTokenizer.decode(data.pretrainTrain[0].ids)).toBe("hi\n\nyo");
    expect(data.sftTrain[0].mask.filter(Boolean)).toHaveLength(3);
  });
  it("keeps the end of a long prompt and the start of long responses within the budget", () => {
    const data = loadSnapshot(writeSnapshot({ prefs: [["q".repeat(100), "c".repeat(100), "r".repeat(30)]] }), 32);
    const [e] = data.prefTrain;
    expect(e.prompt).toHaveLength(8);
    expect(e.prompt.at(-1)).toBe(SPECIAL.assistant);
    expect(e.prompt.length + e.chosen.length).toBe(33);
    expect(e.rejected).toHaveLength(25);
  });
  it("names the file and row of a malformed line", () => {
    const dir = writeSnapshot({ sft: [["a", "b"]] });
    fs.appendFileSync(path.join(dir, "sft.train.jsonl"), '\n{"messages": "nope"}\n{broken');
    expect(() => loadSnapshot(dir, 32)).toThrow(DataError);
    expect(() => loadSnapshot(dir, 32)).toThrow(/sft.train.jsonl: line 3 is not valid JSON/);
    expect(() => loadSnapshot(path.join(dir, "missing"), 32)).toThrow(/not a snapshot/);
  });
});

describe("pickExamples", () => {
  it("visits every example once per epoch, in an order fixed by (seed, stage, epoch)", () => {
    const all = pickExamples(10, 0, 30, 7, 0);
    for (let e = 0; e < 3; e++) expect(all.slice(e * 10, e * 10 + 10).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(all.slice(0, 10)).not.toEqual(all.slice(10, 20));
    // Any window of the stream is the same whether read from the start or resumed in the middle.
    expect(pickExamples(10, 13, 9, 7, 0)).toEqual(all.slice(13, 22));
    expect(pickExamples(10, 0, 10, 8, 0)).not.toEqual(all.slice(0, 10));
    expect(pickExamples(10, 0, 10, 7, 1)).not.toEqual(all.slice(0, 10));
  });
});
