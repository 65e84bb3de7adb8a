// End-to-end fixtures: the built app on a free port with its own data folder, and Debian's Chromium.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { freePort } from "../helpers/net";

const root = path.resolve(import.meta.dirname, "../..");
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = fs.existsSync(chromiumPath);

export type App = { baseUrl: string; dataDir: string; logs: () => string; stop: () => Promise<void> };

/** Runs `tuneloop ARGS` against a data folder (the embedded database allows one process at a time: call it before startApp serves). */
export async function runCli(dataDir: string, args: string[], opts: { stdin?: string; databaseUrl?: string } = {}): Promise<string> {
  const child = spawn(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, TUNELOOP_DATA_DIR: dataDir, DATABASE_URL: opts.databaseUrl ?? "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  child.stdin.end(opts.stdin ?? "");
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`tuneloop ${args.join(" ")} exited with ${code}:\n${out}`);
  return out;
}

/**
 * Starts `tuneloop serve` (next start over the existing build) on the embedded database, or on databaseUrl.
 * `prepare(dataDir)` runs first, e.g. CLI commands (runCli) that seed users, projects and imports.
 */
export async function startApp(opts: { databaseUrl?: string; env?: Record<string, string>; prepare?: (dataDir: string) => Promise<void> } = {}): Promise<App> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-e2e-"));
  if (opts.prepare) {
    try {
      await opts.prepare(dataDir);
    } catch (e) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
  let out = "";
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), "serve", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, TUNELOOP_DATA_DIR: dataDir, DATABASE_URL: opts.databaseUrl ?? "", NODE_ENV: "production", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/login`, { redirect: "manual" });
      if (res.status < 500) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`app did not start in time:\n${out}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    baseUrl,
    dataDir,
    logs: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        process.kill(-child.pid!, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh context per person, so sessions never mix. */
export async function newPerson(browser: Browser, baseUrl: string, opts: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl, ...opts });
}

