// Trainer processes stop while this process answers HTTP requests and continue when none is in flight (real child
// processes, a real HTTP server and /proc, so this lives with the integration tests);
// a server that died while one was stopped leaves it to the next server on the same data folder to kill.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { killStoppedOrphans, TRAINER_MARK, yieldState, yieldTimings, yieldToRequests } from "@/lib/jobs/yield-to-requests";

const linux = process.platform === "linux";
/** The process state letter from /proc: R running, S sleeping, T stopped. */
const stateOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2)[0];
};
/** The environment a process was exec'd with, NUL-separated as /proc keeps it. */
const environOf = (pid: number) => fs.readFileSync(`/proc/${pid}/environ`, "utf8");
const until = async (check: () => boolean, ms = 2000) => {
  for (const t0 = Date.now(); !check(); ) {
    if (Date.now() - t0 > ms) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 5));
  }
};

const children: ChildProcess[] = [];
function busyChild(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { env: { ...process.env, ...env }, stdio: "ignore" });
  children.push(child);
  return child;
}
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

/** A server whose answers wait until `release()` (optionally writing a first chunk at once); `get()` asks it once. */
async function heldServer(opts: { firstChunk?: string } = {}) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const server = http.createServer((_req, res) => {
    if (opts.firstChunk) res.write(opts.firstChunk);
    void held.then(() => res.end(opts.firstChunk ? "" : "ok"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { release, get: () => fetch(url).then((r) => r.text()), close: () => server.close() };
}

describe.skipIf(!linux)("yieldToRequests", () => {
  it("stops a registered trainer while a request is in flight and continues it when none is", async () => {
    const server = await heldServer();
    const child = busyChild();
    const unregister = yieldToRequests(child.pid!);
    try {
      expect(stateOf(child.pid!)).not.toBe("T");
      const answer = server.get();
      await until(() => yieldState().inFlight === 1);
      expect(yieldState().paused).toBe(true);
      await until(() => stateOf(child.pid!) === "T");
      server.release();
      expect(await answer).toBe("ok");
      await until(() => yieldState().inFlight === 0);
      await until(() => stateOf(child.pid!) !== "T");
      expect(yieldState().paused).toBe(false);
    } finally {
      unregister();
      server.close();
    }
    expect(yieldState().trainers).toBe(0);
  });

  it("a request the client abandons still counts as finished", async () => {
    const server = http.createServer(() => {}); // never answers
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const child = busyChild();
    const unregister = yieldToRequests(child.pid!);
    try {
      const abort = new AbortController();
      const answer = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: abort.signal }).catch(() => "aborted");
      await until(() => stateOf(child.pid!) === "T");
      abort.abort();
      expect(await answer).toBe("aborted");
      await until(() => yieldState().inFlight === 0);
      await until(() => stateOf(child.pid!) !== "T");
    } finally {
      unregister();
      server.closeAllConnections();
      server.close();
    }
  });

  it("a request open longer than a page load (a download) stops holding the trainer back", async () => {
    const server = await heldServer({ firstChunk: "first bytes" });
    const child = busyChild();
    const unregister = yieldToRequests(child.pid!);
    try {
      const t0 = Date.now();
      const answer = server.get();
      await until(() => stateOf(child.pid!) === "T");
      await until(() => stateOf(child.pid!) !== "T", yieldTimings.interactiveMs + 2000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(yieldTimings.interactiveMs - 50);
      expect(yieldState()).toMatchObject({ inFlight: 0, paused: false });
      server.release();
      expect(await answer).toBe("first bytes");
      expect(yieldState().inFlight).toBe(0); // its close is not counted twice
    } finally {
      unregister();
      server.close();
    }
  });

  it("a trainer stopped for maxPauseMs without a break runs for one slice, then yields again", async () => {
    const saved = { ...yieldTimings };
    Object.assign(yieldTimings, { maxPauseMs: 300, sliceMs: 300 });
    const server = await heldServer();
    const child = busyChild();
    const unregister = yieldToRequests(child.pid!);
    try {
      const answer = server.get();
      await until(() => stateOf(child.pid!) === "T");
      const stoppedAt = Date.now();
      await until(() => stateOf(child.pid!) !== "T", 3000); // the slice, with the request still in flight
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(250);
      expect(yieldState().inFlight).toBe(1);
      await until(() => stateOf(child.pid!) === "T", 3000); // the slice is over: stopped again
      server.release();
      expect(await answer).toBe("ok");
      await until(() => stateOf(child.pid!) !== "T");
    } finally {
      Object.assign(yieldTimings, saved);
      unregister();
      server.close();
    }
  });

  it("unregistering continues a stopped trainer, so it can act on SIGTERM", async () => {
    const child = busyChild();
    process.kill(child.pid!, "SIGSTOP");
    const exited = new Promise((r) => child.once("exit", (_code, signal) => r(signal)));
    const unregister = yieldToRequests(child.pid!);
    child.kill("SIGTERM");
    unregister();
    expect(await exited).toBe("SIGTERM");
  });
});

describe.skipIf(!linux)("killStoppedOrphans", () => {
  it("kills stopped trainers of this data folder only, never running ones or another folder's", async () => {
    const mine = busyChild({ [TRAINER_MARK]: "/data/here" });
    const running = busyChild({ [TRAINER_MARK]: "/data/here" });
    const other = busyChild({ [TRAINER_MARK]: "/data/elsewhere" });
    // A child is only recognisable once it has exec'd node with its own environment (a fork still carries ours).
    await until(() => [mine, running, other].every((c) => environOf(c.pid!).includes(`${TRAINER_MARK}=`)));
    for (const c of [mine, other]) process.kill(c.pid!, "SIGSTOP");
    await until(() => stateOf(mine.pid!) === "T" && stateOf(other.pid!) === "T");
    const gone = new Promise((r) => mine.once("exit", (_code, signal) => r(signal)));
    expect(killStoppedOrphans("/data/here")).toEqual([mine.pid]);
    expect(await gone).toBe("SIGKILL");
    expect(stateOf(running.pid!)).not.toBe("T");
    expect(stateOf(other.pid!)).toBe("T");
  });
});
