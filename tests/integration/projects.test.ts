// Projects on a real database: create, edit, validation, slug conflicts, roles, audit; and the `tuneloop project` CLI.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../helpers/cli";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { auditLog, projects } from "@/db/schema";
import { createProject, getProjectBySlug, listProjects, systemActor, updateProject } from "@/lib/projects/projects";
import { createProjectInput, defaultCategories, updateProjectInput } from "@/lib/validation/projects";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";

/** Through the boundary's parse, as the action, route and CLI do. */
const create = (actor: AnyActor | null, raw: unknown) => withInput(createProjectInput, raw, (input) => createProject(actor, input));
const update = (actor: AnyActor | null, slug: string, raw: unknown) => withInput(updateProjectInput, raw, (input) => updateProject(actor, slug, input));

async function audits(action: string) {
  return (await getDb().select().from(auditLog)).filter((a) => a.action === action);
}

describeEachDatabase("projects", () => {
  it("creates a project with the default categories and settings, audited", async () => {
    const admin = await makeActor("admin");
    const p = await create(admin, { slug: "helpful-qa", name: "Helpful QA", guidelines: "# Rank\nPrefer honest answers." });
    expect(p).toMatchObject({ slug: "helpful-qa", name: "Helpful QA", guidelines: "# Rank\nPrefer honest answers.", createdBy: admin.id });
    expect(p.categories).toEqual([...defaultCategories]);
    expect(p.settings).toEqual({ k: 4, overlap: 3, agreementThreshold: 0.5, goldRate: 0.1, reviseHours: 24, leaseMinutes: 30, temperature: 0.8, topP: 0.95, maxNewTokens: 128, tooFastSeconds: 4 });
    const [entry] = await audits("project.create");
    expect(entry).toMatchObject({ actorId: admin.id, targetType: "project", targetId: p.id });
  });

  it("refuses a bad k with a 400 naming k, and writes nothing", async () => {
    const admin = await makeActor("admin");
    const err = await create(admin, { slug: "p", name: "P", k: 12 }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(Object.keys(err.fieldErrors)).toEqual(["k"]);
    expect(err.message).toMatch(/k/);
    const err2 = await create(admin, { slug: "Bad Slug", name: "", overlap: 0, agreementThreshold: 2 }).catch((e) => e);
    expect(Object.keys(err2.fieldErrors).sort()).toEqual(["agreementThreshold", "name", "overlap", "slug"]);
    expect(await getDb().select().from(projects)).toHaveLength(0);
  });

  it("answers a duplicate slug with 409 naming slug, also when creates race", async () => {
    const admin = await makeActor("admin");
    await create(admin, { slug: "dup", name: "First" });
    const err = await create(admin, { slug: "dup", name: "Second" }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, fieldErrors: { slug: ["Already in use"] } });

    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => create(admin, { slug: "race", name: `R${i}` })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ status: 409 });
    expect(await getDb().select().from(projects)).toHaveLength(2);
  });

  it("edits name, guidelines, categories and some settings, keeping the others; audited with before and after", async () => {
    const admin = await makeActor("admin");
    await create(admin, { slug: "p", name: "P", k: 5, goldRate: 0 });
    const p = await update(admin, "p", { name: "Renamed", guidelines: "new", categories: "coding\nmath and reasoning", overlap: "5", agreementThreshold: 0.7 });
    expect(p).toMatchObject({ slug: "p", name: "Renamed", guidelines: "new", categories: ["coding", "math and reasoning"] });
    expect(p.settings).toEqual({ k: 5, overlap: 5, agreementThreshold: 0.7, goldRate: 0, reviseHours: 24, leaseMinutes: 30, temperature: 0.8, topP: 0.95, maxNewTokens: 128, tooFastSeconds: 4 });
    expect(p.updatedAt.getTime()).toBeGreaterThanOrEqual(p.createdAt.getTime());
    const [entry] = await audits("project.update");
    expect(entry.data).toMatchObject({ slug: "p", settingsBefore: { overlap: 3 }, settingsAfter: { overlap: 5 } });
    expect((entry.data as { changed: string[] }).changed.sort()).toEqual(["agreementThreshold", "categories", "guidelines", "name", "overlap"]);

    await expect(update(admin, "p", { k: 1 })).rejects.toMatchObject({ status: 400, fieldErrors: { k: expect.any(Array) } });
    await expect(update(admin, "p", { slug: "q" })).rejects.toMatchObject({ status: 400 });
    await expect(update(admin, "missing", { name: "x" })).rejects.toMatchObject({ status: 404 });
  });

  it("lets only admins write; every signed-in role reads", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    const annotator = await makeActor("annotator");
    await expect(create(reviewer, { slug: "r", name: "R" })).rejects.toMatchObject({ status: 403 });
    await expect(create(annotator, { slug: "r", name: "R" })).rejects.toMatchObject({ status: 403 });
    await expect(create(null, { slug: "r", name: "R" })).rejects.toMatchObject({ status: 401 });
    await create(admin, { slug: "b-project", name: "B" });
    await create(admin, { slug: "a-project", name: "A" });
    await expect(update(reviewer, "a-project", { name: "x" })).rejects.toMatchObject({ status: 403 });

    expect((await getProjectBySlug(annotator, "a-project")).name).toBe("A");
    expect((await listProjects(reviewer)).map((p) => p.slug)).toEqual(["a-project", "b-project"]);
    await expect(getProjectBySlug(annotator, "nope")).rejects.toMatchObject({ status: 404 });
    await expect(getProjectBySlug(annotator, "../x")).rejects.toMatchObject({ status: 404 });
    await expect(getProjectBySlug(null, "a-project")).rejects.toMatchObject({ status: 401 });
  });

  it("lets the operator (CLI) create projects, audited with no actor; a forged null-id session is refused", async () => {
    const p = await create(systemActor, { slug: "ops", name: "Ops" });
    expect(p.createdBy).toBeNull();
    const [entry] = await audits("project.create");
    expect(entry).toMatchObject({ actorId: null, data: { slug: "ops", via: "cli" } });
    const forged = { ...systemActor, via: "session" } as unknown as AnyActor;
    await expect(create(forged, { slug: "forged", name: "F" })).rejects.toMatchObject({ status: 401 });
  });
});


/** Runs the real CLI with its own embedded database folder. */

describe("tuneloop project (CLI, embedded PGlite)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-cli-project-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates, refuses bad flags and duplicates with exit 2, updates and lists", async () => {
    const guidelines = path.join(dir, "guidelines.md");
    fs.writeFileSync(guidelines, "# Guidelines\nBe kind.");
    const created = await runCli(dir, ["project", "create", "--slug", "cli-demo", "--name", "CLI demo", "--k", "5", "--overlap", "2", "--agreement", "0.6", "--gold-rate", "0", "--guidelines-file", guidelines]);
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/Created project cli-demo "CLI demo": k=5 overlap=2 agreement=0.6 gold-rate=0/);

    const bad = await runCli(dir, ["project", "create", "--slug", "x", "--name", "X", "--k", "12"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tuneloop project: .*k \(outputs per ranking\) is at most 9/m);
    expect((await runCli(dir, ["project", "create", "--slug", "x", "--name", "X", "--bogus", "1"])).code).toBe(2);
    expect((await runCli(dir, ["project", "create", "--name", "X"])).stderr).toMatch(/--slug: is required/);
    const dup = await runCli(dir, ["project", "create", "--slug", "cli-demo", "--name", "Again"]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already exists/);
    expect((await runCli(dir, ["project", "frobnicate"])).code).toBe(2);

    const updated = await runCli(dir, ["project", "update", "--slug", "cli-demo", "--k", "3", "--json"]);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ slug: "cli-demo", settings: { k: 3, overlap: 2, agreementThreshold: 0.6, goldRate: 0 } });
    const listed = await runCli(dir, ["project", "list", "--json"]);
    expect(JSON.parse(listed.stdout).map((p: { slug: string }) => p.slug)).toEqual(["cli-demo"]);
  });
});
