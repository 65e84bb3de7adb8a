// Which prompts an export merges into which: exact duplicates (normalized text) and near duplicates (MinHash) of an earlier kept prompt.
import { createNearDuplicateIndex } from "./minhash";
import { exactDuplicateKey } from "./normalize";

export type MergePlan = {
  /** kept prompt id → the ids of its duplicates, in the order they came */
  duplicatesOf: Map<string, string[]>;
  /** every id that is merged into another */
  merged: Set<string>;
  exact: number;
  near: number;
};

/**
 * Greedy, in the order given (feed prompts by id for a stable plan): a prompt whose normalized
 * text equals a kept prompt's, or whose shingle Jaccard with one is ≥ `threshold` (the most
 * similar, ties broken by a fixed order), is merged into it; otherwise it is kept. Only kept prompts are
 * indexed, so chains (a≈b≈c, a≉c) cannot pull unrelated prompts together.
 * Memory grows with the prompts: per kept prompt a 64-bit exact key in a Map (~80 bytes with
 * V8's entry overhead), its 16-byte id, and the near-duplicate index's ~4 bytes per shingle and
 * ~16 bytes per band; per merged prompt its id twice (~150 bytes). 64 permutations (11 bands
 * at 0.8) still catch ≥ 99.5% of pairs at the threshold, and every candidate is checked exactly.
 */
export async function planDuplicateMerges(prompts: AsyncIterable<{ id: string; text: string }>, opts: { threshold: number; numPerm?: number }): Promise<MergePlan> {
  const near = createNearDuplicateIndex({ threshold: opts.threshold, numPerm: opts.numPerm ?? 64 });
  const exactKeys = new Map<bigint, number>();
  const kept = new UuidList();
  const plan: MergePlan = { duplicatesOf: new Map(), merged: new Set(), exact: 0, near: 0 };
  const merge = (id: string, into: number) => {
    const keptId = kept.get(into);
    const list = plan.duplicatesOf.get(keptId);
    if (list) list.push(id);
    else plan.duplicatesOf.set(keptId, [id]);
    plan.merged.add(id);
  };
  for await (const { id, text } of prompts) {
    const key = exactDuplicateKey(text);
    const same = exactKeys.get(key);
    if (same !== undefined) {
      plan.exact += 1;
      merge(id, same);
      continue;
    }
    const [match] = near.query(text);
    if (match) {
      plan.near += 1;
      merge(id, Number(match.id));
      continue;
    }
    const ord = kept.push(id);
    exactKeys.set(key, ord);
    // Kept prompts are numbered in the index: short ids keep it small.
    near.add(String(ord), text);
  }
  return plan;
}

/** Prompt ids (uuids) packed 16 bytes each. */
class UuidList {
  private bytes = Buffer.alloc(16 * 1024);
  private n = 0;
  push(id: string): number {
    if ((this.n + 1) * 16 > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    const hex = id.replace(/-/g, "");
    if (!/^[0-9a-f]{32}$/i.test(hex)) throw new RangeError(`not a uuid: ${id}`);
    this.bytes.write(hex, this.n * 16, "hex");
    return this.n++;
  }
  get(i: number): string {
    const h = this.bytes.toString("hex", i * 16, i * 16 + 16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
