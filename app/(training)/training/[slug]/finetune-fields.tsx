// The fine-tuning part of the retrain and schedule forms: LoRA (rank, alpha, target projections; Llama-family bases
// only) or full fine-tuning, and an optional pilot run on a share of the snapshot. Defaults are the run contract's.
"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { Field, formText } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { LORA_DEFAULTS, LORA_TARGETS, PILOT_DEFAULT_SHARE, type LoraOptions } from "@/lib/validation/runs-finetune";

export type FinetuneDefaults = { lora?: LoraOptions; pilot?: number };

/** The form's LoRA and pilot fields as the run's hyperparameters (left for zod to judge; a bad number names its field). */
export function finetuneFromForm(form: FormData): { lora?: Record<string, unknown>; pilot?: unknown } {
  const out: { lora?: Record<string, unknown>; pilot?: unknown } = {};
  if (form.get("lora") === "on") out.lora = { rank: formText(form, "loraRank"), alpha: formText(form, "loraAlpha"), targets: form.getAll("loraTargets").map(String) };
  if (form.get("pilot") === "on") {
    const pct = formText(form, "pilotPercent").trim();
    out.pilot = pct !== "" && Number.isFinite(Number(pct)) ? Number(pct) / 100 : pct;
  }
  return out;
}

export function FinetuneFields({ loraAllowed, fieldErrors, defaults = {} }: { loraAllowed: boolean; fieldErrors: FieldErrors; defaults?: FinetuneDefaults }) {
  const t = useTranslations("training.finetune");
  const [lora, setLora] = useState(!!defaults.lora);
  const [pilot, setPilot] = useState(defaults.pilot !== undefined);
  const l = defaults.lora ?? LORA_DEFAULTS;
  const loraErrors = Object.entries(fieldErrors).filter(([k]) => k === "hyperparameters.lora" || k === "hyperparameters.lora.targets");
  return (
    <div className="space-y-3 rounded-md border border-slate-200 p-3 dark:border-slate-800" data-testid="finetune-fields">
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="lora" data-testid="field-lora" checked={lora} onChange={(e) => setLora(e.target.checked)} />
        {t("lora")}
      </label>
      {!loraAllowed && !lora && <p className="text-xs text-slate-500" data-testid="lora-note">{t("loraNote")}</p>}
      {lora && (
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label={t("rank")} name="loraRank" type="number" step="1" defaultValue={String(l.rank)} error={fieldErrors["hyperparameters.lora.rank"]} />
          <Field label={t("alpha")} name="loraAlpha" type="number" step="any" defaultValue={String(l.alpha)} error={fieldErrors["hyperparameters.lora.alpha"]} />
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">{t("targets")}</legend>
            <div className="flex flex-wrap gap-2 text-sm">
              {LORA_TARGETS.map((target) => (
                <label key={target} className="flex items-center gap-1">
                  <input type="checkbox" name="loraTargets" value={target} data-testid={`field-loraTargets-${target}`} defaultChecked={(l.targets as readonly string[]).includes(target)} />
                  {target}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
      )}
      {loraErrors.map(([k, msgs]) => (
        <p key={k} role="alert" data-testid={`error-${k}`} className="text-sm text-red-600 dark:text-red-400">
          {msgs.join(" ")}
        </p>
      ))}
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="pilot" data-testid="field-pilot" checked={pilot} onChange={(e) => setPilot(e.target.checked)} />
        {t("pilot")}
      </label>
      {pilot && (
        <div className="grid gap-3 sm:grid-cols-3">
          <Field label={t("pilotShare")} name="pilotPercent" type="number" step="any" defaultValue={String(Math.round((defaults.pilot ?? PILOT_DEFAULT_SHARE) * 1000) / 10)} error={fieldErrors["hyperparameters.pilot"]} />
        </div>
      )}
    </div>
  );
}
