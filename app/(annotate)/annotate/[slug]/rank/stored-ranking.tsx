// Shown when a submission was not saved because the task had been submitted elsewhere: what is stored, plainly.
import { useFormatter, useTranslations } from "next-intl";
import type { StoredRanking } from "@/lib/rankings/submit";
import type { Output } from "./work";

export function StoredRankingNotice({ stored, outputs, onNext }: { stored: StoredRanking; outputs: Output[]; onNext: () => void }) {
  const byId = new Map(outputs.map((o) => [o.id, o]));
  const label = (id: string) => byId.get(id)?.label ?? "?";
  const t = useTranslations("rank.stored");
  const format = useFormatter();
  return (
    <div role="alert" data-testid="already-submitted" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40">
      <p className="font-medium">{t("title")}</p>
      <p>
        {t("since", { when: format.dateTime(new Date(stored.submittedAt), { dateStyle: "medium", timeStyle: "short" }) })}{" "}
        <span data-testid="stored-order" className="font-mono">
          {stored.order.map((g) => g.map(label).join(" = ")).join(" > ")}
        </span>
        {stored.noneAcceptable && ` ${t("noneAcceptable")}`}
      </p>
      <button type="button" data-testid="stored-next" onClick={onNext} className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-500">
        {t("next")}

      </button>
    </div>
  );
}
