// Draft tasks from seeds: pick a model source or version and a count; the job's status line follows until it reports what was kept.
"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Card, Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { seedDraftsStatus, startSeedDrafts } from "@/app/(review)/review/actions";
import type { SeedDraftsStatus } from "@/lib/prompts/seed-drafts-job";

const POLL_MS = 1500;

/** The select's value names the kind: "source:NAME" or "version:LABEL". */
function drafterFields(value: string): { source?: string; version?: string } {
  const at = value.indexOf(":");
  if (at < 0) return {};
  const kind = value.slice(0, at);
  const name = value.slice(at + 1);
  return kind === "source" ? { source: name } : kind === "version" ? { version: name } : {};
}

/** Polls the job until it is done or failed; an error (the job unknown, the server unreachable) stops the polling. */
function useJobStatus(slug: string, jobId: string | null) {
  const unreachable = useTranslations("form")("unreachable");
  // What was read, for which job: a new job starts from nothing without resetting state in the effect.
  const [read, setRead] = useState<{ jobId: string; status: SeedDraftsStatus | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const res = await seedDraftsStatus({ projectSlug: slug, jobId });
      if (stopped) return;
      if (!res.ok) return setRead({ jobId, status: null, error: res.error });
      setRead({ jobId, status: res.data, error: null });
      if (res.data.state === "queued" || res.data.state === "running") timer = setTimeout(poll, POLL_MS);
    };
    const poll = () => void tick().catch(() => !stopped && setRead({ jobId, status: null, error: unreachable }));
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [slug, jobId, unreachable]);
  const current = read && read.jobId === jobId ? read : null;
  return { status: current?.status ?? null, error: current?.error ?? null };
}

export function SeedDraftsForm({ slug, sources, versions }: { slug: string; sources: string[]; versions: Array<{ label: string; active: boolean }> }) {
  const t = useTranslations("seedDrafts");
  const [jobId, setJobId] = useState<string | null>(null);
  const { status, error: statusError } = useJobStatus(slug, jobId);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setJobId(null);
      return startSeedDrafts({ projectSlug: slug, ...drafterFields(formText(form, "drafter")), n: formText(form, "n") });
    },
    (data) => setJobId(data.jobId),
  );
  const none = sources.length === 0 && versions.length === 0;
  // Waiting on the job: the button stays off until it is done, failed, or its status cannot be read.
  const busy = jobId !== null && statusError === null && (status === null || status.state === "queued" || status.state === "running");
  return (
    <Card title={t("title")}>
      <form className="space-y-4" data-testid="seed-drafts-form" onSubmit={onSubmit}>
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
        {none && (
          <p className="text-sm text-slate-500" data-testid="seed-drafts-none">
            {t("noDrafters")}
          </p>
        )}
        <Field label={t("drafter")} name="drafter" error={fieldErrors.source ?? fieldErrors.version}>
          <select
            name="drafter"
            data-testid="field-drafter"
            defaultValue=""
            aria-invalid={fieldErrors.source || fieldErrors.version ? true : undefined}
            aria-describedby={fieldErrors.source || fieldErrors.version ? "drafter-error" : undefined}
            className={inputClass}
          >
            <option value="">{t("pickDrafter")}</option>
            {sources.length > 0 && (
              <optgroup label={t("sources")}>
                {sources.map((s) => (
                  <option key={s} value={`source:${s}`}>
                    {s}
                  </option>
                ))}
              </optgroup>
            )}
            {versions.length > 0 && (
              <optgroup label={t("versions")}>
                {versions.map((v) => (
                  <option key={v.label} value={`version:${v.label}`}>
                    {v.active ? t("activeVersion", { label: v.label }) : v.label}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </Field>
        <Field label={t("count")} name="n" type="number" min={1} max={50} defaultValue={10} error={fieldErrors.n} />
        <FormError message={error ?? statusError} />
        <SubmitButton pending={pending || busy} testId="seed-drafts-start">
          {t("start")}
        </SubmitButton>
        {jobId && !(statusError && !status) && (
          <p role="status" data-testid="seed-drafts-status" data-state={status?.state ?? "queued"} className="text-sm">
            {status?.state === "done" ? (
              <>
                {t("done", { asked: status.outcome.asked, kept: status.outcome.kept.length, tooSimilar: status.outcome.tooSimilar, empty: status.outcome.empty, failed: status.outcome.failed })}{" "}
                {status.outcome.kept.length > 0 && (
                  <Link href={`/review/${slug}?kind=prompt`} data-testid="seed-drafts-review-link" className="text-indigo-600 underline dark:text-indigo-400">
                    {t("reviewLink")}
                  </Link>
                )}
              </>
            ) : status?.state === "failed" ? (
              <span className="text-red-600 dark:text-red-400">{t("failed", { error: status.error })}</span>
            ) : status?.state === "running" ? (
              t("running")
            ) : (
              t("queued")
            )}
          </p>
        )}
      </form>
    </Card>
  );
}
