// Base models in Chromium: an admin imports a tiny Llama-family folder on the Models page (a bad path is refused by
// the field), picks it as the project's base, retrains it with LoRA (few steps), promotes the version, and an
// annotator's next task shows the outputs it wrote.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { RankPage } from "./pages/annotate";
import { writeRandomLlama } from "../helpers/trainer-llama-folder";

const people = {
  admin: { email: "admin@example.test", name: "Ada Admin", role: "admin" },
  ann: { email: "ann@example.test", name: "Ann Annotator", role: "annotator" },
} as const;

const DEMO = "A written answer.";
const tasks = Array.from({ length: 8 }, (_, i) => ({ instruction: `Name colour number ${i}.`, input: "", output: DEMO }));

describe.skipIf(!hasChromium)("base models in Chromium", () => {
  let folder = "";

  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo", "--k", "2", "--overlap", "1", "--max-new-tokens", "8"]);
      const file = path.join(dataDir, "alpaca.json");
      fs.writeFileSync(file, JSON.stringify(tasks));
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "alpaca"]);
      // The folder an admin downloaded by hand, on the server's disk.
      folder = path.join(dataDir, "downloads", "tiny-chat");
      writeRandomLlama(folder, { family: "llama", hidden: 16, heads: 2, kvHeads: 1, layers: 1, intermediate: 32, maxPositions: 64, tied: true, dtype: "F32", seed: 11 });
    },
    timeout: 300_000,
  });
  const { signedIn } = e2e;

  it("import on the Models page → pick as base → retrain with LoRA → version → outputs in the ranking queue", async () => {
    const admin = await signedIn("admin");
    await admin.goto("/models");
    // A folder that is not there is refused beside the field.
    await admin.getByTestId("field-path").fill(path.join(path.dirname(folder), "missing"));
    await admin.getByTestId("import-model-submit").click();
    await expect.poll(() => admin.getByTestId("error-path").textContent()).toMatch(/No such folder on the server/);
    await admin.getByTestId("field-path").fill(folder);
    await admin.getByTestId("import-model-submit").click();
    const row = admin.getByTestId("base-model-tiny-chat");
    await expect.poll(() => row.getByTestId("base-model-status").textContent(), { timeout: 120_000, interval: 500 }).toBe("ready");
    expect(await row.textContent()).toMatch(/llama · LoRA/);

    await admin.goto("/training/demo");
    await admin.getByTestId("field-baseModelId").selectOption({ label: "tiny-chat (llama)" });
    await admin.getByTestId("base-model-save").click();
    await admin.getByTestId("base-model-saved").waitFor();
    await expect.poll(() => admin.getByTestId("project-base").textContent()).toMatch(/starts from tiny-chat/);

    // The schedule form below has the same LoRA fields: work inside the retrain form.
    const retrain = admin.getByTestId("retrain-form");
    await retrain.getByTestId("field-stage").selectOption("sft");
    await retrain.getByTestId("field-base").selectOption("active");
    await retrain.locator('input[name="steps"]').fill("3");
    await retrain.locator('input[name="batch"]').fill("2");
    await retrain.getByTestId("field-blockSize").fill("32");
    await retrain.getByTestId("field-lora").check();
    await retrain.getByTestId("field-loraRank").fill("2");
    await retrain.getByTestId("retrain-submit").click();
    await admin.waitForURL(/\/training\/runs\/[0-9a-f-]{36}$/);
    const live = admin.getByTestId("run-live");
    await expect.poll(() => live.getAttribute("data-status"), { timeout: 240_000, interval: 500 }).toMatch(/succeeded|failed|cancelled/);
    const status = await live.getAttribute("data-status");
    if (status !== "succeeded") throw new Error(`run ${status}: ${await admin.getByTestId("run-error").textContent().catch(() => "")}\n${e2e.app.logs().slice(-3000)}`);
    expect(await admin.getByTestId("run-hyperparameters").textContent()).toMatch(/LoRA rank 2 alpha 32 on q,k,v,o,gate,up,down/);
    expect(await live.textContent()).toMatch(/from model:tiny-chat/);

    await admin.getByTestId("run-result").getByRole("link").click();
    await admin.waitForURL(/\/models\/demo/);
    const version = admin.locator('[data-testid^="version-"][data-depth]').first();
    await expect.poll(() => version.getByTestId("version-label").textContent()).toBe("v1");
    const versionId = (await version.getAttribute("data-testid"))!.replace("version-", "");
    await admin.getByTestId(`promote-${versionId}`).click();
    await admin.getByTestId("field-reason").fill("The first version.");
    await admin.getByTestId(`promote-confirm-${versionId}`).click();
    await version.getByTestId("active-badge").waitFor();
    await expect
      .poll(
        async () => {
          await admin.reload();
          return admin.getByTestId(`version-${versionId}`).getByTestId("version-outputs").textContent();
        },
        { timeout: 180_000, interval: 1000 },
      )
      .toBe(`wrote ${tasks.length} outputs`);

    const ann = await signedIn("ann");
    const rank = new RankPage(ann);
    await rank.open("demo");
    await rank.waitTask(2);
    const texts = await rank.texts();
    expect(texts.filter((t) => t.trim() === DEMO)).toHaveLength(1);
    expect(texts.filter((t) => t.trim() !== DEMO)).toHaveLength(1);
  }, 600_000);
});
