// Queue-time checks for a project that trains through a launcher: its stored setting must still be a valid launcher
// (a row outlives the code that wrote it, and the database can be edited by hand), else the run is refused with a 422.
import type { ProjectSettings } from "@/db/schema";
import { AppError, zodFieldErrors } from "@/lib/errors";
import { launcherInput } from "@/lib/validation/launchers";

/** Whether runs of this project go to a launcher (the built-in trainer's memory plan does not apply to them). */
export function usesLauncher(settings: ProjectSettings): boolean {
  return settings.launcher !== undefined && settings.launcher !== null;
}

/** Throws unprocessable:run naming `launcher.<field>` when the project's launcher setting does not parse. */
export function assertLauncherUsable(settings: ProjectSettings) {
  if (!usesLauncher(settings)) return;
  const r = launcherInput.safeParse(settings.launcher);
  if (r.success) return;
  const fieldErrors = Object.fromEntries(Object.entries(zodFieldErrors(r.error)).map(([k, v]) => [k === "_" ? "launcher" : `launcher.${k}`, v]));
  const detail = Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v.join(", ")}`).join("; ");
  throw new AppError("unprocessable:run", `The project's launcher setting is not valid (${detail}); fix it in the project's settings.`, fieldErrors);
}
