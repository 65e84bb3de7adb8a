// zod inputs for imported base models: the import form, the CLI and the project's pick of a base.
import { z } from "zod";

export const baseModelNameInput = z
  .string({ error: "Name must be text" })
  .trim()
  .min(1, "Name is required")
  .max(100, "Name is at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Name uses letters, digits, dots, dashes and underscores (e.g. SmolLM2-135M-Instruct)");

/** A folder on the server: absolute, so it means the same to the web server, the job runner and the CLI. */
export const modelFolderInput = z
  .string({ error: "Folder must be text" })
  .trim()
  .min(1, "Enter the folder's path on the server")
  .max(1000, "Path is at most 1000 characters")
  .refine((v) => v.startsWith("/"), "Enter an absolute path (starting with /) on the server");

export const importBaseModelInput = z
  .object({
    path: modelFolderInput,
    /** absent or empty: the folder's name */
    name: z.preprocess((v) => (v === "" || v === null ? undefined : v), baseModelNameInput.optional()),
    /** pick the model as this project's base once imported */
    projectSlug: z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().min(1).max(64).optional()),
  })
  .strict();
export type ImportBaseModelInput = z.infer<typeof importBaseModelInput>;

export const setProjectBaseInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    /** "" or null: no imported base (the first run starts from the tiny preset) */
    baseModelId: z.preprocess((v) => (v === "" ? null : v), z.uuid({ message: "Unknown base model" }).nullable()),
  })
  .strict();
export type SetProjectBaseInput = z.infer<typeof setProjectBaseInput>;

/** The import job's payload. */
export const importJobInput = z.object({ baseModelId: z.uuid() }).strict();
