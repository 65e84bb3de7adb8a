// Curation: one prompt's data (with the duplicates merged into it) → SFT examples, (chosen, rejected) pairs with margins, and unpaired "none acceptable" rows.
import { hash } from "node:crypto";
import type { CursorPrompt } from "@/db/queries/exports";
import type { Answers } from "@/db/schema/questions";
import { kendallW } from "@/lib/consensus/agreement";
import { consensusRanking, kendallTauB } from "@/lib/consensus/consensus";
import type { ExportOptions } from "@/lib/validation/exports";
import { defaultQuestions } from "@/lib/validation/questions";
import { mapAnswerIds, questionRows } from "./question-rows";

/** A message of a conversation's history, as TRL's conversational format writes it. */
export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };
/** `prompt` is the final user turn; `history` the messages before it (empty or absent for a single-turn prompt). */
export type SftRow = { id: string; promptId: string; history?: ChatMessage[]; prompt: string; response: string; meta: Record<string, unknown> };
export type PairRow = { id: string; promptId: string; history?: ChatMessage[]; prompt: string; chosen: string; rejected: string; margin: number; meta: Record<string, unknown> };
export type UnpairedRow = { id: string; promptId: string; history?: ChatMessage[]; prompt: string; completion: string; label: boolean; meta: Record<string, unknown> };
export type CuratedPrompt = {
  split: "train" | "eval";
  sft: SftRow[];
  pairs: PairRow[];
  unpaired: UnpairedRow[];
  /** What the merged duplicates brought: their rankings used, the pairs that rest on one of them, their SFT rows. */
  merged: { rankings: number; pairs: number; sft: number };
};

/** The user turn: instruction, then the input/context after a blank line when there is one. */
export function promptText(p: { instruction: string; input: string | null }) {
  return p.input ? `${p.instruction}\n\n${p.input}` : p.instruction;
}

/**
 * The messages before a prompt's user turn: its conversation's system message, then each
 * earlier (user, assistant) exchange, oldest first; [] for a single-turn prompt. Null when a
 * turn of the path is rejected or a draft, or a reply on it is rejected: such a path is not
 * approved and trains nothing.
 */
export function historyOf(p: Pick<CursorPrompt, "system" | "conversation">): ChatMessage[] | null {
  const conv = p.conversation;
  const system = conv ? conv.system : (p.system ?? null);
  const out: ChatMessage[] = system !== null ? [{ role: "system", content: system }] : [];
  for (const t of conv?.turns ?? []) {
    if (!t.live) return null;
    out.push({ role: "user", content: t.user }, { role: "assistant", content: t.assistant });
  }
  return out;
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

type Ranked = { order: string[][]; weight: number; noneAcceptable: boolean; merged: boolean };

/** The order with every id mapped through `idOf`, each id kept at its first (best) place only. */
function mapOrder(order: string[][], idOf: (id: string) => string): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const group of order) {
    const g: string[] = [];
    for (const id of group.map(idOf)) {
      if (seen.has(id)) continue;
      seen.add(id);
      g.push(id);
    }
    if (g.length) out.push(g);
  }
  return out;
}

/**
 * Pairs from a prompt's rankings: the consensus order (weighted Bradley–Terry) ranks the
 * completions; each (better, worse) pair the policy names gets confidence = weighted share of
 * the rankings that list both which put them in that order, and margin = rank gap ×
 * confidence. A pair no ranking compares is no pair: pairwise judgments and merged
 * duplicates each compare only some of the completions. Unsafe-flagged completions are
 * never chosen; PII-flagged ones were already removed by the caller.
 */
function pairsFor(p: { id: string; user: string; history: ChatMessage[] }, ranked: Ranked[], keep: Set<string>, opts: ExportOptions, text: Map<string, string>, generator: Map<string, string | null>, unsafe: Set<string>, agreement: number | null) {
  const orders = ranked.map((r) => r.order.map((g) => g.filter((id) => keep.has(id))).filter((g) => g.length));
  const consensus = consensusRanking(orders.map((order, i) => ({ order, weight: ranked[i].weight })));
  const order = consensus.order.filter((id) => keep.has(id));
  // Rank of each completion in each ranking (one map per ranking, so a pair costs O(rankings)).
  const rankIn = orders.map((o) => new Map(o.flatMap((g, r) => g.map((id) => [id, r] as const))));
  const rows: PairRow[] = [];
  let merged = 0;
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      if (opts.pairing === "best-vs-rest" && i !== 0) continue;
      if (opts.pairing === "adjacent" && j !== i + 1) continue;
      const a = order[i];
      const b = order[j];
      if (unsafe.has(a)) continue;
      let agree = 0;
      let total = 0;
      let compared = 0;
      let fromMerged = false;
      rankIn.forEach((ranks, k) => {
        const ra = ranks.get(a);
        const rb = ranks.get(b);
        if (ra === undefined || rb === undefined) return;
        total += ranked[k].weight;
        compared += 1;
        fromMerged ||= ranked[k].merged;
        agree += ranked[k].weight * (ra < rb ? 1 : ra === rb ? 0.5 : 0);
      });
      if (!total) continue;
      const confidence = agree / total;
      // Majority against, or an even split, is no preference.
      if (confidence <= 0.5) continue;
      const margin = Math.round((j - i) * confidence * 1e6) / 1e6;
      if (margin < opts.minMargin) continue;
      if (fromMerged) merged += 1;
      rows.push({
        id: rowId(p.id, a, b),
        promptId: p.id,
        history: p.history,
        prompt: p.user,
        chosen: text.get(a)!,
        rejected: text.get(b)!,
        margin,
        meta: { promptId: p.id, chosenId: a, rejectedId: b, chosenGenerator: generator.get(a) ?? null, rejectedGenerator: generator.get(b) ?? null, rankings: compared, agreement, confidence: Math.round(confidence * 1e6) / 1e6, source: "ranking" },
      });
    }
  }
  return { rows, consensus: order, merged };
}

/**
 * Everything one prompt contributes to the snapshot, with the exact and near duplicates that
 * were collapsed into it. `members[0]` is the kept prompt: rows carry its id, text and split.
 * Completions of the same text (within a prompt or across members) are one completion, known
 * by the id of its first copy, so a merged ranking and the kept prompt's rankings compare the
 * same outputs and no pair has one text on both sides. Each member's own rules still hold:
 * SFT rows only from approved prompts; human rankings only once that prompt settled, imported
 * ones on their own. `reliability` maps annotator id → weight.
 */
export function curateGroup(members: CursorPrompt[], opts: ExportOptions, reliability: Map<string, number>): CuratedPrompt {
  const kept = members[0];
  // Every turn of a conversation falls in its root's split: no conversation is in both.
  const out: CuratedPrompt = { split: splitOf(kept.conversation?.rootId ?? kept.id, opts.evalFraction), sft: [], pairs: [], unpaired: [], merged: { rankings: 0, pairs: 0, sft: 0 } };
  const live = members.filter((m) => m.status !== "rejected" && m.status !== "draft");
  if (!live.includes(kept)) return out;
  const history = historyOf(kept);
  if (!history) return out;
  // SFT trains every assistant message of a row (trainer and TRL alike), so a row with history
  // needs every earlier reply on its path to be an approved demonstration: an approved path.
  const pathApproved = (kept.conversation?.turns ?? []).every((t) => t.approved);
  const user = promptText(kept);

  // One id per distinct text, in member order then completion order.
  const firstOfText = new Map<string, string>();
  const canonical = new Map<string, string>();
  for (const m of live) {
    for (const c of m.completions) {
      if (!firstOfText.has(c.text)) firstOfText.set(c.text, c.id);
      canonical.set(c.id, firstOfText.get(c.text)!);
    }
  }
  const idOf = (id: string) => canonical.get(id) ?? id;

  const flagsOf = new Map<string, Set<string>>();
  for (const m of live) for (const r of m.rankings) if (!r.excluded) for (const [id, fl] of Object.entries(r.flags ?? {})) for (const f of fl) (flagsOf.get(idOf(id)) ?? flagsOf.set(idOf(id), new Set()).get(idOf(id))!).add(f);
  const pii = new Set([...flagsOf].filter(([, f]) => f.has("pii")).map(([id]) => id));
  const unsafe = new Set([...flagsOf].filter(([, f]) => f.has("unsafe")).map(([id]) => id));
  const usableOf = (m: CursorPrompt) => m.completions.filter((c) => !pii.has(idOf(c.id)) && c.status !== "rejected" && (!c.isDemonstration || c.status === "approved"));
  const text = new Map<string, string>();
  const generator = new Map<string, string | null>();
  const keep = new Set<string>();
  for (const m of live) {
    for (const c of usableOf(m)) {
      const id = idOf(c.id);
      if (!text.has(id)) {
        text.set(id, c.text);
        generator.set(id, c.generator ?? (c.source === "human" ? "human" : null));
      }
      if (!c.isDemonstration || c.parentId === null) keep.add(id);
    }
  }

  const sftSeen = new Set<string>();
  const pairSeen = new Set<string>();
  const ranked: Ranked[] = [];
  const questions = opts.questions ?? defaultQuestions;
  // Answers of the rankings counted: human ones once the prompt settled, imported ones (UltraFeedback's ratings) as the ranking is.
  const answered: Answers[] = [];
  for (const m of live) {
    const merged = m !== kept;
    const usable = usableOf(m);
    // SFT: approved demonstrations (written, or rewrites of model outputs), never unsafe ones.
    for (const c of usable) {
      const id = idOf(c.id);
      // One row per approved path: a demonstration a later approved turn continues is trained in that turn's row.
      if (c.isDemonstration && c.status === "approved" && !unsafe.has(id) && m.status === "approved" && pathApproved && !c.continued && !sftSeen.has(id)) {
        sftSeen.add(id);
        out.sft.push({ id: rowId(kept.id, id), promptId: kept.id, history, prompt: user, response: c.text, meta: { promptId: kept.id, completionId: id, source: c.parentId ? "rewrite" : "demonstration" } });
        if (merged) out.merged.sft += 1;
      }
    }
    // Rewrites of model outputs are pairs too: rewrite ≻ original.
    for (const c of usable) {
      const [id, parent] = [idOf(c.id), c.parentId ? idOf(c.parentId) : null];
      if (parent && parent !== id && c.isDemonstration && c.status === "approved" && text.has(parent) && !unsafe.has(id) && !pairSeen.has(`${id}>${parent}`)) {
        pairSeen.add(`${id}>${parent}`);
        out.pairs.push({ id: rowId(kept.id, id, parent), promptId: kept.id, history, prompt: user, chosen: c.text, rejected: text.get(parent)!, margin: 1, meta: { promptId: kept.id, chosenId: id, rejectedId: parent, chosenGenerator: "human", rejectedGenerator: generator.get(parent) ?? null, source: "rewrite" } });
        if (merged) out.merged.pairs += 1;
      }
    }
    const rankings = m.rankings.filter((r) => !r.excluded && (opts.includeImported || r.source === "human"));
    // Human rankings count once the prompt settled; imported preferences (hh-rlhf, TRL, judgments) stand on their own.
    const eligible = m.settled || !rankings.some((r) => r.source === "human") ? rankings : [];
    for (const r of eligible) {
      ranked.push({ order: mapOrder(r.order, idOf), weight: r.annotatorId ? (reliability.get(r.annotatorId) ?? 1) : 1, noneAcceptable: r.noneAcceptable, merged });
      if (r.answers && Object.keys(r.answers).length) answered.push(mapAnswerIds(questions, r.answers, idOf));
      if (merged) out.merged.rankings += 1;
    }
  }
  if (!ranked.length) return out;
  const noneAcceptable = ranked.filter((r) => r.noneAcceptable).length * 2 > ranked.length;
  if (noneAcceptable) {
    for (const id of [...keep].sort()) out.unpaired.push({ id: rowId(kept.id, id, "kto"), promptId: kept.id, history, prompt: user, completion: text.get(id)!, label: false, meta: { promptId: kept.id, completionId: id, generator: generator.get(id) ?? null, source: "none_acceptable" } });
    return out;
  }
  // The reward model as one more ranking (settings.rewardAsRanking), as routing counted it (lib/rankings/consensus-state.ts):
  // on a settled prompt that is not "none acceptable", where it scored every output the kept prompt's people ranked.
  const people = kept.rankings.filter((r) => !r.excluded && r.source === "human");
  if (kept.rewardOrder?.length && kept.settled && people.length) {
    const scored = new Set(kept.rewardOrder);
    if (people.every((r) => r.order.flat().every((id) => scored.has(id)))) ranked.push({ order: mapOrder(kept.rewardOrder.map((id) => [id]), idOf), weight: 1, noneAcceptable: false, merged: false });
  }
  const agreement = kendallW(ranked.map((r) => r.order));
  const { rows, consensus, merged } = pairsFor({ id: kept.id, user, history }, ranked, keep, opts, text, generator, unsafe, agreement);
  // Answers to the project's other questions (as of the snapshot): rating pairs, strength margins, KTO rows, metadata.
  const fromAnswers = questions.some((q) => q.type !== "ranking")
    ? questionRows({
        prompt: { id: kept.id, user, history },
        questions,
        answers: answered,
        rankingPairs: rows,
        keep, unsafe, text, generator,
        minMargin: opts.minMargin,
        ktoThreshold: opts.ktoThreshold,
      })
    : { pairs: rows, unpaired: [] };
  out.pairs.push(...fromAnswers.pairs);
  out.unpaired.push(...fromAnswers.unpaired);
  out.merged.pairs += merged;
  if (opts.includeBestModelCompletion && pathApproved && live.some((m) => m.settled) && consensus.length) {
    const best = consensus[0];
    const bestPairs = rows.filter((r) => r.meta.chosenId === best);
    const margin = bestPairs.length ? Math.min(...bestPairs.map((r) => r.margin)) : 0;
    if (!unsafe.has(best) && margin >= opts.minBestMargin && !out.sft.some((s) => s.response === text.get(best))) {
      out.sft.push({ id: rowId(kept.id, best, "best"), promptId: kept.id, history, prompt: user, response: text.get(best)!, meta: { promptId: kept.id, completionId: best, source: "consensus-best", margin } });
    }
  }
  return out;
}
