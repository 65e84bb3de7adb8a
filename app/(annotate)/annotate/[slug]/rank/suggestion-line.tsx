// The reward model's order for a task the annotator has submitted (never before): output letters best first and the
// top-two margin. Only where the project shows suggestions after submitting (the server leaves it out otherwise).
import { useFormatter, useTranslations } from "next-intl";
import type { AnnotatorSuggestion } from "@/lib/suggestions/suggestions";
import type { Output } from "./work";

/** The suggestion in the outputs' letters, as the annotator saw them; made while the task's outputs are at hand. */
export type ShownSuggestion = { label: string; order: string; margin: number | null };

/**
 * The suggestion over the outputs this annotator was shown, in their letters. The server's order covers every scored
 * output of the prompt (a prompt may hold more than the K shown, and a rewrite is not scored yet): outputs not shown
 * are left out, and the margin (between the top two of the whole order) is kept only when those two were both shown.
 * Nothing when fewer than two shown outputs are scored.
 */
export function shownSuggestion(s: AnnotatorSuggestion | null | undefined, outputs: Output[]): ShownSuggestion | null {
  if (!s) return null;
  const letter = new Map(outputs.map((o) => [o.id, o.label]));
  const shown = s.order.filter((id) => letter.has(id));
  if (shown.length < 2) return null;
  const topTwoShown = s.order.length >= 2 && letter.has(s.order[0]) && letter.has(s.order[1]);
  return { label: s.label, order: shown.map((id) => letter.get(id)!).join(" > "), margin: topTwoShown ? s.margin : null };
}

/**
 * `saved`: just after a submit, above the next task (whose letters name other outputs), so the line says which ranking
 * it is about and is announced; `revise`: on the revise screen, beside the outputs it names.
 */
export function SuggestionLine({ suggestion, context }: { suggestion: ShownSuggestion; context: "saved" | "revise" }) {
  const t = useTranslations("rank.suggestion");
  const format = useFormatter();
  const margin = suggestion.margin === null ? "—" : format.number(suggestion.margin, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (
    <p
      data-testid="rank-suggestion"
      data-context={context}
      role={context === "saved" ? "status" : undefined}
      title={t("title", { label: suggestion.label })}
      className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:bg-slate-800/60 dark:text-slate-300"
    >
      {t.rich("line", {
        context,
        order: suggestion.order,
        margin,
        b: (chunks) => (
          <bdi dir="ltr" data-testid="rank-suggestion-order" className="font-mono font-medium">
            {chunks}
          </bdi>
        ),
      })}
    </p>
  );
}
