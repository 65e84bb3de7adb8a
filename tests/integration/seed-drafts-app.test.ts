// Drafting from seeds in the app: a reviewer queues a seed-drafts job, the job runner drafts through a model source, and the
// status the form polls reads queued, then done with the kept and refused counts (or failed with the reason).
import { afterEach, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { withInput } from "../helpers/input";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { getDb } from "@/db/client";
import type { Actor } from "@/lib/auth/roles";
import { BOSS_SCHEMA } from "@/lib/jobs/boss";
import { stopBoss } from "@/lib/jobs/queue";
import { startJobRunner, type JobRunner } from "@/lib/jobs/runner";
import { getSeedDraftsStatus, listDrafters, queueSeedDrafts, type SeedDraftsStatus } from "@/lib/prompts/seed-drafts-job";
import { addSource } from "@/lib/sources/sources";
import { addSourceInput } from "@/lib/validation/sources";
import { draftFromSeedsInput, seedDraftsJobRef } from "@/lib/validation/prompts";

let runner: JobRunner | null = null;

const queueVia = (actor: Actor, raw: unknown) => withInput(draftFromSeedsInput, raw, (input) => queueSeedDrafts(actor, input));
const statusVia = (actor: Actor, raw: unknown) => withInput(seedDraftsJobRef, raw, (input) => getSeedDraftsStatus(actor, input));
const jobsQueued = async () => Number(((await getDb().execute(sql.raw(`select count(*)::int as n from ${BOSS_SCHEMA}.job where name = 'seed-drafts'`))).rows[0] as { n: number }).n);

async function settled(actor: Actor, slug: string, jobId: string): Promise<SeedDraftsStatus> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 300))) {
    const s = await statusVia(actor, { projectSlug: slug, jobId });
    if (s.state === "done" || s.state === "failed") return s;
  }
  throw new Error(`seed-drafts job ${jobId} did not finish in 60 s`);
}

describeEachDatabase("Seed drafts in the app", () => {
  afterEach(async () => {
    await runner?.stop();
    runner = null;
    await stopBoss();
  });

  it("a reviewer's job drafts through a model source: kept ones wait in review, copies and empty replies are counted; the status names them", async () => {
    let call = 0;
    // one novel task, a copy of a seed ("Question number 1?" is one), an empty reply
    const replies = ["Task 4: Describe how a lighthouse keeps ships away from the rocks at night.", "Task 4: Question number 1?", "ok"];
    const server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, replies[call++ % replies.length]) }));
    try {
      const admin = await makeActor("admin");
      const reviewer = await makeActor("reviewer");
      const project = await seedProject();
      await seedPrompts(project.id, 4, 2);
      await addSource(admin, addSourceInput.parse({ projectSlug: "demo", name: "drafter", baseUrl: server.baseUrl, model: "m" }));
      expect(await listDrafters(reviewer, "demo")).toEqual({ sources: ["drafter"], versions: [] });

      const { jobId } = await queueVia(reviewer, { projectSlug: "demo", source: "drafter", n: "3", k: "2" });
      expect(await statusVia(reviewer, { projectSlug: "demo", jobId })).toEqual({ jobId, state: "queued" });
      runner = await startJobRunner({ pollSeconds: 0.5 });
      const done = await settled(reviewer, "demo", jobId);
      expect(done).toMatchObject({ state: "done", outcome: { asked: 3, tooSimilar: 1, empty: 1, failed: 0 } });
      if (done.state !== "done") throw new Error("unreachable");
      expect(done.outcome.kept.map((k) => k.instruction)).toEqual(["Describe how a lighthouse keeps ships away from the rocks at night."]);
      expect(server.log).toHaveLength(3);

      // The kept draft waits for a reviewer: submitted, written by the model, no author; the audit names who asked.
      const [row] = (await getDb().execute(sql`select status, source, author_id from prompts where id = ${done.outcome.kept[0].id}`)).rows;
      expect(row).toEqual({ status: "submitted", source: "model", author_id: null });
      const [audit] = (await getDb().execute(sql`select actor_id, data from audit_log where action = 'prompt.draft_from_seeds'`)).rows as Array<{ actor_id: string; data: Record<string, unknown> }>;
      expect(audit).toMatchObject({ actor_id: reviewer.id, data: { source: "drafter", asked: 3, kept: 1, tooSimilar: 1 } });
    } finally {
      await server.close();
    }
  });

  it("refuses before queueing: an unknown source or version (404 naming it), an annotator (403); another project's job is a 404 naming jobId; a project without seeds fails with the reason", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const annotator = await makeActor("annotator");
    await seedProject();
    await seedProject({ slug: "other" });
    await addSource(admin, addSourceInput.parse({ projectSlug: "demo", name: "drafter", baseUrl: "http://127.0.0.1:9/v1", model: "m" }));

    await expect(queueVia(reviewer, { projectSlug: "demo", source: "nope" })).rejects.toMatchObject({ status: 404, fieldErrors: { source: ["Unknown source"] } });
    await expect(queueVia(reviewer, { projectSlug: "demo", version: "v9" })).rejects.toMatchObject({ status: 404, fieldErrors: { version: ["Unknown version"] } });
    await expect(queueVia(reviewer, { projectSlug: "demo", version: "active" })).rejects.toMatchObject({ status: 404, fieldErrors: { version: [expect.stringMatching(/no active version/)] } });
    await expect(queueVia(annotator, { projectSlug: "demo", source: "drafter" })).rejects.toMatchObject({ status: 403 });
    await expect(listDrafters(annotator, "demo")).rejects.toMatchObject({ status: 403 });

    // "demo" has no approved prompts and names no seed imports: the job fails and says why. It is the only job queued.
    const { jobId } = await queueVia(reviewer, { projectSlug: "demo", source: "drafter", n: 2 });
    expect(await jobsQueued()).toBe(1);
    await expect(statusVia(reviewer, { projectSlug: "other", jobId })).rejects.toMatchObject({ status: 404, fieldErrors: { jobId: ["Unknown job"] } });
    await expect(statusVia(reviewer, { projectSlug: "demo", jobId: crypto.randomUUID() })).rejects.toMatchObject({ status: 404, fieldErrors: { jobId: ["Unknown job"] } });
    await expect(statusVia(annotator, { projectSlug: "demo", jobId })).rejects.toMatchObject({ status: 403 });
    runner = await startJobRunner({ pollSeconds: 0.5 });
    expect(await settled(reviewer, "demo", jobId)).toEqual({ jobId, state: "failed", error: expect.stringMatching(/has no seed tasks to draft from/) });
    const [count] = (await getDb().execute(sql`select count(*)::int as n from prompts`)).rows as Array<{ n: number }>;
    expect(Number(count.n)).toBe(0);
  });
});
