// Writes small snapshot folders for trainer tests: SFT chats, preference pairs and raw pretraining text.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type SnapshotFiles = { sft?: Array<[string, string]>; sftEval?: Array<[string, string]>; prefs?: Array<[string, string, string]>; prefsEval?: Array<[string, string, string]>; texts?: string[]; textsEval?: string[] };

export function writeSnapshot(f: SnapshotFiles): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-snap-"));
  const write = (name: string, rows: unknown[] | undefined) => rows && fs.writeFileSync(path.join(dir, name), rows.map((r) => JSON.stringify(r)).join("\n"));
  const chat = ([u, a]: [string, string]) => ({ messages: [{ role: "user", content: u }, { role: "assistant", content: a }] });
  const pair = ([u, c, r]: [string, string, string]) => ({ prompt: [{ role: "user", content: u }], chosen: [{ role: "assistant", content: c }], rejected: [{ role: "assistant", content: r }] });
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ id: "test" }));
  write("sft.train.jsonl", f.sft?.map(chat));
  write("sft.eval.jsonl", f.sftEval?.map(chat));
  write("preference.train.jsonl", f.prefs?.map(pair));
  write("preference.eval.jsonl", f.prefsEval?.map(pair));
  write("pretrain.train.jsonl", f.texts?.map((text) => ({ text })));
  write("pretrain.eval.jsonl", f.textsEval?.map((text) => ({ text })));
  return dir;
}

export const freshOut = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-ckpt-")), "ckpt");
