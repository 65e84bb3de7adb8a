// The Evaluation page in Chromium: a reviewer follows the Models page's link and reads, per category and version, win
// rates against the previous and the active version with intervals, held-out loss and output lengths, marked where a
// version improved or regressed, with both charts drawn; an annotator is refused. The versions and rankings are the
// integration test's (tests/helpers/evaluation-seed.ts), written into the app's embedded database before it serves.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { connectPglite, setConnection } from "@/db/client";
import { seedVersions } from "../helpers/evaluation-seed";
import { hasChromium } from "./fixtures";
import { useAppWithPeople } from "./people";
import { EvaluationPage } from "./pages/evaluation";

const people = {
  rev: { email: "rev@example.test", name: "Rita Reviewer", role: "reviewer" },
  ann: { email: "ann@example.test", name: "Ann Annotator", role: "annotator" },
} as const;

describe.skipIf(!hasChromium)("evaluation per category in Chromium", () => {
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      // The CLI that added the people migrated the database; the app is not serving yet, so this process may open it.
      const conn = connectPglite(path.join(dataDir, "db"));
      const previous = setConnection(conn);
      try {
        await seedVersions();
      } finally {
        setConnection(previous);
        await conn.close();
      }
    },
  });

  it("a reviewer reads per-category win rates, losses and lengths with improvements and regressions marked", async () => {
    const page = await e2e.signedIn("rev");
    const ev = new EvaluationPage(page);
    await ev.openFromModels("evalp");
    expect(await ev.versions()).toEqual(["v1", "v2", "v3"]);
    expect(await ev.active()).toBe("v2");

    // v2 against v1 in coding: 6 of 6 judgments, interval [100, 100]: improved; its loss fell 2.0 → 1.5: improved.
    expect(await ev.win("v2", "coding", "previous")).toEqual({ text: "vs v1 100% [100, 100] n=6 ▲", mark: "improved" });
    expect(await ev.loss("v2", "coding")).toEqual({ text: "loss 1.500 ± 0.050 ▲", mark: "improved" });
    // v2 against v1 in open QA: 1 win, 3 losses, 1 tie: 30%, not marked.
    expect((await ev.win("v2", "open QA", "previous")).mark).toBe("none");
    expect((await ev.win("v2", "open QA", "previous")).text).toMatch(/^vs v1 30% \[\d+, \d+\] n=5$/);
    // v3 lost all 5 open QA judgments to v2 (previous and active): regressed, and its loss rose 2.05 → 2.4.
    expect(await ev.win("v3", "open QA", "previous")).toEqual({ text: "vs v2 0% [0, 0] n=5 ▼", mark: "regressed" });
    expect(await ev.win("v3", "open QA", "active")).toEqual({ text: "vs active v2 0% [0, 0] n=5 ▼", mark: "regressed" });
    expect(await ev.loss("v3", "open QA")).toEqual({ text: "loss 2.400 ± 0.050 ▼", mark: "regressed" });
    // 4 of 4 in coding: too few judgments to mark.
    expect(await ev.win("v3", "coding", "previous")).toEqual({ text: "vs v2 100% [100, 100] n=4", mark: "none" });
    expect(await ev.length("v2", "open QA")).toBe("31 / 30 chars (10)");
    await ev.chartsDrawn();
  });

  it("an annotator is refused", async () => {
    const page = await e2e.signedIn("ann");
    await page.goto("/evaluation/evalp");
    await page.getByTestId("forbidden").waitFor();
  });
});
