// process.env parsed by zod, read once; nothing else in the project reads the environment.
import path from "node:path";
import { z } from "zod";
import { BACKENDS } from "@/trainer/protocol";

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  TUNELOOP_DATA_DIR: z.string().min(1).default("./.tuneloop"),
  /** connections one process keeps to PostgreSQL at most: processes × this must stay under the server's max_connections */
  TUNELOOP_DB_POOL_MAX: z.coerce.number({ message: "TUNELOOP_DB_POOL_MAX must be a number" }).int().min(2, "TUNELOOP_DB_POOL_MAX is at least 2").max(500, "TUNELOOP_DB_POOL_MAX is at most 500").default(10),
  TUNELOOP_ROOT: z.string().optional(),
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  TUNELOOP_EMBEDDED_WORKER: z.enum(["0", "1"]).optional(),
  NEXTAUTH_URL: z.url().optional(),
  /** where `next build` writes and `next start` reads the build (next.config.js reads it too) */
  NEXT_DIST_DIR: z.string().min(1).default(".next"),
  TUNELOOP_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** encrypts model sources' API keys at rest; unset: a key derived from the auth secret (lib/sources/secret-box.ts) */
  TUNELOOP_SECRET_KEY: z.string().min(32, "TUNELOOP_SECRET_KEY must be at least 32 characters").optional(),
  /** how trainer processes are scheduled: idle (only CPU nothing else wants), low (nice 19), normal */
  TUNELOOP_TRAINER_PRIORITY: z.enum(["idle", "low", "normal"], { message: "TUNELOOP_TRAINER_PRIORITY must be idle, low or normal" }).default("idle"),
  /** warm generation processes serving /api/openai (lib/generation-pool); each holds its own copy of the models it serves */
  TUNELOOP_GEN_WORKERS: z.coerce.number({ message: "TUNELOOP_GEN_WORKERS must be a number" }).int().min(1, "TUNELOOP_GEN_WORKERS is at least 1").max(64, "TUNELOOP_GEN_WORKERS is at most 64").default(1),
  /** requests waiting for a generation process before more are refused (503) */
  TUNELOOP_GEN_QUEUE: z.coerce.number({ message: "TUNELOOP_GEN_QUEUE must be a number" }).int().min(0).max(10_000).default(16),
  /** model versions one generation process keeps loaded (least recently used dropped first) */
  TUNELOOP_GEN_MODELS: z.coerce.number({ message: "TUNELOOP_GEN_MODELS must be a number" }).int().min(1).max(64).default(2),
  /** how long one process trusts a user's or API token's row (disabled, role, revoked) before re-reading it; 0: every request */
  TUNELOOP_ACCOUNT_CACHE_MS: z.coerce.number({ message: "TUNELOOP_ACCOUNT_CACHE_MS must be a number" }).int().min(0).max(5000, "TUNELOOP_ACCOUNT_CACHE_MS is at most 5000").default(5000),
  /** the trainer's TensorFlow.js backend (trainer/backend.ts); unset: the best one installed. Queue-time memory checks plan for it */
  TUNELOOP_TF_BACKEND: z.enum(BACKENDS, { message: `TUNELOOP_TF_BACKEND must be one of ${BACKENDS.join(", ")}` }).optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: (Env & { dataDir: string; rootDir: string }) | null = null;

export function env(): Env & { dataDir: string; rootDir: string } {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  const rootDir = path.resolve(/*turbopackIgnore: true*/ parsed.data.TUNELOOP_ROOT ?? process.cwd());
  cached = { ...parsed.data, rootDir, dataDir: path.resolve(/*turbopackIgnore: true*/ rootDir, parsed.data.TUNELOOP_DATA_DIR) };
  return cached;
}

/** A variable the operator named on the command line (`--api-key-env VAR`): read when asked, never cached or logged. */
export function namedVariable(name: string): string | undefined {
  return process.env[name];
}

/** Tests change the environment between suites; this forgets the parsed copy. */
export function resetEnvForTests() {
  cached = null;
}
