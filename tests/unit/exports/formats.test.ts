// Snapshot line formats: TRL preference rows are built from pre-encoded texts; the bytes must equal plain JSON.stringify. Snapshot names.
import { describe, expect, it } from "vitest";
import { datasetCard, datasetCardBody, lineWriters, snapshotName } from "@/lib/exports/formats";

const tricky = ['He said "hi"\n\tthen left\\', "unicode: é 東京 😀 \u2028 \u0001", "", "plain"];

describe("preference lines", () => {
  it("are byte-for-byte JSON.stringify of the TRL conversational preference form", () => {
    for (const prompt of tricky) {
      for (const chosen of tricky) {
        const r = { id: "abc", promptId: "p", prompt, chosen, rejected: `${chosen} (worse)`, margin: 1.5, meta: { promptId: "p", agreement: null, confidence: 0.75, source: "ranking" } };
        const expected = JSON.stringify({
          id: r.id,
          prompt: [{ role: "user", content: r.prompt }],
          chosen: [{ role: "assistant", content: r.chosen }],
          rejected: [{ role: "assistant", content: r.rejected }],
          margin: r.margin,
          meta: r.meta,
        });
        expect(lineWriters.preference(r)).toBe(expected);
        expect(JSON.parse(lineWriters.preference(r))).toEqual(JSON.parse(expected));
      }
    }
  });
});

describe("snapshot names", () => {
  it("say project, cut-off to the minute in UTC, and pairs and SFT rows over both splits", () => {
    const counts = { "sft.train.jsonl": 10, "sft.eval.jsonl": 2, "preference.train.jsonl": 7629, "preference.eval.jsonl": 356, "unpaired.train.jsonl": 0 };
    expect(snapshotName({ project: "eval", cutoffAt: "2026-11-30T14:05:09.123Z", counts })).toBe("eval · 2026-11-30 14:05 UTC · 7,985 pairs · 12 SFT");
    expect(snapshotName({ project: "p", cutoffAt: "2026-01-02T03:04:05.000Z", counts: { "unpaired.train.jsonl": 3 } })).toBe("p · 2026-01-02 03:04 UTC · 0 pairs · 0 SFT · 3 unpaired");
  });
});

describe("dataset card", () => {
  it("opens with Hugging Face front matter, then a body titled with the snapshot's name", () => {
    const counts = { "preference.train.jsonl": 2, "preference.eval.jsonl": 1 };
    const card = datasetCard({ id: "abc", project: "demo", cutoffAt: "2026-11-30T14:05:00.000Z", counts, options: { nearDuplicateThreshold: 0.8 }, licence: "mit", duplicates: { exact: 1, near: 2 }, merged: { prompts: 3, rankings: 4, pairs: 5, sft: 0 } });
    expect(card.startsWith("---\nlicense: mit\n")).toBe(true);
    const body = datasetCardBody(card);
    expect(body.startsWith("# demo · 2026-11-30 14:05 UTC · 3 pairs · 0 SFT\n")).toBe(true);
    expect(body).not.toContain("license: mit");
    expect(body).toContain("3 merged into a prompt in this snapshot, bringing 4 rankings, 5 pairs");
  });
});
