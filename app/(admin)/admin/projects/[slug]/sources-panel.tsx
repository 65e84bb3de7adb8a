// The "Model sources" panel: the project's OpenAI-compatible endpoints (keys never shown), add one, test or remove it.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, formText, useActionForm, asyncHandler } from "@/app/_components/form";
import type { SourceView } from "@/lib/sources/sources";
import { addSourceAction, removeSourceAction, testSourceAction } from "./actions";

/** A source's numeric settings; each label is the catalog's admin.sources.<name>. */
const settingFields = [
  { name: "temperature", step: "0.05", placeholder: "0.8" },
  { name: "topP", step: "0.01", placeholder: "0.95" },
  { name: "maxTokens", step: "1", placeholder: "256" },
  { name: "concurrency", step: "1", placeholder: "4" },
  { name: "timeoutS", step: "1", placeholder: "60" },
  { name: "maxRetries", step: "1", placeholder: "3" },
] as const;

function AddSourceForm({ projectSlug }: { projectSlug: string }) {
  const router = useRouter();
  const t = useTranslations("admin.sources");
  const [added, setAdded] = useState<string | null>(null);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setAdded(null);
      const values = Object.fromEntries(["name", "baseUrl", "model", "apiKey", ...settingFields.map((f) => f.name)].map((k) => [k, formText(form, k)]));
      return addSourceAction({ projectSlug, ...values });
    },
    (source) => {
      setAdded(source.name);
      router.refresh();
    },
  );
  return (
    <form className="space-y-3" data-testid="add-source-form" onSubmit={onSubmit} autoComplete="off">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t("name")} name="name" error={fieldErrors.name} placeholder="llama-3.1-8b" required />
        <Field label={t("model")} name="model" error={fieldErrors.model} placeholder="meta-llama/Llama-3.1-8B-Instruct" required />
        <Field label={t("baseUrl")} name="baseUrl" error={fieldErrors.baseUrl} placeholder="http://127.0.0.1:8000/v1" required />
        <Field label={t("apiKey")} name="apiKey" type="password" error={fieldErrors.apiKey} />
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        {settingFields.map((f) => (
          <Field key={f.name} label={t(f.name)} name={f.name} type="number" step={f.step} placeholder={f.placeholder} error={fieldErrors[f.name]} />
        ))}
      </div>
      <FormError message={error} />
      <div className="flex items-center gap-3">
        <SubmitButton pending={pending} testId="add-source">
          {t("add")}
        </SubmitButton>
        {added && (
          <span role="status" data-testid="source-added" className="text-sm text-green-700 dark:text-green-400">
            {t("added", { name: added })}
          </span>
        )}
      </div>
    </form>
  );
}

function SourceRow({ projectSlug, source }: { projectSlug: string; source: SourceView }) {
  const router = useRouter();
  const t = useTranslations("admin.sources");
  const format = useFormatter();
  const [status, setStatus] = useState<string | null>(null);
  const ref = { projectSlug, name: source.name };
  const plain = (x: number) => format.number(x, { useGrouping: false });
  const s = source.settings;
  return (
    <tr data-testid={`source-${source.name}`} className="border-t border-slate-200 align-top dark:border-slate-800">
      <td className="py-2 pe-3 font-medium">{source.name}</td>
      <td className="py-2 pe-3">
        <code>{source.model}</code>
        <div className="text-xs text-slate-500">{source.baseUrl}</div>
      </td>
      <td className="py-2 pe-3 text-xs text-slate-500">
        {t("settings", { key: source.hasApiKey ? "yes" : "no", temperature: plain(s.temperature), topP: plain(s.topP), maxTokens: s.maxTokens, concurrency: s.concurrency, timeout: s.timeoutS, retries: s.maxRetries })}
      </td>
      <td className="space-x-2 py-2 text-end whitespace-nowrap rtl:space-x-reverse">
        <button
          type="button"
          data-testid={`test-source-${source.name}`}
          className="rounded-md border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
          onClick={asyncHandler(async () => {
            setStatus(t("testing"));
            const res = await testSourceAction(ref);
            if (!res.ok) setStatus(res.error);
            else setStatus(res.data.ok ? t("ok", { ms: plain(res.data.ms), reply: res.data.reply }) : t("failed", { failure: res.data.failure, error: res.data.error }));
          })}
        >
          {t("test")}
        </button>
        <button
          type="button"
          data-testid={`remove-source-${source.name}`}
          className="rounded-md border border-red-300 px-2 py-1 text-xs text-red-700 dark:border-red-800 dark:text-red-400"
          onClick={asyncHandler(async () => {
            if (!window.confirm(t("removeConfirm", { name: source.name }))) return;
            const res = await removeSourceAction(ref);
            if (res.ok) router.refresh();
            else setStatus(res.error);
          })}
        >
          {t("remove")}
        </button>
        {status && (
          <div role="status" data-testid={`source-status-${source.name}`} className="mt-1 max-w-xs text-start text-xs whitespace-normal">
            {status}
          </div>
        )}
      </td>
    </tr>
  );
}

export function SourcesPanel({ projectSlug, sources }: { projectSlug: string; sources: SourceView[] }) {
  const t = useTranslations("admin.sources");
  return (
    <div className="space-y-4" data-testid="sources-panel">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {t("intro")}
      </p>
      {sources.length ? (
        <table className="w-full text-sm">
          <tbody>
            {sources.map((s) => (
              <SourceRow key={s.id} projectSlug={projectSlug} source={s} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm" data-testid="no-sources">
          {t("none")}
        </p>
      )}
      <AddSourceForm projectSlug={projectSlug} />
    </div>
  );
}
