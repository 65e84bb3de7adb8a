// The signing secret for sessions: AUTH_SECRET, or one generated once and kept in the data folder.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";

let cached: string | null = null;

export function authSecret(): string {
  if (cached) return cached;
  const e = env();
  if (e.AUTH_SECRET) return (cached = e.AUTH_SECRET);
  // Unset: generate one and keep it beside the data so sessions survive a restart.
  // Several web servers sharing one PostgreSQL must set AUTH_SECRET to the same value instead.
  const file = path.join(e.dataDir, "auth-secret");
  try {
    cached = fs.readFileSync(file, "utf8").trim();
    if (cached.length >= 32) return cached;
  } catch {}
  fs.mkdirSync(e.dataDir, { recursive: true });
  cached = randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, cached, { mode: 0o600, flag: "wx" });
  } catch {
    // Another process wrote it first: use theirs.
    cached = fs.readFileSync(file, "utf8").trim();
  }
  return cached;
}
