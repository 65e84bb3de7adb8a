// zod input for a project's launcher (the command a retrain runs instead of the built-in trainer), shared by the
// project form, the CLI and the job runner, which parses the stored setting again before it starts anything.
import { z } from "zod";
import type { LauncherSettings } from "@/db/schema";
import { RECIPE_NAMES, recipeByName } from "@/lib/launchers/recipes";

/** 30 s between SIGTERM and SIGKILL unless the launcher says otherwise. */
export const DEFAULT_GRACE_SECONDS = 30;
export const MAX_ARGS = 256;

/** One argument: any text but NUL (exec refuses it) and at most 4096 characters. */
const argInput = z
  .string({ error: "Each argument must be text" })
  .min(1, "An argument is empty")
  .max(4096, "An argument is at most 4096 characters")
  .refine((a) => !a.includes("\u0000"), "An argument must not contain NUL");

/** The form's textarea holds one argument per line (no shell, no quoting); blank lines are dropped. */
const argvInput = z.preprocess(
  (v) => (typeof v === "string" ? v.split(/\r?\n/).filter((l) => l.trim().length > 0) : v),
  z
    .array(argInput, { error: "The command must be a list of arguments (argv), not a shell string" })
    .min(1, "Give the command: at least the program to run")
    .max(MAX_ARGS, `At most ${MAX_ARGS} arguments`),
);

const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

const launcherObject = z
  .object(
    {
    template: z.preprocess(blankToUndefined, z.enum(RECIPE_NAMES, { error: `Template must be one of ${RECIPE_NAMES.join(", ")}` }).optional()),
    argv: z.preprocess(blankToUndefined, argvInput.optional()),
    endpoint: z.preprocess(blankToUndefined, z.url({ protocol: /^https?$/, error: "Endpoint must be an http(s) URL (an OpenAI-compatible base URL)" }).max(2000).optional()),
    graceSeconds: z.preprocess(
      (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v.trim()) : v),
      z.number({ error: "Grace period must be a number of seconds" }).int("Grace period must be whole seconds").min(1, "Grace period is at least 1 second").max(3600, "Grace period is at most 3600 seconds").optional(),
    ),
    },
    { error: "Launcher must be {argv: [...]} (a list of arguments, never a shell string), a template, or null" },
  )
  .strict()
  // A template with no command of its own runs the recipe's.
  .transform((l, ctx): LauncherSettings => {
    const argv = l.argv ?? (l.template ? [...recipeByName(l.template)!.argv] : undefined);
    if (!argv) {
      ctx.addIssue({ code: "custom", path: ["argv"], message: "Give the command (one argument per line) or pick a template" });
      return z.NEVER;
    }
    return { ...(l.template ? { template: l.template } : {}), argv, ...(l.endpoint ? { endpoint: l.endpoint } : {}), ...(l.graceSeconds ? { graceSeconds: l.graceSeconds } : {}) };
  });

/** A launcher, or null to train with the built-in trainer again; a shell string is refused (it names `launcher`). */
export const launcherInput = z.preprocess(
  (v) => (v === "" || v === "none" ? null : v),
  launcherObject.nullable().optional(),
);
export type LauncherInput = z.infer<typeof launcherInput>;
