// Screening in Chromium: an imported row with planted PII reaches the review queue as a Screening item with each hit
// highlighted; clearing it empties the queue; the admin's Screening card saves the export policy.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hasChromium, runCli } from "./fixtures";
import { useAppWithPeople } from "./people";
import { ReviewQueuePage } from "./pages/review";

const people = {
  reviewer: { email: "rita@example.test", name: "Rita Reviewer", role: "reviewer" },
  admin: { email: "ada@example.test", name: "Ada Admin", role: "admin" },
} as const;

const EMAIL = "sam.doe@example.org";
const CARD = "4111-1111-1111-1111";

describe.skipIf(!hasChromium)("screening in Chromium", () => {
  const e2e = useAppWithPeople(people, {
    prepare: async (dataDir) => {
      await runCli(dataDir, ["project", "create", "--slug", "demo", "--name", "Demo"]);
      const file = path.join(dataDir, "rows.jsonl");
      const rows = [
        { instruction: `Draft a reply to ${EMAIL} about the refund.`, input: "", output: `Refund issued to card ${CARD}.` },
        { instruction: "Name a prime number.", input: "", output: "Seven." },
      ];
      fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      await runCli(dataDir, ["import", file, "--project", "demo", "--format", "alpaca"]);
    },
    timeout: 300_000,
  });
  const { signedIn } = e2e;

  it("highlights each hit for the reviewer; clearing it leaves the queue empty", async () => {
    const rev = await signedIn("reviewer");
    const queue = new ReviewQueuePage(rev);
    await queue.open("demo", { kind: "screening" });
    expect(await queue.items("screening").count()).toBe(1);
    const hits = queue.selected().getByTestId("pii-hit");
    expect(await hits.evaluateAll((els) => els.map((e) => [e.getAttribute("data-kind"), e.textContent]))).toEqual([
      ["email", EMAIL],
      ["card", CARD],
    ]);
    await queue.press("a");
    await queue.empty();
    await rev.context().close();
  });

  it("the admin's Screening card saves the PII policy and shows how safety screening is going", async () => {
    const admin = await signedIn("admin");
    await admin.goto("/admin/projects/demo");
    const panel = admin.getByTestId("screening-panel");
    await panel.getByTestId("field-pii").selectOption("exclude");
    await panel.getByTestId("screening-save").click();
    await admin.waitForLoadState("networkidle");
    await admin.reload();
    expect(await admin.getByTestId("screening-panel").getByTestId("field-pii").inputValue()).toBe("exclude");
    expect(await admin.getByTestId("moderation-status").textContent()).toContain("0 waiting");
    await admin.context().close();
  });
});
