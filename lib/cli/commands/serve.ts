// `tuneloop serve` (npm start): builds the app on first run, then runs `next start`.
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { z } from "zod";
import { env } from "@/lib/env";
import { parseFlags } from "../args";

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: "inherit", env: { ...process.env, ...extraEnv }, cwd: env().rootDir });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    { port: { type: "string", short: "p" }, rebuild: { type: "boolean" }, hostname: { type: "string", short: "H" } },
    z.object({ port: z.coerce.number().int().min(1).max(65535).optional(), rebuild: z.boolean().optional(), hostname: z.string().optional() }).strict(),
  );
  const e = env();
  const nextBin = createRequire(path.join(e.rootDir, "package.json")).resolve("next/dist/bin/next");
  const built = fs.existsSync(path.join(e.rootDir, e.NEXT_DIST_DIR, "BUILD_ID"));
  if (!built || values.rebuild) {
    console.log("[tuneloop] building the app (first run only; `npm start -- --rebuild` after pulling changes)…");
    const code = await run(process.execPath, [nextBin, "build"], { NEXT_TELEMETRY_DISABLED: "1" });
    if (code !== 0) return code;
  }
  const port = String(values.port ?? e.PORT);
  // next-auth derives its own URL from the request's host when it is not pinned by NEXTAUTH_URL.
  const extra: Record<string, string> = { NEXT_TELEMETRY_DISABLED: "1", PORT: port };
  if (!e.NEXTAUTH_URL) extra.AUTH_TRUST_HOST = "1";
  const args = [nextBin, "start", "-p", port, ...(values.hostname ? ["-H", values.hostname] : [])];
  return run(process.execPath, args, extra);
}
