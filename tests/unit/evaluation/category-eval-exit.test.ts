// A trainer child that prints its figures and then hangs on its way out (seen in CI: `evaluate` printed the per-category
// figures, then waited on a lock at exit for ten minutes) is killed after a grace period and its figures stand.
import { describe, expect, it } from "vitest";
import { figuresOnce } from "@/lib/evaluation/category-eval";

type Exit = { code: number | null; signal: NodeJS.Signals | null; logTail: string };

/** A fake child: exits when told, or when stopped (as a signal would end it). */
function fakeChild() {
  let exit: (e: Exit) => void = () => {};
  const stops: string[] = [];
  const done = new Promise<Exit>((r) => (exit = r));
  return { done, stops, exit: (e: Exit) => exit(e), stop: (signal: NodeJS.Signals = "SIGTERM") => (stops.push(signal), exit({ code: null, signal, logTail: "" })) };
}
const parse = (line: string) => (line.startsWith("{") ? (JSON.parse(line) as { loss: number }) : null);

describe("figuresOnce", () => {
  it("kills a child that printed its figures but does not exit, and keeps the figures", async () => {
    const watch = figuresOnce(parse, 50);
    const child = fakeChild();
    const result = watch.awaitFigures(child);
    watch.onLine("loading the model");
    watch.onLine('{"loss":1.5}');
    expect(await result).toEqual({ loss: 1.5 });
    expect(child.stops).toEqual(["SIGKILL"]);
  });

  it("leaves a child that exits on its own alone, even when the figures came before the wait", async () => {
    const watch = figuresOnce(parse, 50);
    const child = fakeChild();
    watch.onLine('{"loss":2}');
    const result = watch.awaitFigures(child);
    child.exit({ code: 0, signal: null, logTail: "" });
    expect(await result).toEqual({ loss: 2 });
    await new Promise((r) => setTimeout(r, 80));
    expect(child.stops).toEqual([]);
  });

  it("without figures, a failed exit throws its last log line and a clean one says nothing was printed", async () => {
    const failed = figuresOnce(parse, 50);
    const a = fakeChild();
    const ra = failed.awaitFigures(a);
    a.exit({ code: 1, signal: null, logTail: "loading\nout of memory" });
    await expect(ra).rejects.toThrow("evaluate exited with 1: out of memory");
    const silent = figuresOnce(parse, 50);
    const b = fakeChild();
    const rb = silent.awaitFigures(b);
    b.exit({ code: 0, signal: null, logTail: "" });
    await expect(rb).rejects.toThrow("evaluate printed no figures");
  });
});
