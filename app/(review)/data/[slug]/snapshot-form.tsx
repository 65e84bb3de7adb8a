// The new-snapshot form: pairing policy, eval share, formats, imported rankings, category caps and weights, instruction templates.
"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, inputClass, asyncHandler } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { createSnapshot } from "../actions";

export function SnapshotForm({ projectSlug }: { projectSlug: string }) {
  const router = useRouter();
  const t = useTranslations("data.form");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<string | null>(null);
  return (
    <form
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={asyncHandler(async (e) => {
        e.preventDefault();
        setPending(true);
        const f = new FormData(e.currentTarget);
        const res = await createSnapshot({
          projectSlug,
          options: {
            pairing: f.get("pairing"),
            evalFraction: Number(f.get("evalFraction")),
            includeImported: f.get("includeImported") === "on",
            formats: ["trl", ...(f.get("openai") ? ["openai"] : []), ...(f.get("alpaca") ? ["alpaca"] : [])],
            categoryCaps: f.get("categoryCaps") ?? "",
            categoryWeights: f.get("categoryWeights") ?? "",
            templates: f.get("templates") ?? "",
          },
        });
        setPending(false);
        if (res.ok) {
          setDone(res.data.id);
          setError(null);
          setFieldErrors({});
          router.refresh();
        } else {
          setError(res.error);
          setFieldErrors(Object.fromEntries(Object.entries(res.fieldErrors ?? {}).map(([k, v]) => [k.replace(/^options\./, "").split(".")[0], v])));
        }
      })}
    >
      <Field label={t("pairing")} name="pairing" error={fieldErrors.pairing}>
        <select name="pairing" data-testid="field-pairing" className={inputClass} defaultValue="all">
          <option value="all">{t("all")}</option>
          <option value="best-vs-rest">{t("bestVsRest")}</option>
          <option value="adjacent">{t("adjacent")}</option>
        </select>
      </Field>
      <Field label={t("evalShare")} name="evalFraction" type="number" step="0.01" defaultValue="0.05" error={fieldErrors.evalFraction} />
      <label className="flex items-center gap-2 text-sm"><input type="checkbox" name="includeImported" defaultChecked /> {t("includeImported")}</label>
      <div className="flex gap-4 text-sm">
        <label className="flex items-center gap-2"><input type="checkbox" name="openai" /> {t("openai")}</label>
        <label className="flex items-center gap-2"><input type="checkbox" name="alpaca" /> {t("alpaca")}</label>
      </div>
      <Field label={t("caps")} name="categoryCaps" placeholder={t("none")} error={fieldErrors.categoryCaps} />
      <Field label={t("weights")} name="categoryWeights" placeholder={t("none")} error={fieldErrors.categoryWeights} />
      <Field label={t("templates")} name="templates" placeholder={t("none")} error={fieldErrors.templates} />
      <div className="sm:col-span-2 space-y-2">
        <FormError message={error} />
        {done && <p data-testid="snapshot-created" className="text-sm text-green-700 dark:text-green-400">{t("written", { id: done })}</p>}
        <SubmitButton pending={pending} testId="snapshot-submit">{t("submit")}</SubmitButton>

      </div>
    </form>
  );
}
