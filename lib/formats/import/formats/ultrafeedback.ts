// UltraFeedback rows (openbmb/UltraFeedback): {instruction, completions: [{model, response, annotations: {aspect: {Rating, Rationale}}, critique, overall_score}]}.
import { z } from "zod";
import { anyText, defineRowFormat, nonEmptyText, optionalText, rowObject } from "./fields";

/** "1"–"5" as the dataset writes it (numbers accepted too); "N/A" is no rating for that aspect. */
const rating = z.union([z.number(), z.string()], { error: "expected a rating 1–5 or \"N/A\"" }).transform((v, ctx) => {
  if (v === "N/A") return null;
  const n = typeof v === "number" ? v : Number(v.trim());
  if (!Number.isInteger(n) || n < 1 || n > 5) {
    ctx.addIssue({ code: "custom", message: `expected a rating 1–5 or "N/A", got ${JSON.stringify(v).slice(0, 40)}` });
    return z.NEVER;
  }
  return n;
});
const annotation = z.object({ Rating: rating, Rationale: z.string({ error: "expected a string" }).nullish() }, { error: "expected {Rating, Rationale}" });

export const importUltraFeedbackRowInput = rowObject({
  source: optionalText,
  instruction: nonEmptyText,
  completions: z
    .array(
      z.object(
        {
          model: nonEmptyText,
          response: anyText,
          principle: optionalText,
          // helpfulness, honesty, instruction_following, truthfulness (some rows carry a list of one annotation)
          annotations: z.record(z.string(), z.preprocess((v) => (Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v), annotation), { error: "expected {aspect: {Rating, Rationale}}" }),
          critique: optionalText,
          overall_score: z.number({ error: "expected a number" }).nullish(),
        },
        { error: "expected a completion {model, response, annotations}" },
      ),
      { error: "expected a list of completions" },
    )
    .min(1, "expected at least one completion"),
});
type Row = z.infer<typeof importUltraFeedbackRowInput>;

/** Mean of a completion's aspect ratings ("N/A" left out), as ultrafeedback_binarized scores a completion; null when it has none. */
export function meanAspectRating(c: Row["completions"][number]): number | null {
  const rs = Object.values(c.annotations).map((a) => a.Rating).filter((r): r is number => r !== null);
  return rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : null;
}

/**
 * One prompt with its completions (attributed to their models); the ranking orders them by mean aspect rating, equal
 * means tied, completions without any rating left out (null when fewer than two are rated); with it go the per-aspect
 * ratings (`ratings`), stored as that ranking's answer to the project's rating question. The per-aspect ratings,
 * rationales, critiques and overall scores stay in meta.ultrafeedback, one entry per completion.
 */
export const ultraFeedbackFormat = defineRowFormat("ultrafeedback", importUltraFeedbackRowInput, (row) => {
  const means = row.completions.map(meanAspectRating);
  const rated = [...new Set(means.filter((m): m is number => m !== null))].sort((a, b) => b - a);
  const ranking = rated.map((m) => means.flatMap((x, i) => (x === m ? [i] : [])));
  return {
    instruction: row.instruction,
    input: null,
    category: null,
    completions: row.completions.map((c) => ({ text: c.response, source: "import" as const, generator: c.model })),
    ranking: means.filter((m) => m !== null).length >= 2 ? ranking : null,
    // each aspect's rating ("N/A" left out), the answer of the imported ranking to the project's rating question
    ratings: {
      min: 1,
      max: 5,
      byCompletion: row.completions.map((c) => Object.fromEntries(Object.entries(c.annotations).flatMap(([k, a]) => (a.Rating === null ? [] : [[k, a.Rating]])))),
    },
    meta: {
      dataset: row.source,
      ultrafeedback: row.completions.map((c, i) => ({
        model: c.model,
        ratings: Object.fromEntries(Object.entries(c.annotations).map(([k, a]) => [k, a.Rating])),
        rationales: Object.fromEntries(Object.entries(c.annotations).map(([k, a]) => [k, a.Rationale ?? null])),
        critique: c.critique,
        overallScore: c.overall_score ?? null,
        meanRating: means[i],
      })),
    },
  };
});
