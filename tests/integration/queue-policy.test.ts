// The next-task priority policy on both databases: with 10,000 imported prompts queued, a new version's release-gate
// comparisons go out first (to several annotators) until the gate has its verdict, then the active version's outputs,
// then the backlog, oldest first; an admin's reordered tiers and pinned batches (a version, one import) take effect.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { runCli } from "../helpers/cli";
import { seedProject } from "../helpers/seed";
import { getDb } from "@/db/client";
import type { Actor } from "@/lib/auth/roles";
import { importFile } from "@/lib/imports/import-file";
import { updateProject } from "@/lib/projects/projects";
import { getQueueMakeup } from "@/lib/rankings/queue-makeup";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { GATE_MIN_JUDGMENTS, releaseGate } from "@/lib/runs/gate";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { updateProjectInput } from "@/lib/validation/projects";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";

/** Parsed at the boundary first, as the action, route and CLI do. */
const updateProjectVia = (actor: AnyActor | null, slug: string, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, slug, input));

const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));
const BACKLOG = 10_000;
const GATE_PROMPTS = 12;
const ACTIVE_PROMPTS = 5;

type Row = { id: string };
const rows = async (q: ReturnType<typeof sql>) => (await getDb().execute(q)).rows as Row[];

/**
 * 10,000 imported prompts with two imported outputs each (one statement each, generate_series), the active version
 * v1's outputs on 5 prompts written after them, and v2's release gate: 12 comparisons of a held-out prompt, one output
 * of v2 and one of v1, written last. Under the old order (oldest first) the gate and v1 would wait behind all 10,000.
 */
async function world() {
  const project = await seedProject({ settings: { overlap: 3, k: 4 } });
  const db = getDb();
  await db.execute(sql`insert into prompts (project_id, instruction, source, status, created_at)
    select ${project.id}, 'Backlog question ' || g, 'import', 'approved', now() - interval '1 day' + (g || ' milliseconds')::interval
    from generate_series(1, ${BACKLOG}) g`);
  await db.execute(sql`insert into completions (prompt_id, text, source, generator)
    select p.id, 'Imported answer ' || k, 'import', 'm' || k from prompts p cross join generate_series(1, 2) k`);
  const [v1] = await rows(sql`insert into model_versions (project_id, label, base, config, checkpoint_path, is_active)
    values (${project.id}, 'v1', 'tiny', '{}', '/nowhere/v1', true) returning id`);
  const [v2] = await rows(sql`insert into model_versions (project_id, label, parent_id, base, config, checkpoint_path)
    values (${project.id}, 'v2', ${v1.id}, 'tiny', '{}', '/nowhere/v2') returning id`);
  const active = await rows(sql`insert into prompts (project_id, instruction, source, status, created_at)
    select ${project.id}, 'Fresh question ' || g, 'human', 'approved', now() - interval '1 hour' + (g || ' milliseconds')::interval
    from generate_series(1, ${ACTIVE_PROMPTS}) g returning id`);
  await db.execute(sql`insert into completions (prompt_id, text, source, model_version_id, generator)
    select p.id, 'v1 wrote ' || k, 'model', ${v1.id}, 'v1' from prompts p cross join generate_series(1, 2) k
    where p.id in (${sql.join(active.map((r) => sql`${r.id}::uuid`), sql`, `)})`);
  const gate = await rows(sql`insert into prompts (project_id, instruction, source, status, compare_of, compare_version_id)
    select ${project.id}, 'Held-out question ' || g, 'import', 'approved', gen_random_uuid(), ${v2.id} from generate_series(1, ${GATE_PROMPTS}) g returning id`);
  await db.execute(sql`insert into completions (prompt_id, text, source, model_version_id, generator)
    select p.id, v.label || ' answer', 'model', v.id, v.label from prompts p cross join model_versions v
    where p.compare_version_id = ${v2.id} and v.project_id = ${project.id}`);
  return { project, v1: v1.id, v2: v2.id, active: new Set(active.map((r) => r.id)), gate: new Set(gate.map((r) => r.id)) };
}

/** Ranks a task: the new version's output first on a comparison, otherwise the order shown. */
async function rank(person: Actor, task: NonNullable<Awaited<ReturnType<typeof nextTask>>>, v2: string) {
  const outs = (await getDb().execute(sql`select id, model_version_id as "versionId" from completions where prompt_id = ${task.prompt.id}`)).rows as Array<{ id: string; versionId: string | null }>;
  const newer = outs.find((o) => o.versionId === v2);
  const order = newer ? [[newer.id], ...task.outputs.filter((o) => o.id !== newer.id).map((o) => [o.id])] : task.outputs.map((o) => [o.id]);
  await submitRankingVia(person, { assignmentId: task.assignmentId, order, idempotencyKey: randomUUID() });
}

describeEachDatabase("next-task priority policy", () => {
  it("hands out the gate's comparisons first until its verdict, then the active version's outputs, then the backlog", async () => {
    const w = await world();
    const people = [await makeActor("annotator"), await makeActor("annotator"), await makeActor("annotator")];
    const admin = await makeActor("admin");

    // The queue's make-up names each kind before anyone ranks.
    const makeup = await getQueueMakeup(admin, "demo");
    expect(makeup.order).toEqual(["gate", "active", "routing", "backlog"]);
    expect(makeup.rows.map((r) => [r.kind, r.label, r.open])).toEqual([
      ["gate", "v2", GATE_PROMPTS],
      ["active", "v1", ACTIVE_PROMPTS],
      ["import", null, BACKLOG],
    ]);

    // Three annotators in turn: every task is a comparison until all 12 × 3 are out, and the gate stays pending
    // until it has the judgments it needs, then gives its verdict.
    const handed: string[] = [];
    let judgments = 0;
    for (let round = 0; round < GATE_PROMPTS; round++) {
      for (const person of people) {
        const task = (await nextTaskVia(person, { projectSlug: "demo" }))!;
        handed.push(task.prompt.id);
        expect(w.gate.has(task.prompt.id), `task ${handed.length} should be a gate comparison`).toBe(true);
        const before = (await releaseGate(getDb(), w.v2))!;
        expect(before.status).toBe(judgments < GATE_MIN_JUDGMENTS ? "pending" : "recommended");
        await rank(person, task, w.v2);
        judgments += 1;
        if (judgments === GATE_MIN_JUDGMENTS - 1) expect((await releaseGate(getDb(), w.v2))!).toMatchObject({ status: "pending", judgments: 11, needed: 12, recommended: false });
        if (judgments === GATE_MIN_JUDGMENTS) expect((await releaseGate(getDb(), w.v2))!).toMatchObject({ status: "recommended", judgments: 12, winRate: 100, recommended: true });
      }
    }
    // Each comparison went to three different people, never past the overlap of 3.
    const counts = new Map<string, number>();
    for (const id of handed) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 3)).toBe(true);
    expect(counts.size).toBe(GATE_PROMPTS);

    // Then the active version's outputs, then the backlog from its oldest prompt.
    for (let i = 0; i < ACTIVE_PROMPTS; i++) {
      for (const person of people) {
        const task = (await nextTaskVia(person, { projectSlug: "demo" }))!;
        expect(w.active.has(task.prompt.id), "the active version's outputs come before the backlog").toBe(true);
        await rank(person, task, w.v2);
      }
    }
    const next = (await nextTaskVia(people[0], { projectSlug: "demo" }))!;
    expect(next.prompt.instruction).toBe("Backlog question 1");
    // Once one backlog prompt has a ranking, the next person finishes it before opening another (routing).
    await rank(people[0], next, w.v2);
    expect((await nextTaskVia(people[1], { projectSlug: "demo" }))!.prompt.id).toBe(next.prompt.id);
  }, 120_000);

  it("leases gate tasks to annotators asking at once, never more than the overlap on one prompt", async () => {
    const w = await world();
    const people = await Promise.all(Array.from({ length: 9 }, () => makeActor("annotator")));
    const tasks = await Promise.all(people.map((p) => nextTaskVia(p, { projectSlug: "demo" })));
    expect(tasks.every((t) => t && w.gate.has(t.prompt.id))).toBe(true);
    const leases = (await getDb().execute(sql`select prompt_id as id, count(*)::int as n from assignments where status = 'open' group by prompt_id`)).rows as Array<{ id: string; n: number }>;
    expect(leases.reduce((a, r) => a + r.n, 0)).toBe(9);
    expect(Math.max(...leases.map((r) => r.n))).toBeLessThanOrEqual(3);
  }, 120_000);

  it("follows an admin's order: tiers moved, a version pinned ahead of the gate, one import boosted", async () => {
    const w = await world();
    const admin = await makeActor("admin");
    const a = await makeActor("annotator");
    const b = await makeActor("annotator");
    const c = await makeActor("annotator");

    // The backlog moved to the front: the oldest imported prompt comes first.
    await updateProjectVia(admin, "demo", { queueOrder: "backlog, gate" });
    expect((await nextTaskVia(a, { projectSlug: "demo" }))!.prompt.instruction).toBe("Backlog question 1");

    // v1's outputs pinned ahead of everything (the tiers left out follow in their default order).
    await updateProjectVia(admin, "demo", { queueOrder: "version:v1" });
    expect(w.active.has((await nextTaskVia(b, { projectSlug: "demo" }))!.prompt.id)).toBe(true);

    // A file import boosted above the backlog but below the gate: its prompts jump 10,000 older ones, not the gate.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tl-queue-")), "tasks.jsonl");
    fs.writeFileSync(file, ["Boosted one", "Boosted two"].map((q) => JSON.stringify({ instruction: q, outputs: [{ generator: "a", output: `${q} A` }, { generator: "b", output: `${q} B` }] })).join("\n"));
    await importFile(admin, { projectSlug: "demo", path: file, format: "ranking" });
    const [audit] = (await getDb().execute(sql`select id from audit_log where action = 'import.file' order by id desc limit 1`)).rows as Array<{ id: number | string }>;
    const batch = `import:${audit.id}`;
    expect((await getQueueMakeup(admin, "demo")).rows.find((r) => r.batch === batch)).toMatchObject({ kind: "import", open: 2 });
    await updateProjectVia(admin, "demo", { queueOrder: `gate, active, ${batch}` });
    expect(w.gate.has((await nextTaskVia(c, { projectSlug: "demo" }))!.prompt.id)).toBe(true);
    await updateProjectVia(admin, "demo", { queueOrder: `${batch}, gate` });
    const d = await makeActor("annotator");
    expect((await nextTaskVia(d, { projectSlug: "demo" }))!.prompt.instruction).toMatch(/^Boosted (one|two)$/);

    // A batch naming no version is passed over; a malformed entry is refused, naming the field, and nothing changes.
    await updateProjectVia(admin, "demo", { queueOrder: "version:v9" });
    expect(w.gate.has((await nextTaskVia(await makeActor("annotator"), { projectSlug: "demo" }))!.prompt.id)).toBe(true);
    await expect(updateProjectVia(admin, "demo", { queueOrder: "gate, everything" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { queueOrder: [expect.stringContaining('"everything"')] } });
    const [{ settings }] = (await getDb().execute(sql`select settings from projects where slug = 'demo'`)).rows as Array<{ settings: { queueOrder: string[] } }>;
    expect(settings.queueOrder).toEqual(["version:v9"]);
  }, 120_000);
});

describe("queue order from the CLI", () => {
  it("sets the order and generate-on-promote with `project update`, and refuses a malformed entry naming the flag's field", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-queue-cli-"));
    expect((await runCli(dir, ["project", "create", "--slug", "q", "--name", "Q"])).code).toBe(0);
    const updated = await runCli(dir, ["project", "update", "--slug", "q", "--queue-order", "version:v2, gate", "--generate-on-promote", "false"]);
    expect(updated, updated.stderr).toMatchObject({ code: 0 });
    expect(updated.stdout).toMatch(/queue-order=version:v2,gate,active,routing,backlog generate-on-promote=false/);
    const bad = await runCli(dir, ["project", "update", "--slug", "q", "--queue-order", "gate,soonest"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/queueOrder: Queue order: "soonest" is not gate, active, routing, backlog/);
    const listed = JSON.parse((await runCli(dir, ["project", "list", "--json"])).stdout) as Array<{ settings: { queueOrder: string[]; generateOnPromote: boolean } }>;
    expect(listed[0].settings).toMatchObject({ queueOrder: ["version:v2", "gate"], generateOnPromote: false });
  }, 120_000);
});
