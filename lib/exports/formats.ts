// Line formats for snapshot files: TRL conversational (SFT, preference, KTO-unpaired), OpenAI chat fine-tuning, Alpaca.
import type { ChatMessage, PairRow, SftRow, UnpairedRow } from "./curate";

const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });

const encoded = new Map<string, string>();
/** JSON.stringify of a text, remembered for the last few dozen texts (one prompt's worth and more). */
function jsonText(text: string): string {
  let json = encoded.get(text);
  if (json === undefined) {
    if (encoded.size >= 64) encoded.clear();
    json = JSON.stringify(text);
    encoded.set(text, json);
  }
  return json;
}

/** The prompt as messages: the history (system, earlier turns), then the user turn. */
const promptMessages = (r: { history?: ChatMessage[]; prompt: string }) => [...(r.history ?? []), user(r.prompt)];
/** The same as JSON: the history's messages (they recur in every pair of the prompt), then the user turn's cached text. */
const promptJson = (r: { history?: ChatMessage[]; prompt: string }) =>
  `[${(r.history ?? []).map((m) => `${JSON.stringify({ role: m.role, content: m.content })},`).join("")}{"role":"user","content":${jsonText(r.prompt)}}]`;

/** Alpaca has one instruction: a conversation is written out as "System: …\n\nUser: …\n\nAssistant: …\n\nUser: …" turns. */
function alpacaPrompt(r: SftRow): string {
  if (!r.history?.length) return r.prompt;
  return promptMessages(r).map((m) => `${m.role.charAt(0).toUpperCase()}${m.role.slice(1)}: ${m.content}`).join("\n\n");
}

/** Every writer returns one line (no newline); key order is fixed so output is byte-stable. */
export const lineWriters = {
  sft: (r: SftRow) => JSON.stringify({ id: r.id, messages: [...promptMessages(r), assistant(r.response)], meta: r.meta }),
  // The same bytes as JSON.stringify({ id, prompt: [...history, user], chosen: [assistant], rejected: [assistant], margin, meta }),
  // built from each text's JSON once: a prompt and its outputs recur in every pair they are part of.
  preference: (r: PairRow) =>
    `{"id":${JSON.stringify(r.id)},"prompt":${promptJson(r)},"chosen":[{"role":"assistant","content":${jsonText(r.chosen)}}],` +
    `"rejected":[{"role":"assistant","content":${jsonText(r.rejected)}}],"margin":${JSON.stringify(r.margin)},"meta":${JSON.stringify(r.meta)}}`,
  unpaired: (r: UnpairedRow) => JSON.stringify({ id: r.id, prompt: promptMessages(r), completion: [assistant(r.completion)], label: r.label, meta: r.meta }),
  openaiSft: (r: SftRow) => JSON.stringify({ messages: [...promptMessages(r), assistant(r.response)] }),
  openaiPreference: (r: PairRow) =>
    JSON.stringify({ input: { messages: promptMessages(r) }, preferred_output: [assistant(r.chosen)], non_preferred_output: [assistant(r.rejected)] }),
  alpaca: (r: SftRow) => {
    const [instruction, ...rest] = alpacaPrompt(r).split("\n\n");
    return JSON.stringify({ instruction, input: rest.join("\n\n"), output: r.response });
  },
};

export type FileKind = keyof typeof lineWriters;

/** The files of a snapshot by format; Alpaca files are JSON arrays, the rest JSONL. */
export function snapshotFiles(formats: string[]): Array<{ name: string; kind: FileKind; split: "train" | "eval"; array?: boolean }> {
  const files: Array<{ name: string; kind: FileKind; split: "train" | "eval"; array?: boolean }> = [];
  for (const split of ["train", "eval"] as const) {
    files.push({ name: `sft.${split}.jsonl`, kind: "sft", split }, { name: `preference.${split}.jsonl`, kind: "preference", split });
  }
  files.push({ name: "unpaired.train.jsonl", kind: "unpaired", split: "train" });
  if (formats.includes("openai")) {
    for (const split of ["train", "eval"] as const) files.push({ name: `openai.sft.${split}.jsonl`, kind: "openaiSft", split }, { name: `openai.preference.${split}.jsonl`, kind: "openaiPreference", split });
  }
  if (formats.includes("alpaca")) for (const split of ["train", "eval"] as const) files.push({ name: `alpaca.${split}.json`, kind: "alpaca", split, array: true });
  return files;
}

/** What the duplicates collapsed into a kept prompt brought to it: prompts merged, their rankings, the pairs resting on one of those rankings (or a merged rewrite), their SFT rows. */
export type MergedCounts = { prompts: number; rankings: number; pairs: number; sft: number };

/**
 * A snapshot's readable name: project, cut-off (UTC, to the minute) and what it holds, e.g.
 * "demo · 2026-11-30 14:05 UTC · 7,612 pairs · 12 SFT". Counts are train + eval over the TRL
 * files, the ones every snapshot has.
 */
export function snapshotName(m: { project: string; cutoffAt: string; counts: Record<string, number> }): string {
  const n = (file: string) => (m.counts[`${file}.train.jsonl`] ?? 0) + (m.counts[`${file}.eval.jsonl`] ?? 0);
  const fmt = (x: number) => x.toLocaleString("en-US");
  const parts = [m.project, `${m.cutoffAt.slice(0, 10)} ${m.cutoffAt.slice(11, 16)} UTC`, `${fmt(n("preference"))} pairs`, `${fmt(n("sft"))} SFT`];
  const unpaired = m.counts["unpaired.train.jsonl"] ?? 0;
  if (unpaired) parts.push(`${fmt(unpaired)} unpaired`);
  return parts.join(" · ");
}

/** A dataset card without its YAML front matter (Hugging Face's metadata block), for showing it as markdown. */
export function datasetCardBody(card: string): string {
  return card.replace(/^---\n[\s\S]*?\n---\n/, "");
}

export function datasetCard(m: {
  id: string;
  project: string;
  cutoffAt: string;
  counts: Record<string, number>;
  options: Record<string, unknown>;
  licence: string;
  duplicates: { exact: number; near: number };
  merged: MergedCounts;
}): string {
  const rows = Object.entries(m.counts)
    .map(([f, n]) => `| ${f} | ${n} |`)
    .join("\n");
  return `---
license: ${m.licence}
task_categories: [text-generation]
tags: [tuneloop, sft, dpo, rlhf]
---
# ${snapshotName(m)}

Tuneloop snapshot \`${m.id}\`. Instruction-tuning data curated in Tuneloop from project \`${m.project}\`, as of ${m.cutoffAt}.

## How it was collected
Annotators wrote instructions and demonstrations and ranked model outputs; reviewers approved
prompts and demonstrations. Each settled prompt's rankings were combined by weighted
Bradley–Terry (annotators weighted by gold accuracy and leave-one-out agreement) into a
consensus order; (chosen, rejected) pairs come from that order with a \`margin\` of rank gap ×
confidence. Imported preference data keeps its own source. Rejected prompts, excluded
annotators and completions flagged as personal data are left out; outputs flagged unsafe are
never chosen. Exact and near-duplicate prompts (MinHash, Jaccard ≥ ${String(m.options.nearDuplicateThreshold)}) were collapsed into
the first of them by id, their rankings and demonstrations merged into it (${m.duplicates.exact} exact and ${m.duplicates.near} near
duplicates; ${m.merged.prompts} merged into a prompt in this snapshot, bringing ${m.merged.rankings} rankings, ${m.merged.pairs} pairs
and ${m.merged.sft} SFT rows). Prompts are split train/eval by a stable hash of their id.

## Files
| file | rows |
| --- | --- |
${rows}

\`sft.*\` and \`preference.*\` are TRL's conversational formats; \`unpaired.train.jsonl\` is the
form TRL's KTO trainer reads (label false: "none acceptable").

## Loading
\`\`\`python
from datasets import load_dataset
prefs = load_dataset("json", data_files={"train": "preference.train.jsonl", "test": "preference.eval.jsonl"})
sft = load_dataset("json", data_files={"train": "sft.train.jsonl", "test": "sft.eval.jsonl"})
\`\`\`

Options: \`${JSON.stringify(m.options)}\`
`;
}
