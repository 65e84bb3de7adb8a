// The imported base models: status while the import job runs, the trainer's reason when it failed, the shape once ready.
import { useFormatter, useTranslations } from "next-intl";
import type { BaseModelView } from "@/lib/runs/base-models";
import { formatTime } from "../training/format";

const badge: Record<BaseModelView["status"], string> = {
  importing: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  ready: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
};

export function BaseModelList({ models }: { models: BaseModelView[] }) {
  const t = useTranslations("models.base");
  const format = useFormatter();
  if (!models.length)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-base-models">
        {t("none")}
      </p>
    );
  return (
    <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="base-models">
      {models.map((m) => (
        <li key={m.id} className="py-2 text-sm" data-testid={`base-model-${m.name}`}>
          <div className="flex flex-wrap items-baseline gap-2">
            <span className="font-medium">{m.name}</span>
            <span className={`rounded px-1.5 py-0.5 text-xs ${badge[m.status]}`} data-testid="base-model-status">
              {t(m.status)}
            </span>
            {m.family && <span className="text-xs text-slate-500">{m.family}{m.lora ? " · LoRA" : ""}</span>}
            {m.shape && (
              <span className="text-xs tabular-nums text-slate-500">
                {t("shape", { layers: m.shape.layers ?? 0, width: m.shape.width ?? 0, context: m.shape.context ?? 0, vocabulary: m.shape.vocabulary ?? 0 })}
              </span>
            )}
            <span className="ms-auto text-xs text-slate-500">{formatTime(m.finishedAt ?? m.createdAt, format)}</span>
          </div>
          <div className="font-mono text-xs text-slate-500">{m.sourcePath}</div>
          {m.error && (
            <p className="mt-1 text-xs text-red-700 dark:text-red-400" data-testid="base-model-error">
              {m.error}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
