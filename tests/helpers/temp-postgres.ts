// A throwaway PostgreSQL server in a temporary folder on its own port, for fault tests that stop or restart it.
// Never the machine's shared server: its own data folder, port and socket folder, trust auth, removed by cleanup().
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./net";

const isRoot = process.getuid?.() === 0;

/** The newest PostgreSQL bin folder with initdb, pg_ctl and postgres, or null. */
function findBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  const candidates = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join(base, v, "bin"))
    : [];
  const extra = process.env.PG_BIN_DIR ? [process.env.PG_BIN_DIR] : [];
  return [...extra, ...candidates].find((d) => ["initdb", "pg_ctl", "postgres"].every((b) => fs.existsSync(path.join(d, b)))) ?? null;
}

function postgresUser(): { uid: number; gid: number } | null {
  try {
    return { uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })) };
  } catch {
    return null;
  }
}

const binDir = findBinDir();
const runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((p) => fs.existsSync(p)) ?? null;

/** Why a temporary server cannot be started here, or null when it can. Tests skip with this reason. */
export const tempPostgresUnavailable: string | null = !binDir
  ? "no PostgreSQL server binaries (initdb, pg_ctl, postgres) under /usr/lib/postgresql/*/bin or PG_BIN_DIR"
  : isRoot && !postgresUser()
    ? "running as root and there is no `postgres` OS user to run the server as (PostgreSQL refuses root)"
    : isRoot && !runuser && !fs.existsSync("/bin/su")
      ? "running as root without runuser or su to switch to the postgres user"
      : null;

export type TempPostgres = {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  dir: string;
  /** A URL for another database on this server. */
  urlFor(database: string): string;
  /** `pg_ctl stop -m MODE`: fast rolls back and disconnects cleanly, immediate is a crash (recovery on next start). */
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  /** `pg_ctl restart -m MODE`, waiting until it accepts connections again. */
  restart(mode?: "fast" | "immediate"): void;
  isRunning(): boolean;
  log(): string;
  /** Stops it (immediate) and removes the folder. */
  cleanup(): void;
};


/** Runs a server binary as the postgres user when we are root; throws with its output on failure. */
function runAsPostgres(bin: string, args: string[], timeoutMs = 120_000): string {
  const exe = path.join(binDir!, bin);
  const [cmd, argv] = !isRoot
    ? [exe, args]
    : runuser
      ? [runuser, ["-u", "postgres", "--", exe, ...args]]
      : ["/bin/su", ["postgres", "-s", "/bin/sh", "-c", [exe, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ")]];
  const res = spawnSync(cmd, argv, { encoding: "utf8", timeout: timeoutMs, cwd: "/" });
  if (res.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed (${res.status ?? res.signal}): ${res.stderr || res.stdout}`);
  return res.stdout;
}

const live = new Set<TempPostgres>();
// A crashed test run must not leave servers behind.
process.once("exit", () => {
  for (const s of live) s.cleanup();
});

/** initdb + start on a free port. Call cleanup() when done. */
export async function startTempPostgres(opts: { settings?: Record<string, string | number> } = {}): Promise<TempPostgres> {
  if (tempPostgresUnavailable) throw new Error(`cannot start a temporary PostgreSQL: ${tempPostgresUnavailable}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-pg-"));
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  if (isRoot) {
    const u = postgresUser()!;
    fs.chownSync(dir, u.uid, u.gid);
  }
  fs.chmodSync(dir, 0o700);
  const port = await freePort();
  runAsPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--locale=C"]);
  // Socket in our own folder (not /var/run/postgresql, which the shared server owns); small footprint.
  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    port,
    unix_socket_directories: dir,
    max_connections: 120,
    shared_buffers: "32MB",
    ...opts.settings,
  };
  fs.appendFileSync(path.join(data, "postgresql.conf"), "\n" + Object.entries(settings).map(([k, v]) => `${k} = '${v}'`).join("\n") + "\n");

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ctl = (args: string[]) => runAsPostgres("pg_ctl", ["-D", data, "-l", logFile, "-w", "-t", "60", ...args]);
  let cleaned = false;
  const server: TempPostgres = {
    url,
    port,
    dir,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: () => void ctl(["start"]),
    stop: (mode = "fast") => void ctl(["stop", "-m", mode]),
    restart: (mode = "fast") => void ctl(["restart", "-m", mode]),
    isRunning: () => fs.existsSync(path.join(data, "postmaster.pid")),
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : ""),
    cleanup: () => {
      if (cleaned) return;
      cleaned = true;
      live.delete(server);
      try {
        if (server.isRunning()) server.stop("immediate");
      } catch {
        // Already gone; removing the folder is what is left.
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(server);
  try {
    server.start();
  } catch (e) {
    const log = server.log();
    server.cleanup();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return server;
}

/** Creates a database on the server (drops it first if it exists). */
export async function createDatabase(server: TempPostgres, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  return server.urlFor(name);
}
