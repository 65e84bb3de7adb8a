// "Retrain now": stage, base model, snapshot, hyperparameters, LoRA or full fine-tuning and a pilot run; errors beside
// their fields; opens the new run.
"use client";
import { useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, inputClass, asyncHandler } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { startRun } from "../actions";
import { FinetuneFields, finetuneFromForm } from "./finetune-fields";

type Options = {
  snapshots: Array<{ id: string; createdAt: string; counts: Record<string, number> }>;
  versions: Array<{ id: string; label: string; isActive: boolean }>;
  /** ready imported base models, offered as `model:ID` */
  baseModels: Array<{ id: string; name: string; family: string | null }>;
  /** the project's picked base (where "active" starts while no version is active) */
  projectBase: string | null;
  /** base values (`active`, version ids, `model:ID`) whose model is Llama-family: LoRA is offered for these */
  loraBases: string[];
};

// Each field's label is the catalog's training.retrain.<name>.
const hyperFields = [
  { name: "steps", step: "1", value: "200" },
  { name: "lr", step: "any", value: "0.0003" },
  { name: "batch", step: "1", value: "8" },
  { name: "beta", step: "any", value: "0.1" },
  { name: "seed", step: "1", value: "1" },
] as const;

/** A snapshot's option: when it was made, its pairs and SFT examples, its id. */
function snapshotCounts(s: Options["snapshots"][number]) {
  const pairs = Object.entries(s.counts)
    .filter(([f]) => f.startsWith("preference."))
    .reduce((n, [, c]) => n + c, 0);
  const sft = Object.entries(s.counts)
    .filter(([f]) => f.startsWith("sft."))
    .reduce((n, [, c]) => n + c, 0);
  return { pairs, sft };
}

export function RetrainForm({ projectSlug, options, busy }: { projectSlug: string; options: Options; busy: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [base, setBase] = useState("active");
  const t = useTranslations("training.retrain");
  const format = useFormatter();
  const snapshotLabel = (s: Options["snapshots"][number]) =>
    t("snapshotLabel", { ...snapshotCounts(s), when: format.dateTime(new Date(s.createdAt), { dateStyle: "medium", timeStyle: "short" }), id: s.id.slice(0, 8) });
  return (
    <form
      className="space-y-4"
      data-testid="retrain-form"
      onSubmit={asyncHandler(async (e) => {
        e.preventDefault();
        setPending(true);
        const form = new FormData(e.currentTarget);
        const snapshot = formText(form, "snapshotId", "fresh");
        const blockSize = formText(form, "blockSize").trim();
        const res = await startRun({
          projectSlug,
          stage: formText(form, "stage"),
          base: formText(form, "base"),
          ...(snapshot === "fresh" ? {} : { snapshotId: snapshot }),
          hyperparameters: {
            ...Object.fromEntries(hyperFields.map((f) => [f.name, formText(form, f.name)])),
            ...(blockSize ? { blockSize } : {}),
            ...finetuneFromForm(form),
          },
        });
        if (res.ok) {
          router.push(`/training/runs/${res.data.id}`);
          return;
        }
        setPending(false);
        setError(res.error);
        setFieldErrors(res.fieldErrors ?? {});
      })}
    >
      {busy && (
        <p className="text-sm text-amber-700 dark:text-amber-400" data-testid="run-busy">
          {t("busy")}
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label={t("stage")} name="stage" error={fieldErrors.stage}>
          <select name="stage" data-testid="field-stage" defaultValue="sft+dpo" className={inputClass}>
            <option value="sft+dpo">{t("stageSftDpo")}</option>
            <option value="sft">{t("stageSft")}</option>
            <option value="dpo">{t("stageDpo")}</option>
            <option value="rm">{t("stageRm")}</option>
          </select>
        </Field>
        <Field label={t("startFrom")} name="base" error={fieldErrors.base}>
          <select name="base" data-testid="field-base" value={base} onChange={(e) => setBase(e.target.value)} className={inputClass}>
            <option value="active">{options.versions.some((v) => v.isActive) ? t("active") : t("activeNone", { base: options.projectBase ?? "tiny" })}</option>
            <option value="tiny">{t("tiny")}</option>
            <option value="small">{t("small")}</option>
            {options.baseModels.map((m) => (
              <option key={m.id} value={`model:${m.id}`}>
                {m.family ? t("importedFamily", { name: m.name, family: m.family }) : t("imported", { name: m.name })}
              </option>
            ))}
            {options.versions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.isActive ? t("versionActive", { label: v.label }) : v.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("data")} name="snapshotId" error={fieldErrors.snapshotId}>
          <select name="snapshotId" data-testid="field-snapshotId" defaultValue="fresh" className={inputClass}>
            <option value="fresh">{t("freshExport")}</option>
            {options.snapshots.map((s) => (
              <option key={s.id} value={s.id}>
                {snapshotLabel(s)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-5">
        {hyperFields.map((f) => (
          <Field
            key={f.name}
            label={t(f.name)}
            name={f.name}
            type="number"
            step={f.step}
            defaultValue={f.value}
            error={fieldErrors[`hyperparameters.${f.name}`]}
            required
          />
        ))}
      </div>
      <div className="grid gap-4 sm:grid-cols-5">
        <Field label={t("blockSize")} name="blockSize" type="number" step="1" placeholder={t("blockSizePlaceholder")} error={fieldErrors["hyperparameters.blockSize"]} />
      </div>
      <FinetuneFields loraAllowed={options.loraBases.includes(base)} fieldErrors={fieldErrors} />
      {fieldErrors.hyperparameters && <FormError message={fieldErrors.hyperparameters.join(" ")} />}
      <FormError message={error} />
      <SubmitButton pending={pending} testId="retrain-submit">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
