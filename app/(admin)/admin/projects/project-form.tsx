// The project form, for creating (with a slug) and editing (slug fixed): name, guidelines, categories, settings.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { createProject, updateProject } from "./actions";
import { LauncherFields, launcherFromForm } from "./launcher-fields";
import type { LauncherSettings, Question } from "@/db/schema";
import { QuestionsFields } from "./questions-fields";

export type ProjectFormValues = {
  slug: string;
  name: string;
  guidelines: string;
  categories: string[];
  settings: { k: number; overlap: number; minOverlap?: number; maxOverlap?: number; agreementThreshold: number; routingSignal?: "agreement" | "confidence"; goldRate: number; reviseHours: number; leaseMinutes: number; temperature?: number; topP?: number; maxNewTokens?: number; tooFastSeconds?: number; queueOrder?: string[]; generateOnPromote?: boolean; rewardMarginThreshold?: number; showSuggestionsAfterSubmit?: boolean; launcher?: LauncherSettings | null; questions?: Question[] };
};

const settingFields: Array<{ name: Exclude<keyof ProjectFormValues["settings"], "queueOrder" | "generateOnPromote" | "showSuggestionsAfterSubmit" | "launcher" | "questions" | "routingSignal">; label: string; step: string }> = [
  { name: "k", label: "Outputs per ranking (k, 2–9)", step: "1" },
  { name: "overlap", label: "Rankings per prompt (1–20)", step: "1" },
  { name: "minOverlap", label: "Routing: rankings an agreeing prompt stops at (2–20; blank: fixed overlap)", step: "1" },
  { name: "maxOverlap", label: "Routing: most rankings a disagreeing prompt gets (2–50)", step: "1" },
  { name: "agreementThreshold", label: "Agreement threshold (0–1)", step: "0.05" },
  { name: "goldRate", label: "Gold rate (0–1)", step: "0.01" },
  { name: "reviseHours", label: "Revise window (hours)", step: "1" },
  { name: "leaseMinutes", label: "Task lease (minutes)", step: "1" },
  { name: "temperature", label: "Sampling temperature (0–2)", step: "0.05" },
  { name: "topP", label: "Sampling top-p (0–1)", step: "0.01" },
  { name: "maxNewTokens", label: "Max new tokens per output", step: "1" },
  { name: "tooFastSeconds", label: "Flag annotators faster than (median seconds per ranking)", step: "0.5" },
  { name: "rewardMarginThreshold", label: "Routing: reward-model margin below which the top two count as tied (blank: off)", step: "0.05" },
];

export function ProjectForm({ mode, initial }: { mode: "create" | "edit"; initial: ProjectFormValues }) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setSaved(false);
      const values: Record<string, unknown> = Object.fromEntries(
        ["name", "guidelines", "categories", "queueOrder", "routingSignal", ...settingFields.map((f) => f.name)].map((k) => [k, formText(form, k)]),
      );
      values.generateOnPromote = form.get("generateOnPromote") ? "true" : "false";
      values.showSuggestionsAfterSubmit = form.get("showSuggestionsAfterSubmit") ? "true" : "false";
      values.launcher = launcherFromForm(form);
      values.questions = formText(form, "questions");
      return mode === "create" ? createProject({ slug: formText(form, "slug"), ...values }) : updateProject({ slug: initial.slug, ...values });
    },
    (project) => {
      if (mode === "create") return router.push(`/admin/projects/${project.slug}`);
      setSaved(true);
      router.refresh();
    },
  );
  return (
    <form className="space-y-4" data-testid={`project-form-${mode}`} onSubmit={onSubmit}>
      <div className="grid gap-4 sm:grid-cols-2">
        {mode === "create" ? (
          <Field label="Slug (lowercase letters, digits, dashes)" name="slug" defaultValue={initial.slug} error={fieldErrors.slug} required />
        ) : (
          <p className="text-sm">
            Slug: <code data-testid="project-slug">{initial.slug}</code>
          </p>
        )}
        <Field label="Name" name="name" defaultValue={initial.name} error={fieldErrors.name} required />
      </div>
      <Field label="Guidelines (Markdown)" name="guidelines" error={fieldErrors.guidelines}>
        <textarea name="guidelines" data-testid="field-guidelines" rows={8} defaultValue={initial.guidelines} className={`${inputClass} font-mono`} />
      </Field>
      <Field label="Task categories (one per line, or comma-separated)" name="categories" error={fieldErrors.categories}>
        <textarea name="categories" data-testid="field-categories" rows={6} defaultValue={initial.categories.join("\n")} className={inputClass} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        {settingFields.map((f) => (
          <Field key={f.name} label={f.label} name={f.name} type="number" step={f.step} defaultValue={String(initial.settings[f.name] ?? "")} error={fieldErrors[f.name]} />
        ))}
        <Field label="Routing: what the agreement threshold is compared with" name="routingSignal" error={fieldErrors.routingSignal}>
          <select name="routingSignal" data-testid="field-routingSignal" defaultValue={initial.settings.routingSignal ?? "agreement"} className={inputClass}>
            <option value="agreement">Agreement (Kendall&apos;s W)</option>
            <option value="confidence">Pairwise confidence (fewer rankings in the routing bench; threshold about 0.8)</option>
          </select>
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Next-task order, most urgent first (gate, active, routing, backlog; version:<label> or import:<id> pins a batch)" name="queueOrder" error={fieldErrors.queueOrder}>
          <input
            name="queueOrder"
            data-testid="field-queueOrder"
            defaultValue={(initial.settings.queueOrder ?? []).join(", ")}
            placeholder="gate, active, routing, backlog"
            aria-invalid={fieldErrors.queueOrder ? true : undefined}
            className={inputClass}
          />
        </Field>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="generateOnPromote" data-testid="field-generateOnPromote" defaultChecked={initial.settings.generateOnPromote !== false} />
          Promoting a version queues outputs from it to rank
        </label>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="showSuggestionsAfterSubmit" data-testid="field-showSuggestionsAfterSubmit" defaultChecked={initial.settings.showSuggestionsAfterSubmit === true} />
          Annotators see the reward model&apos;s suggested order after they submit
        </label>
      </div>
      <QuestionsFields initial={initial.settings.questions} fieldErrors={fieldErrors} />
      <LauncherFields initial={initial.settings.launcher} fieldErrors={fieldErrors} />
      <FormError message={error} />
      {saved && (
        <p role="status" data-testid="project-saved" className="text-sm text-green-700 dark:text-green-400">
          Saved.
        </p>
      )}
      <SubmitButton pending={pending} testId={mode === "create" ? "project-create" : "project-save"}>
        {mode === "create" ? "Create project" : "Save changes"}
      </SubmitButton>
    </form>
  );
}
