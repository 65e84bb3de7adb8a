// The built app as a process we may kill (SIGKILL) and start again on the same port, and a small HTTP client that
// signs in through next-auth's credentials endpoint and keeps the session cookie. Used by fault tests and bench/api.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./net";

const repoRoot = path.resolve(import.meta.dirname, "../..");
/** Where the built app lives: the checkout, or TUNELOOP_APP_DIR (a copy built on its own, so a build elsewhere cannot race it). */
export const appDir = path.resolve(process.env.TUNELOOP_APP_DIR ?? repoRoot);

/** Why the build cannot serve `routes` (e.g. "/api/v1/tasks/[id]/ranking"), or null when it can. */
export function buildMissingReason(routes: string[]): string | null {
  if (!fs.existsSync(path.join(appDir, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) return `no build in ${appDir}/${process.env.NEXT_DIST_DIR || ".next"}: run \`npx next build\` first`;
  const manifest = path.join(appDir, process.env.NEXT_DIST_DIR || ".next", "app-path-routes-manifest.json");
  const served = fs.existsSync(manifest) ? Object.values(JSON.parse(fs.readFileSync(manifest, "utf8")) as Record<string, string>) : [];
  const missing = routes.filter((r) => !served.includes(r));
  return missing.length ? `the build in ${appDir}/${process.env.NEXT_DIST_DIR || ".next"} predates ${missing.join(", ")}: run \`npx next build\` again` : null;
}


export type AppProcess = {
  baseUrl: string;
  port: number;
  logs(): string;
  /** SIGKILL (or another signal) to the whole process group: `tuneloop serve` and its `next start`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data folder, after kill(). */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

/** `tuneloop serve` on `databaseUrl`, waiting until it answers. */
export async function startAppProcess(opts: { databaseUrl: string; dataDir: string; port?: number; env?: Record<string, string | undefined>; readyTimeoutMs?: number; serveArgs?: string[] }): Promise<AppProcess> {
  const port = opts.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  let out = "";
  let child: ChildProcess | null = null;
  const launch = async () => {
    const c = spawn(process.execPath, [path.join(repoRoot, "lib/cli/tuneloop.mjs"), "serve", "--port", String(port), "--hostname", "127.0.0.1", ...(opts.serveArgs ?? [])], {
      cwd: appDir,
      env: { ...process.env, TUNELOOP_ROOT: appDir, TUNELOOP_DATA_DIR: opts.dataDir, DATABASE_URL: opts.databaseUrl, NODE_ENV: "production", AUTH_SECRET: "fault-tests-auth-secret-0123456789", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = c;
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 240_000);
    for (;;) {
      if (c.exitCode !== null || c.signalCode) throw new Error(`app exited with ${c.exitCode ?? c.signalCode}:\n${out}`);
      try {
        const res = await fetch(`${baseUrl}/login`, { redirect: "manual" });
        await res.arrayBuffer();
        if (res.status < 500) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`app did not start in time:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode) return;
    const exited = new Promise((r) => c.once("exit", r));
    try {
      process.kill(-c.pid!, signal);
    } catch {
      // Already gone.
    }
    await exited;
  };
  await launch();
  return {
    baseUrl,
    port,
    logs: () => out,
    kill,
    restart: launch,
    stop: () => kill("SIGTERM"),
  };
}

export type HttpResult = { status: number; body: any };

/** A signed-in person: cookie-authenticated JSON requests from our own origin, as the browser sends them. */
export type Session = { email: string; post(urlPath: string, body?: unknown): Promise<HttpResult>; get(urlPath: string): Promise<HttpResult> };

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]);
}

async function jsonOf(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return { raw: text.slice(0, 300) };
  }
}

/** next-auth v4 credentials sign-in: GET /api/auth/csrf (token + cookie), then POST the form to the callback. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<Session> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; "), origin: baseUrl },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${baseUrl}/` }),
  });
  await res.arrayBuffer();
  const session = cookiesOf(res).filter((c) => c.includes("session-token"));
  if (!session.length) throw new Error(`sign-in of ${email} failed: ${res.status} ${res.headers.get("location") ?? ""}`);
  const cookie = session.join("; ");
  const send = async (method: string, urlPath: string, body?: unknown): Promise<HttpResult> => {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      redirect: "manual",
      headers: { cookie, origin: baseUrl, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await jsonOf(res) };
  };
  return { email, post: (p, b) => send("POST", p, b), get: (p) => send("GET", p) };
}

/** An HTTP answer that a retry may fix (the app restarting); other 4xx are the caller's own fault. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)?.slice(0, 200)}`);
  }
}

/** fetch failures (refused, reset) and 5xx are transient; a 4xx is an answer. */
export const isTransientHttp = (e: unknown) => !(e instanceof HttpError) || e.status >= 500;
