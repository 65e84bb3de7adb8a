// The project form, for creating (with a slug) and editing (slug fixed): name, guidelines, categories, settings.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
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
  settings: { k: number; overlap: number; minOverlap?: number; maxOverlap?: number; agreementThreshold: number; routingSignal?: "agreement" | "confidence"; goldRate: number; reviseHours: number; leaseMinutes: number; temperature?: number; topP?: number; maxNewTokens?: number; tooFastSeconds?: number; queueOrder?: string[]; generateOnPromote?: boolean; rewardMarginThreshold?: number; showSuggestionsAfterSubmit?: boolean; rewardAsRanking?: boolean; launcher?: LauncherSettings | null; questions?: Question[] };
};

/** The numeric settings; each label is the catalog's admin.projectForm.settings.<name>. */
const settingFields: Array<{ name: Exclude<keyof ProjectFormValues["settings"], "queueOrder" | "generateOnPromote" | "showSuggestionsAfterSubmit" | "rewardAsRanking" | "launcher" | "questions" | "routingSignal">; step: string }> = [
  { name: "k", step: "1" },
  { name: "overlap", step: "1" },
  { name: "minOverlap", step: "1" },
  { name: "maxOverlap", step: "1" },
  { name: "agreementThreshold", step: "0.05" },
  { name: "goldRate", step: "0.01" },
  { name: "reviseHours", step: "1" },
  { name: "leaseMinutes", step: "1" },
  { name: "temperature", step: "0.05" },
  { name: "topP", step: "0.01" },
  { name: "maxNewTokens", step: "1" },
  { name: "tooFastSeconds", step: "0.5" },
  { name: "rewardMarginThreshold", step: "0.05" },
];

export function ProjectForm({ mode, initial }: { mode: "create" | "edit"; initial: ProjectFormValues }) {
  const router = useRouter();
  const t = useTranslations("admin.projectForm");
  const [saved, setSaved] = useState(false);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setSaved(false);
      const values: Record<string, unknown> = Object.fromEntries(
        ["name", "guidelines", "categories", "queueOrder", "routingSignal", ...settingFields.map((f) => f.name)].map((k) => [k, formText(form, k)]),
      );
      values.generateOnPromote = form.get("generateOnPromote") ? "true" : "false";
      values.showSuggestionsAfterSubmit = form.get("showSuggestionsAfterSubmit") ? "true" : "false";
      values.rewardAsRanking = form.get("rewardAsRanking") ? "true" : "false";
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
          <Field label={t("slug")} name="slug" defaultValue={initial.slug} error={fieldErrors.slug} required />
        ) : (
          <p className="text-sm">
            {t.rich("slugFixed", { slug: initial.slug, code: (chunks) => <code data-testid="project-slug">{chunks}</code> })}
          </p>
        )}
        <Field label={t("name")} name="name" defaultValue={initial.name} error={fieldErrors.name} required />
      </div>
      <Field label={t("guidelines")} name="guidelines" error={fieldErrors.guidelines}>
        <textarea name="guidelines" data-testid="field-guidelines" rows={8} defaultValue={initial.guidelines} className={`${inputClass} font-mono`} />
      </Field>
      <Field label={t("categories")} name="categories" error={fieldErrors.categories}>
        <textarea name="categories" data-testid="field-categories" rows={6} defaultValue={initial.categories.join("\n")} className={inputClass} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        {settingFields.map((f) => (
          <Field key={f.name} label={t(`settings.${f.name}`)} name={f.name} type="number" step={f.step} defaultValue={String(initial.settings[f.name] ?? "")} error={fieldErrors[f.name]} />
        ))}
        <Field label={t("routingSignal")} name="routingSignal" error={fieldErrors.routingSignal}>
          <select name="routingSignal" data-testid="field-routingSignal" defaultValue={initial.settings.routingSignal ?? "agreement"} className={inputClass}>
            <option value="agreement">{t("agreement")}</option>
            <option value="confidence">{t("confidence", { threshold: 0.8 })}</option>
          </select>
        </Field>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label={t("queueOrder")} name="queueOrder" error={fieldErrors.queueOrder}>
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
          {t("generateOnPromote")}
        </label>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="showSuggestionsAfterSubmit" data-testid="field-showSuggestionsAfterSubmit" defaultChecked={initial.settings.showSuggestionsAfterSubmit === true} />
          {t("showSuggestions")}
        </label>
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="rewardAsRanking" data-testid="field-rewardAsRanking" defaultChecked={initial.settings.rewardAsRanking === true} />
          {t("rewardAsRanking")}
        </label>
      </div>
      <QuestionsFields initial={initial.settings.questions} fieldErrors={fieldErrors} />
      <LauncherFields initial={initial.settings.launcher} fieldErrors={fieldErrors} />
      <FormError message={error} />
      {saved && (
        <p role="status" data-testid="project-saved" className="text-sm text-green-700 dark:text-green-400">
          {t("saved")}
        </p>
      )}
      <SubmitButton pending={pending} testId={mode === "create" ? "project-create" : "project-save"}>
        {mode === "create" ? t("create") : t("save")}
      </SubmitButton>
    </form>
  );
}
