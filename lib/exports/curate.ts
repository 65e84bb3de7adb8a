// Curation: one prompt's data → SFT examples, (chosen, rejected) pairs with margins, and unpaired "none acceptable" rows.
import { hash } from "node:crypto";
import type { CursorPrompt } from "@/db/queries/exports";
import { kendallW } from "@/lib/consensus/agreement";
import { consensusRanking, kendallTauB } from "@/lib/consensus/consensus";
import type { ExportOptions } from "@/lib/validation/exports";

export type SftRow = { id: string; promptId: string; prompt: string; response: string; meta: Record<string, unknown> };
export type PairRow = { id: string; promptId: string; prompt: string; chosen: string; rejected: string; margin: number; meta: Record<string, unknown> };
export type UnpairedRow = { id: string; promptId: string; prompt: string; completion: string; label: false; meta: Record<string, unknown> };
export type CuratedPrompt = { split: "train" | "eval"; sft: SftRow[]; pairs: PairRow[]; unpaired: UnpairedRow[] };

/** The user turn: instruction, then the input/context after a blank line when there is one. */
export function promptText(p: { instruction: string; input: string | null }) {
  return p.input ? `${p.instruction}\n\n${p.input}` : p.instruction;
}

/** Stable split: the first 32 bits of sha256(prompt id) against the eval fraction; a prompt never moves. */
export function splitOf(promptId: string, evalFraction: number): "train" | "eval" {
  const h = hash("sha256", promptId, "buffer").readUInt32BE(0);
  return h / 2 ** 32 < evalFraction ? "eval" : "train";
}

/**
 * An annotator's reliability in [0, 1]: the mean of their gold accuracy and their agreement
 * with consensus, each mapped from Kendall tau [−1, 1] to [0, 1]; 1 when nothing is known yet,
 * so new annotators count fully until measured. Imported rankings weigh 1.
 */
export function reliabilityOf(stats: { goldTau: number | null; looTau: number | null } | undefined): number {
  const parts = [stats?.goldTau, stats?.looTau].filter((x): x is number => typeof x === "number").map((t) => (t + 1) / 2);
  return parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 1;
}

/** Leave-one-out agreement of each ranking with the consensus of the others on the same prompt. */
export function leaveOneOutTaus(rankings: Array<{ annotatorId: string | null; order: string[][] }>): Array<{ annotatorId: string; tau: number }> {
  if (rankings.length < 2) return [];
  const out: Array<{ annotatorId: string; tau: number }> = [];
  rankings.forEach((r, i) => {
    if (!r.annotatorId) return;
    const others = rankings.filter((_, j) => j !== i).map((o) => ({ order: o.order }));
    const consensus = consensusRanking(others).order.map((id) => [id]);
    const tau = kendallTauB(r.order, consensus);
    if (tau !== null) out.push({ annotatorId: r.annotatorId, tau });
  });
  return out;
}

const rowId = (...parts: string[]) => hash("sha256", parts.join("\u0000"), "hex").slice(0, 16);

/**
 * Pairs from a prompt's rankings: the consensus order (weighted Bradley–Terry) ranks the
 * completions; each (better, worse) pair the policy names gets confidence = weighted share of
 * rankings that put them in that order, and margin = rank gap × confidence. Unsafe-flagged
 * completions are never chosen; PII-flagged ones were already removed by the caller.
 */
function pairsFor(p: CursorPrompt, rankings: CursorPrompt["rankings"], weights: number[], keep: Set<string>, opts: ExportOptions, text: Map<string, string>, generator: Map<string, string | null>, unsafe: Set<string>, agreement: number | null) {
  const orders = rankings.map((r) => r.order.map((g) => g.filter((id) => keep.has(id))).filter((g) => g.length));
  const consensus = consensusRanking(orders.map((order, i) => ({ order, weight: weights[i] })));
  const ranked = consensus.order.filter((id) => keep.has(id));
  const candidates: Array<[number, number]> = [];
  for (let i = 0; i < ranked.length; i++) {
    for (let j = i + 1; j < ranked.length; j++) {
      if (opts.pairing === "best-vs-rest" && i !== 0) continue;
      if (opts.pairing === "adjacent" && j !== i + 1) continue;
      candidates.push([i, j]);
    }
  }
  const totalWeight = weights.reduce((a, b) => a + b, 0) || 1;
  const rows: PairRow[] = [];
  for (const [i, j] of candidates) {
    const a = ranked[i];
    const b = ranked[j];
    if (unsafe.has(a)) continue;
    let agree = 0;
    orders.forEach((order, k) => {
      const ra = order.findIndex((g) => g.includes(a));
      const rb = order.findIndex((g) => g.includes(b));
      if (ra < 0 || rb < 0) return;
      agree += weights[k] * (ra < rb ? 1 : ra === rb ? 0.5 : 0);
    });
    const confidence = agree / totalWeight;
    // Majority against, or an even split, is no preference.
    if (confidence <= 0.5) continue;
    const margin = Math.round((j - i) * confidence * 1e6) / 1e6;
    if (margin < opts.minMargin) continue;
    rows.push({
      id: rowId(p.id, a, b),
      promptId: p.id,
      prompt: promptText(p),
      chosen: text.get(a)!,
      rejected: text.get(b)!,
      margin,
      meta: { promptId: p.id, chosenId: a, rejectedId: b, chosenGenerator: generator.get(a) ?? null, rejectedGenerator: generator.get(b) ?? null, rankings: orders.length, agreement, confidence: Math.round(confidence * 1e6) / 1e6, source: "ranking" },
    });
  }
  return { rows, consensus: ranked };
}

/** Everything one prompt contributes to the snapshot. `reliability` maps annotator id → weight. */
export function curatePrompt(p: CursorPrompt, opts: ExportOptions, reliability: Map<string, number>): CuratedPrompt {
  const split = splitOf(p.id, opts.evalFraction);
  const out: CuratedPrompt = { split, sft: [], pairs: [], unpaired: [] };
  if (p.status === "rejected" || p.status === "draft") return out;

  const flagsOf = new Map<string, Set<string>>();
  for (const r of p.rankings) if (!r.excluded) for (const [id, fl] of Object.entries(r.flags ?? {})) for (const f of fl) (flagsOf.get(id) ?? flagsOf.set(id, new Set()).get(id)!).add(f);
  const pii = new Set([...flagsOf].filter(([, f]) => f.has("pii")).map(([id]) => id));
  const unsafe = new Set([...flagsOf].filter(([, f]) => f.has("unsafe")).map(([id]) => id));
  const usable = p.completions.filter((c) => !pii.has(c.id) && c.status !== "rejected" && (!c.isDemonstration || c.status === "approved"));
  const text = new Map(usable.map((c) => [c.id, c.text]));
  const generator = new Map(usable.map((c) => [c.id, c.generator ?? (c.source === "human" ? "human" : null)]));
  const user = promptText(p);

  // SFT: approved demonstrations (written, or rewrites of model outputs), never unsafe ones.
  for (const c of usable) {
    if (c.isDemonstration && c.status === "approved" && !unsafe.has(c.id) && p.status === "approved") {
      out.sft.push({ id: rowId(p.id, c.id), promptId: p.id, prompt: user, response: c.text, meta: { promptId: p.id, completionId: c.id, source: c.parentId ? "rewrite" : "demonstration" } });
    }
  }
  // Rewrites of model outputs are pairs too: rewrite ≻ original.
  for (const c of usable) {
    if (c.parentId && c.isDemonstration && c.status === "approved" && text.has(c.parentId) && !unsafe.has(c.id)) {
      out.pairs.push({ id: rowId(p.id, c.id, c.parentId), promptId: p.id, prompt: user, chosen: c.text, rejected: text.get(c.parentId)!, margin: 1, meta: { promptId: p.id, chosenId: c.id, rejectedId: c.parentId, chosenGenerator: "human", rejectedGenerator: generator.get(c.parentId) ?? null, source: "rewrite" } });
    }
  }

  const rankings = p.rankings.filter((r) => !r.excluded && (opts.includeImported || r.source === "human"));
  const human = rankings.filter((r) => r.source === "human");
  // Human rankings count once the prompt settled; imported preferences (hh-rlhf, TRL, judgments) stand on their own.
  const eligible = p.settled ? rankings : human.length === 0 ? rankings : [];
  if (!eligible.length) return out;
  const noneAcceptable = eligible.filter((r) => r.noneAcceptable).length * 2 > eligible.length;
  const keep = new Set(usable.filter((c) => !c.isDemonstration || c.parentId === null).map((c) => c.id));
  if (noneAcceptable) {
    for (const id of [...keep].sort()) out.unpaired.push({ id: rowId(p.id, id, "kto"), promptId: p.id, prompt: user, completion: text.get(id)!, label: false, meta: { promptId: p.id, completionId: id, generator: generator.get(id) ?? null, source: "none_acceptable" } });
    return out;
  }
  const weights = eligible.map((r) => (r.annotatorId ? (reliability.get(r.annotatorId) ?? 1) : 1));
  const agreement = kendallW(eligible.map((r) => r.order));
  const { rows, consensus } = pairsFor(p, eligible, weights, keep, opts, text, generator, unsafe, agreement);
  out.pairs.push(...rows);
  if (opts.includeBestModelCompletion && p.settled && consensus.length) {
    const best = consensus[0];
    const bestPairs = rows.filter((r) => r.meta.chosenId === best);
    const margin = bestPairs.length ? Math.min(...bestPairs.map((r) => r.margin)) : 0;
    if (!unsafe.has(best) && margin >= opts.minBestMargin && !out.sft.some((s) => s.response === text.get(best))) {
      out.sft.push({ id: rowId(p.id, best, "best"), promptId: p.id, prompt: user, response: text.get(best)!, meta: { promptId: p.id, completionId: best, source: "consensus-best", margin } });
    }
  }
  return out;
}
