// The V8 flags `tuneloop serve` gives each web process: a 64 MB semi-space unless NODE_OPTIONS sets one.
import { describe, expect, it } from "vitest";
import { webProcessFlags } from "@/lib/cli/commands/serve";

describe("webProcessFlags", () => {
  it("asks for a 64 MB semi-space by default", () => {
    expect(webProcessFlags("")).toEqual(["--max-semi-space-size=64"]);
    expect(webProcessFlags("--enable-source-maps")).toEqual(["--max-semi-space-size=64"]);
  });

  it("leaves the semi-space to NODE_OPTIONS when it names one", () => {
    expect(webProcessFlags("--max-semi-space-size=16")).toEqual([]);
  });
});
