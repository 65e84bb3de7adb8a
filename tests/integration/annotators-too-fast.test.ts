// Too-fast annotators: a median time per ranking under the project's threshold is flagged on the Annotators page.
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { getDb } from "@/db/client";
import { projects } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { listAnnotatorQuality } from "@/lib/quality/annotators";
import { nextTask } from "@/lib/rankings/tasks";
import { submitRanking } from "@/lib/rankings/submit";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

async function rankWithTimes(actor: Actor, times: number[]) {
  for (const timeSpentMs of times) {
    const t = (await nextTaskVia(actor, { projectSlug: "demo" }))!;
    await submitRankingVia(actor, { assignmentId: t.assignmentId, order: t.outputs.map((o) => [o.id]), timeSpentMs, idempotencyKey: crypto.randomUUID() });
  }
}

describeEachDatabase("too-fast annotators", () => {
  it("flags a median under the threshold (default 4 s), not a fast outlier, and follows the project's setting", async () => {
    const project = await seedProject({ settings: { overlap: 3, goldRate: 0 } });
    await seedPrompts(project.id, 3, 2);
    const reviewer = await makeActor("reviewer");
    const hasty = await makeActor("annotator", "Hasty");
    const careful = await makeActor("annotator", "Careful");
    // Hasty: median 1.5 s (the case). Careful: one 0.8 s slip, median 12 s.
    await rankWithTimes(hasty, [1500, 1200, 30_000]);
    await rankWithTimes(careful, [800, 12_000, 15_000]);

    const flagged = async () => Object.fromEntries((await listAnnotatorQuality(reviewer, "demo")).map((q) => [q.name, [q.medianTimeMs, q.tooFast]]));
    expect(await flagged()).toEqual({ Hasty: [1500, true], Careful: [12_000, false] });

    // A project that expects quick judgments lowers the bar; one that wants care raises it.
    await getDb().update(projects).set({ settings: { ...project.settings, tooFastSeconds: 1 } }).where(eq(projects.id, project.id));
    expect(await flagged()).toEqual({ Hasty: [1500, false], Careful: [12_000, false] });
    await getDb().update(projects).set({ settings: { ...project.settings, tooFastSeconds: 20 } }).where(eq(projects.id, project.id));
    expect(await flagged()).toEqual({ Hasty: [1500, true], Careful: [12_000, true] });
  });
});
