// The upload form: project, format (or auto-detect), file; posts the raw file to /api/v1/projects/:slug/imports.
"use client";
import { useState } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { z } from "zod";
import { Field, FormError, SubmitButton, formText, inputClass, asyncHandler } from "@/app/_components/form";

/** The API's error body (lib/errors toResponse): its message is shown by the form. */
const errorBody = z.object({ error: z.object({ message: z.string() }) });

type Summary = { project: string; format: string | null; rowsRead: number; prompts: number; joined: number; completions: number; rankings: number; duplicatesSkipped: number; elapsedMs: number };

export function ImportForm({ projects, formats, initialProject }: { projects: Array<{ slug: string; name: string }>; formats: string[]; initialProject?: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const t = useTranslations("importForm");
  const format = useFormatter();
  return (
    <form
      className="grid gap-4 sm:grid-cols-3 sm:items-end"
      onSubmit={asyncHandler(async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const file = form.get("file");
        if (!(file instanceof File) || file.size === 0) {
          setError(t("chooseFile"));
          return;
        }
        setPending(true);
        setError(null);
        setSummary(null);
        const params = new URLSearchParams({ filename: file.name });
        const fileFormat = formText(form, "format");
        if (fileFormat) params.set("format", fileFormat);
        const language = formText(form, "language");
        if (language) params.set("language", language);
        try {
          const res = await fetch(`/api/v1/projects/${encodeURIComponent(formText(form, "project"))}/imports?${params}`, {
            method: "POST",
            headers: { "content-type": "application/octet-stream" },
            body: file,
          });
          const body: unknown = await res.json().catch(() => null);
          if (res.ok) setSummary(body as Summary);
          else setError(errorBody.safeParse(body).data?.error.message ?? t("failed", { status: String(res.status) }));
        } catch {
          setError(t("unreachable"));
        } finally {
          setPending(false);
        }
      })}
    >
      <Field label={t("project")} name="project">
        <select name="project" data-testid="field-project" className={inputClass} defaultValue={initialProject && projects.some((p) => p.slug === initialProject) ? initialProject : projects[0].slug}>
          {projects.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.name} ({p.slug})
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("format")} name="format">
        <select name="format" data-testid="field-format" className={inputClass} defaultValue="">
          <option value="">{t("detect")}</option>
          {formats.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </Field>
      <Field label={t("language")} name="language" placeholder={t("languagePlaceholder")} />
      <Field label={t("file")} name="file" type="file" accept=".jsonl,.json,.gz" />
      <div className="sm:col-span-3 space-y-3">
        <SubmitButton pending={pending} testId="import-submit">
          {t("submit")}
        </SubmitButton>
        <FormError message={error} />
        {summary && (
          <dl data-testid="import-summary" className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
            {(
              [
                // [testid, label key, value]: the testids keep the English labels' names
                ["format", "format", summary.format ?? t("summary.emptyFile")],
                ["rows-read", "rowsRead", summary.rowsRead],
                ["prompts", "prompts", summary.prompts],
                ["joined-existing-prompts", "joined", summary.joined],
                ["completions", "completions", summary.completions],
                ["rankings", "rankings", summary.rankings],
                ["duplicates-skipped", "duplicates", summary.duplicatesSkipped],
              ] as const
            ).map(([id, label, v]) => (
              <div key={id}>
                <dt className="text-slate-500">{t(`summary.${label}`)}</dt>
                <dd className="font-semibold tabular-nums" data-testid={`import-${id}`}>
                  {typeof v === "number" ? format.number(v) : v}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </form>
  );
}
