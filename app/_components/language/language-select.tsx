// The language selector in the navigation: saves the choice on the person's account, then reloads the page in it.
"use client";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { baseLocale, localeNames, locales } from "@/lib/i18n/locales";
import { setLocale } from "./actions";

export function LanguageSelect() {
  const t = useTranslations("nav");
  const current = baseLocale(useLocale());
  const [error, setError] = useState<string | null>(null);
  return (
    <label className="flex items-center gap-1">
      <span className="sr-only">{t("language")}</span>
      <select
        data-testid="language-select"
        value={current}
        className="rounded border border-slate-300 bg-white px-1 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
        onChange={(e) => {
          void setLocale({ locale: e.target.value }).then(
            (res) => (res.ok ? window.location.reload() : setError(res.error)),
            () => setError(t("languageError")),
          );
        }}
      >
        {locales.map((l) => (
          <option key={l} value={l} lang={l}>
            {localeNames[l]}
          </option>
        ))}
      </select>
      {error && (
        <span role="alert" className="text-red-600 dark:text-red-400">
          {error}
        </span>
      )}
    </label>
  );
}
