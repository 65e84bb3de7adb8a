// The upload form: project, format (or auto-detect), file; posts the raw file to /api/v1/projects/:slug/imports.
"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
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
  return (
    <form
      className="grid gap-4 sm:grid-cols-3 sm:items-end"
      onSubmit={asyncHandler(async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const file = form.get("file");
        if (!(file instanceof File) || file.size === 0) {
          setError("Choose a file to import.");
          return;
        }
        setPending(true);
        setError(null);
        setSummary(null);
        const params = new URLSearchParams({ filename: file.name });
        const format = formText(form, "format");
        if (format) params.set("format", format);
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
          else setError(errorBody.safeParse(body).data?.error.message ?? `Import failed (HTTP ${res.status}).`);
        } catch {
          setError("The upload did not reach the server. Nothing was imported.");
        } finally {
          setPending(false);
        }
      })}
    >
      <Field label="Project" name="project">
        <select name="project" data-testid="field-project" className={inputClass} defaultValue={initialProject && projects.some((p) => p.slug === initialProject) ? initialProject : projects[0].slug}>
          {projects.map((p) => (
            <option key={p.slug} value={p.slug}>
              {p.name} ({p.slug})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Format" name="format">
        <select name="format" data-testid="field-format" className={inputClass} defaultValue="">
          <option value="">Detect from the first row</option>
          {formats.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </Field>
      <Field label={t("language")} name="language" placeholder={t("languagePlaceholder")} />
      <Field label="File (.jsonl, .json, .gz)" name="file" type="file" accept=".jsonl,.json,.gz" />
      <div className="sm:col-span-3 space-y-3">
        <SubmitButton pending={pending} testId="import-submit">
          Import
        </SubmitButton>
        <FormError message={error} />
        {summary && (
          <dl data-testid="import-summary" className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
            {(
              [
                ["Format", summary.format ?? "empty file"],
                ["Rows read", summary.rowsRead],
                ["Prompts", summary.prompts],
                ["Joined existing prompts", summary.joined],
                ["Completions", summary.completions],
                ["Rankings", summary.rankings],
                ["Duplicates skipped", summary.duplicatesSkipped],
              ] as const
            ).map(([label, v]) => (
              <div key={label}>
                <dt className="text-slate-500">{label}</dt>
                <dd className="font-semibold tabular-nums" data-testid={`import-${label.toLowerCase().replace(/ /g, "-")}`}>
                  {typeof v === "number" ? v.toLocaleString("en-US") : v}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </form>
  );
}
