// The retrain loop in Chromium: an admin clicks "Retrain now", watches the progress bar move and the loss chart fill,
// sees the new version, promotes it, starts generation, and an annotator's next task shows that version's outputs.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { RankPage } from "./pages/annotate";

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann Annotator", role: "annotator" },
} as const;

// Demonstrations to learn from; each is also a prompt short of K = 2 outputs, so generation gives it one more.
const DEMO = "A written answer.";
const tasks = Array.from({ length: 8 }, (_, i) => ({ instruction: `Name colour number ${i}.`, input: "", output: DEMO }));

describe.skipIf(!hasChromium)("the retrain loop in Chromium", () => {


  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "1", "--max-new-tokens", "16"]);
      const file = path.join(dataDir, "alpaca.json");
      fs.writeFileSync(file, JSON.stringify(tasks));
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "alpaca"]);
    },
    timeout: 300_000,
  });
  const { signedIn } = e2e;

  it("retrain → live progress and loss chart → version → promote → generate → the annotator ranks its outputs", async () => {
    const admin = await signedIn("admin");
    await admin.goto("/training/demo");
    await admin.getByTestId("field-stage").selectOption("sft");
    await admin.getByTestId("field-base").selectOption("tiny");
    await admin.locator('input[name="steps"]').fill("150");
    await admin.locator('input[name="batch"]').fill("4");
    await admin.getByTestId("retrain-submit").click();
    await admin.waitForURL(/\/training\/runs\/[0-9a-f-]{36}$/);

    // Without reloading, the progress bar moves and the loss chart fills while the run trains.
    const progress = admin.getByTestId("run-progress");
    const seen = new Set<number>();
    const points = new Set<number>();
    const live = admin.getByTestId("run-live");
    const deadline = Date.now() + 240_000;
    const phases = new Set<string>();
    while ((await live.getAttribute("data-status")) !== "succeeded") {
      expect(await live.getAttribute("data-status")).not.toMatch(/failed|cancelled/);
      expect(Date.now(), "the run should finish in time").toBeLessThan(deadline);
      seen.add(Number(await progress.getAttribute("aria-valuenow")));
      const phase = admin.getByTestId("run-phase");
      if (await phase.count()) phases.add((await phase.textContent()) ?? "");
      const chart = admin.getByTestId("loss-chart");
      if (await chart.count()) points.add(Number(await chart.getAttribute("data-points")));
      await admin.waitForTimeout(250);
    }
    const moving = [...seen].filter((s) => s > 0 && s < 150);
    expect(moving.length, `progress values seen: ${[...seen].join(", ")}`).toBeGreaterThanOrEqual(2);
    expect([...points].filter((n) => n > 0).length, `chart sizes seen: ${[...points].join(", ")}`).toBeGreaterThanOrEqual(2);
    expect(Number(await progress.getAttribute("aria-valuenow"))).toBe(150);
    expect(Number(await admin.getByTestId("loss-chart").getAttribute("data-points"))).toBeGreaterThan(1);
    // The phase is said in words while the run is live; the memory plan and the trainer's log stay on the page.
    expect([...phases].some((p) => /^(exporting a snapshot|starting the trainer|training|saving the checkpoint|evaluating on held-out data|waiting for a worker)/.test(p)), [...phases].join(" | ")).toBe(true);
    expect(await admin.getByTestId("run-stage").textContent()).toBe("stage SFT");
    expect(await admin.getByTestId("run-memory-plan").textContent()).toMatch(/^memory: \d+ sequences? a pass × \d+ pass(es)? an update, (blocks recomputed in backward|no recomputation), about [\d.]+ (MiB|GiB) of the [\d.]+ (MiB|GiB) the \w+ backend may use$/);
    expect(await admin.getByTestId("run-log").textContent()).toMatch(/TensorFlow\.js backend/);

    // The new version, promoted by hand (no comparison could gate the first version), then asked for outputs.
    await admin.getByTestId("run-result").getByRole("link").click();
    await admin.waitForURL(/\/models\/demo/);
    const version = admin.locator('[data-testid^="version-"][data-depth]').first();
    await expect.poll(() => version.getByTestId("version-label").textContent()).toBe("v1");
    const versionId = (await version.getAttribute("data-testid"))!.replace("version-", "");
    // The first version has nothing to compare with: its gate line says so, not "did not recommend".
    expect(await version.getByTestId("gate").textContent()).toContain("v1 is the first version: there is nothing to compare it with.");
    await admin.getByTestId(`promote-${versionId}`).click();
    expect(await admin.getByTestId("promote-question").textContent()).toContain("v1 is the first version: there is nothing to compare it with.");
    await admin.getByTestId("field-reason").fill("The first version: nothing to compare it with.");
    await admin.getByTestId(`promote-confirm-${versionId}`).click();
    await version.getByTestId("active-badge").waitFor();
    // Promotion queued generation from it (the project's default); the card shows that generation's progress.
    await expect.poll(() => version.getByTestId("generation-progress").textContent(), { timeout: 30_000 }).toMatch(/^Generation \(queued by promotion\): (queued|starting|writing|done)/);
    // Asking again while that generation is queued or running is refused with a message saying so.
    await admin.getByTestId("generate-outputs").click();
    await expect.poll(() => admin.getByTestId("generate-status").textContent()).toMatch(/^Generation queued|already (queued|running)/);
    try {
      await expect
        .poll(
          async () => {
            await admin.reload();
            return admin.getByTestId(`version-${versionId}`).getByTestId("version-outputs").textContent();
          },
          { timeout: 180_000, interval: 1000 },
        )
        .toBe(`wrote ${tasks.length} outputs`);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- app log ---\n${e2e.app.logs().slice(-4000)}`);
    }

    // An annotator's next task: the demonstration beside the output v1 wrote (no model names shown).
    const ann = await signedIn("ann");
    const rank = new RankPage(ann);
    await rank.open("demo");
    await rank.waitTask(2);
    const texts = await rank.texts();
    expect(texts.filter((t) => t.trim() === DEMO)).toHaveLength(1);
    expect(texts.filter((t) => t.trim() !== DEMO)).toHaveLength(1);
    expect(await ann.getByTestId("rank-task").textContent()).not.toMatch(/\bv1\b|tiny/);
  }, 420_000);
});
