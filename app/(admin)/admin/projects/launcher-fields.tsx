// The project form's launcher section: train through a command (a recipe or your own, one argument per line, no shell)
// instead of the built-in trainer; picking a recipe fills in its command.
"use client";
import { useState } from "react";
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
  const [on, setOn] = useState(Boolean(initial));
  const [argv, setArgv] = useState((initial?.argv ?? []).join("\n"));
  const [template, setTemplate] = useState(initial?.template ?? "");
  const picked = RECIPES.find((r) => r.name === template);
  return (
    <fieldset className="space-y-3 rounded-md border border-gray-200 p-3 dark:border-gray-700" data-testid="launcher-fields">
      <legend className="px-1 text-sm font-medium">Training engine</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="launcherOn" data-testid="field-launcherOn" checked={on} onChange={(e) => setOn(e.target.checked)} />
        Train through a launcher (a command on the worker: TRL, Ray, Kubernetes, Slurm…) instead of the built-in trainer
      </label>
      {errorsAt(fieldErrors, "launcher") && !on && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {errorsAt(fieldErrors, "launcher")!.join(" ")}
        </p>
      )}
      {on && (
        <>
          <Field label="Recipe" name="launcherTemplate" error={fieldErrors["launcher.template"]}>
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
              <option value="">Your own command</option>
              {RECIPES.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.title}
                </option>
              ))}
            </select>
          </Field>
          {picked && <p className="text-sm text-gray-600 dark:text-gray-400">Needs: {picked.needs}. See README, “Train on a cluster”.</p>}
          <Field label="Command: one argument per line (no shell, no quoting; relative paths start in the app's folder)" name="launcherArgv" error={errorsAt(fieldErrors, "launcher.argv") ?? fieldErrors.launcher}>
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
              label="Endpoint serving the result when the trainer cannot import it (OpenAI-compatible base URL, optional)"
              name="launcherEndpoint"
              defaultValue={initial?.endpoint ?? ""}
              placeholder="http://vllm:8000/v1"
              error={fieldErrors["launcher.endpoint"]}
            />
            <Field label="Cancel: seconds from SIGTERM to SIGKILL" name="launcherGraceSeconds" type="number" step="1" defaultValue={String(initial?.graceSeconds ?? 30)} error={fieldErrors["launcher.graceSeconds"]} />
          </div>
        </>
      )}
    </fieldset>
  );
}
