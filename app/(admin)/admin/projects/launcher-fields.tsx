// The project form's launcher section: train through a command (a recipe or your own, one argument per line, no shell)
// instead of the built-in trainer; picking a recipe fills in its command.
"use client";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { Field, inputClass } from "@/app/_components/form";
import type { LauncherSettings } from "@/db/schema";
import { RECIPES } from "@/lib/launchers/recipes";

/** Errors under `launcher` and its fields (`launcher.argv.2` shows by the command box). */
function errorsAt(fieldErrors: Record<string, string[] | undefined>, prefix: string): string[] | undefined {
  const found = Object.entries(fieldErrors).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`)).flatMap(([, v]) => v ?? []);
  return found.length ? found : undefined;
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/** The launcher as the form's action sends it: "" (the built-in trainer) or its fields as text. */
export function launcherFromForm(form: FormData): "" | Record<string, string> {
  if (!form.get("launcherOn")) return "";
  return {
    template: text(form, "launcherTemplate"),
    argv: text(form, "launcherArgv"),
    endpoint: text(form, "launcherEndpoint"),
    graceSeconds: text(form, "launcherGraceSeconds"),
  };
}

export function LauncherFields({ initial, fieldErrors }: { initial: LauncherSettings | null | undefined; fieldErrors: Record<string, string[] | undefined> }) {
  const t = useTranslations("admin.launcher");
  const [on, setOn] = useState(Boolean(initial));
  const [argv, setArgv] = useState((initial?.argv ?? []).join("\n"));
  const [template, setTemplate] = useState(initial?.template ?? "");
  const picked = RECIPES.find((r) => r.name === template);
  return (
    <fieldset className="space-y-3 rounded-md border border-gray-200 p-3 dark:border-gray-700" data-testid="launcher-fields">
      <legend className="px-1 text-sm font-medium">{t("legend")}</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="launcherOn" data-testid="field-launcherOn" checked={on} onChange={(e) => setOn(e.target.checked)} />
        {t("on")}
      </label>
      {errorsAt(fieldErrors, "launcher") && !on && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {errorsAt(fieldErrors, "launcher")!.join(" ")}
        </p>
      )}
      {on && (
        <>
          <Field label={t("recipe")} name="launcherTemplate" error={fieldErrors["launcher.template"]}>
            <select
              name="launcherTemplate"
              data-testid="field-launcherTemplate"
              value={template}
              onChange={(e) => {
                setTemplate(e.target.value);
                const recipe = RECIPES.find((r) => r.name === e.target.value);
                if (recipe) setArgv(recipe.argv.join("\n"));
              }}
              className={inputClass}
            >
              <option value="">{t("own")}</option>
              {RECIPES.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.title}
                </option>
              ))}
            </select>
          </Field>
          {picked && <p className="text-sm text-gray-600 dark:text-gray-400">{t("needs", { needs: picked.needs })}</p>}
          <Field label={t("argv")} name="launcherArgv" error={errorsAt(fieldErrors, "launcher.argv") ?? fieldErrors.launcher}>
            <textarea
              name="launcherArgv"
              data-testid="field-launcherArgv"
              rows={4}
              value={argv}
              onChange={(e) => setArgv(e.target.value)}
              aria-invalid={errorsAt(fieldErrors, "launcher.argv") ? true : undefined}
              className={`${inputClass} font-mono`}
            />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label={t("endpoint")}
              name="launcherEndpoint"
              defaultValue={initial?.endpoint ?? ""}
              placeholder="http://vllm:8000/v1"
              error={fieldErrors["launcher.endpoint"]}
            />
            <Field label={t("grace")} name="launcherGraceSeconds" type="number" step="1" defaultValue={String(initial?.graceSeconds ?? 30)} error={fieldErrors["launcher.graceSeconds"]} />
          </div>
        </>
      )}
    </fieldset>
  );
}
