// "Retrain now": stage, base model, snapshot, hyperparameters, LoRA or full fine-tuning and a pilot run; errors beside
// their fields; opens the new run.
"use client";
import { useState } from "react";
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

const hyperFields = [
  { name: "steps", label: "Steps", step: "1", value: "200" },
  { name: "lr", label: "Learning rate", step: "any", value: "0.0003" },
  { name: "batch", label: "Batch size", step: "1", value: "8" },
  { name: "beta", label: "DPO beta", step: "any", value: "0.1" },
  { name: "seed", label: "Seed", step: "1", value: "1" },
] as const;

function snapshotLabel(s: Options["snapshots"][number]) {
  const pairs = Object.entries(s.counts)
    .filter(([f]) => f.startsWith("preference."))
    .reduce((n, [, c]) => n + c, 0);
  const sft = Object.entries(s.counts)
    .filter(([f]) => f.startsWith("sft."))
    .reduce((n, [, c]) => n + c, 0);
  return `${s.createdAt.slice(0, 16).replace("T", " ")} · ${pairs} pairs, ${sft} SFT · ${s.id.slice(0, 8)}`;
}

export function RetrainForm({ projectSlug, options, busy }: { projectSlug: string; options: Options; busy: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [base, setBase] = useState("active");
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
          A run is queued or running for this project; a new one can start when it ends or is cancelled.
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Stage" name="stage" error={fieldErrors.stage}>
          <select name="stage" data-testid="field-stage" defaultValue="sft+dpo" className={inputClass}>
            <option value="sft+dpo">SFT, then DPO (the stages the data has)</option>
            <option value="sft">SFT only</option>
            <option value="dpo">DPO only</option>
            <option value="rm">Reward model (scores outputs; suggestions and routing)</option>
          </select>
        </Field>
        <Field label="Start from" name="base" error={fieldErrors.base}>
          <select name="base" data-testid="field-base" value={base} onChange={(e) => setBase(e.target.value)} className={inputClass}>
            <option value="active">The active version{options.versions.some((v) => v.isActive) ? "" : ` (none yet: ${options.projectBase ?? "tiny"})`}</option>
            <option value="tiny">tiny preset (fresh weights)</option>
            <option value="small">small preset (fresh weights)</option>
            {options.baseModels.map((m) => (
              <option key={m.id} value={`model:${m.id}`}>
                {m.name} (imported{m.family ? `, ${m.family}` : ""})
              </option>
            ))}
            {options.versions.map((v) => (
              <option key={v.id} value={v.id}>
                {v.label}
                {v.isActive ? " (active)" : ""}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Training data" name="snapshotId" error={fieldErrors.snapshotId}>
          <select name="snapshotId" data-testid="field-snapshotId" defaultValue="fresh" className={inputClass}>
            <option value="fresh">A fresh export when the run starts</option>
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
            label={f.label}
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
        <Field label="Context length (optional)" name="blockSize" type="number" step="1" placeholder="the model's" error={fieldErrors["hyperparameters.blockSize"]} />
      </div>
      <FinetuneFields loraAllowed={options.loraBases.includes(base)} fieldErrors={fieldErrors} />
      {fieldErrors.hyperparameters && <FormError message={fieldErrors.hyperparameters.join(" ")} />}
      <FormError message={error} />
      <SubmitButton pending={pending} testId="retrain-submit">
        Retrain now
      </SubmitButton>
    </form>
  );
}
