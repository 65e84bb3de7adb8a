// Export rows from a prompt's answers to the project's questions: rating pairs (as ultrafeedback_binarized), strength margins, KTO rows by a rating threshold, critiques and span labels in row metadata.
import { hash } from "node:crypto";
import type { Answers, PairwiseAnswer, Question, RatingAnswer, SpanAnswer } from "@/db/schema/questions";
import { promptQuestionConsensus } from "@/lib/consensus/questions";
import type { PairRow, UnpairedRow } from "./curate";

type Message = { role: "system" | "user" | "assistant"; content: string };

const rowId = (...parts: string[]) => hash("sha256", parts.join("\u0000"), "hex").slice(0, 16);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const byId = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Answers with every completion id mapped through `idOf` (duplicate texts are one completion in an export). */
export function mapAnswerIds(questions: Question[], answers: Answers, idOf: (id: string) => string): Answers {
  const out: Answers = {};
  for (const q of questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    if (q.type === "rating") out[q.id] = Object.fromEntries(Object.entries(a as RatingAnswer).map(([id, r]) => [idOf(id), r]));
    else if (q.type === "pairwise") out[q.id] = { ...(a as PairwiseAnswer), a: idOf((a as PairwiseAnswer).a), b: idOf((a as PairwiseAnswer).b) };
    else if (q.type === "span") out[q.id] = (a as SpanAnswer[]).map((s) => ({ ...s, completionId: idOf(s.completionId) }));
    else out[q.id] = a;
  }
  return out;
}

export type QuestionRowsInput = {
  /** history: the conversation before the user turn, where the prompt continues one */
  prompt: { id: string; user: string; history?: Message[] };
  questions: Question[];
  /** one per eligible ranking, ids already mapped */
  answers: Answers[];
  /** pairs the ranking gave (consensus order) */
  rankingPairs: PairRow[];
  keep: Set<string>;
  unsafe: Set<string>;
  text: Map<string, string>;
  generator: Map<string, string | null>;
  minMargin: number;
  /** a completion whose mean rating is at least this is a desirable KTO row, below it an undesirable one; absent: no KTO rows from ratings */
  ktoThreshold?: number;
};

/**
 * The prompt's pairs and KTO rows once its answers are counted. With ratings, pairs come from them instead of the ranking:
 * the completion of highest mean rating (mean over criteria of each criterion's mean; ties by id; never an unsafe one)
 * is chosen against every completion rated lower, margin = the rating gap. A strength question's Bradley–Terry margin
 * replaces the margin of a pair it compares in the same direction; with neither ranking nor rating pairs, its pairs
 * stand on their own. Every pair's meta carries the critiques (text answers), the span labels of its two completions
 * and their mean ratings.
 */
export function questionRows(input: QuestionRowsInput): { pairs: PairRow[]; unpaired: UnpairedRow[] } {
  const { prompt, keep, unsafe, text, generator } = input;
  const consensus = promptQuestionConsensus(input.questions, input.answers);
  const rating = consensus.find((c) => c.type === "rating" && Object.keys(c.overall).length > 0);
  const overall = rating?.type === "rating" ? rating.overall : null;
  const strength = consensus.find((c) => c.type === "pairwise");
  const critiques = Object.fromEntries(consensus.flatMap((c) => (c.type === "text" && c.texts.length ? [[c.id, c.texts]] : [])));
  const spans = consensus.flatMap((c) => (c.type === "span" ? c.spans.map((s) => ({ question: c.id, ...s })) : []));
  const spansOf = (id: string) => spans.filter((s) => s.completionId === id).map(({ completionId: _, ...s }) => s);

  const pairRow = (chosen: string, rejected: string, margin: number, meta: Record<string, unknown>): PairRow => ({
    id: rowId(prompt.id, chosen, rejected),
    promptId: prompt.id,
    ...(prompt.history ? { history: prompt.history } : {}),
    prompt: prompt.user,
    chosen: text.get(chosen)!,
    rejected: text.get(rejected)!,
    margin,
    meta: { promptId: prompt.id, chosenId: chosen, rejectedId: rejected, chosenGenerator: generator.get(chosen) ?? null, rejectedGenerator: generator.get(rejected) ?? null, ...meta },
  });

  let pairs = input.rankingPairs;
  const scored = overall ? [...keep].filter((id) => overall[id] !== undefined).sort((x, y) => overall[y] - overall[x] || byId(x, y)) : [];
  if (overall && scored.length >= 2) {
    const best = scored.find((id) => !unsafe.has(id));
    pairs = best === undefined ? [] : scored.filter((id) => overall[id] < overall[best]).map((id) => pairRow(best, id, round6(overall[best] - overall[id]), { source: "rating" }));
  }
  if (strength?.type === "pairwise") {
    const marginOf = (chosen: string, rejected: string) => {
      const p = strength.pairs.find((s) => (s.a === chosen && s.b === rejected) || (s.a === rejected && s.b === chosen));
      return p ? { margin: p.a === chosen ? p.margin : -p.margin, meanStrength: p.a === chosen ? p.meanStrength : -p.meanStrength, n: p.n } : null;
    };
    pairs = pairs.map((r) => {
      const s = marginOf(r.meta.chosenId as string, r.meta.rejectedId as string);
      return s && s.margin > 0 ? { ...r, margin: round6(s.margin), meta: { ...r.meta, strength: { meanStrength: round6(s.meanStrength), n: s.n } } } : r;
    });
    if (!pairs.length && !scored.length) {
      for (const p of strength.pairs) {
        if (p.margin === 0 || !keep.has(p.a) || !keep.has(p.b)) continue;
        const [chosen, rejected] = p.margin > 0 ? [p.a, p.b] : [p.b, p.a];
        if (unsafe.has(chosen)) continue;
        pairs.push(pairRow(chosen, rejected, round6(Math.abs(p.margin)), { source: "strength", strength: { meanStrength: round6(Math.abs(p.meanStrength)), n: p.n } }));
      }
    }
  }
  pairs = pairs
    .filter((r) => r.margin >= input.minMargin)
    .map((r) => {
      const [c, x] = [r.meta.chosenId as string, r.meta.rejectedId as string];
      const extra: Record<string, unknown> = {};
      if (overall && overall[c] !== undefined && overall[x] !== undefined) extra.ratings = { chosen: round6(overall[c]), rejected: round6(overall[x]) };
      if (Object.keys(critiques).length) extra.critiques = critiques;
      if (spansOf(c).length || spansOf(x).length) extra.spans = { chosen: spansOf(c), rejected: spansOf(x) };
      return Object.keys(extra).length ? { ...r, meta: { ...r.meta, ...extra } } : r;
    });

  const unpaired: UnpairedRow[] = [];
  if (overall && input.ktoThreshold !== undefined) {
    for (const id of [...scored].sort(byId)) {
      const desirable = overall[id] >= input.ktoThreshold && !unsafe.has(id);
      unpaired.push({
        id: rowId(prompt.id, id, "kto-rating"),
        promptId: prompt.id,
        ...(prompt.history ? { history: prompt.history } : {}),
        prompt: prompt.user,
        completion: text.get(id)!,
        label: desirable,
        meta: { promptId: prompt.id, completionId: id, generator: generator.get(id) ?? null, source: "rating", rating: round6(overall[id]), threshold: input.ktoThreshold, ...(spansOf(id).length ? { spans: spansOf(id) } : {}), ...(Object.keys(critiques).length ? { critiques } : {}) },
      });
    }
  }
  return { pairs, unpaired };
}
