// A full or read-only disk under the data folder: an export fails naming ENOSPC / EROFS and leaves no folder and no
// `exports` row; a trainer checkpoint write fails with a non-zero exit naming the reason and leaves no half checkpoint.
// The disk is a small tmpfs mounted for the test (root only); the tests skip, saying why, where mounting is refused.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { createExport } from "@/lib/exports/snapshot";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createExportInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));

const root = path.resolve(import.meta.dirname, "../..");

function mount(dir: string, size: string) {
  return spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir], { encoding: "utf8" });
}
function unmount(dir: string) {
  spawnSync("umount", ["-l", dir]);
}

/** Null when a tmpfs can be mounted and remounted read-only here; else why not. */
const mountRefused: string | null = (() => {
  if (process.platform !== "linux") return "tmpfs mounts need Linux";
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), "tl-mount-probe-"));
  try {
    const m = mount(probe, "64k");
    if (m.status !== 0) return `mounting a tmpfs is not permitted here (${(m.stderr || m.error?.message || "").trim()})`;
    const ro = spawnSync("mount", ["-o", "remount,ro", probe], { encoding: "utf8" });
    unmount(probe);
    return ro.status === 0 ? null : `remounting a tmpfs read-only is not permitted here (${ro.stderr.trim()})`;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
})();

/** A fresh mount point with a tmpfs of `size`; remount read-only with readOnly(). */
function smallDisk(size: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-disk-"));
  const m = mount(dir, size);
  if (m.status !== 0) throw new Error(`mount failed: ${m.stderr}`);
  return {
    dir,
    readOnly: () => {
      const r = spawnSync("mount", ["-o", "remount,ro", dir], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`remount ro failed: ${r.stderr}`);
    },
    entries: () => fs.readdirSync(dir),
    cleanup: () => {
      unmount(dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` settled prompts, 4 long completions and 3 imported rankings each: well over a megabyte of pairs. */
async function seedSettledPrompts(n: number) {
  const db = getDb();
  const [project] = (
    await db.execute(sql`insert into projects (slug, name, categories, settings) values ('disk', 'disk', '["open QA"]',
      '{"k":4,"overlap":3,"agreementThreshold":0.5,"goldRate":0,"reviseHours":24,"leaseMinutes":30}') returning id`)
  ).rows as Array<{ id: string }>;
  await db.execute(sql`insert into prompts (project_id, instruction, source, status, settled, ranking_count, created_at)
    select ${project.id}, 'Explain item ' || g || ' ' || md5(g::text) || ' ' || md5((g * 7)::text), 'import', 'approved', true, 3, now() - interval '1 minute'
    from generate_series(1, ${n}) g`);
  await db.execute(sql`insert into completions (prompt_id, text, source, generator, created_at)
    select p.id, 'Answer ' || k || ' ' || repeat(md5(p.id::text || k), 8), 'model', 'm' || k, now() - interval '1 minute' from prompts p cross join generate_series(1, 4) k`);
  await db.execute(sql`insert into rankings (prompt_id, source, "order", created_at)
    select p.id, 'import', (select jsonb_agg(jsonb_build_array(c.id) order by c.generator) from completions c where c.prompt_id = p.id), now() - interval '1 minute'
    from prompts p cross join generate_series(1, 3)`);
}

async function exportRows() {
  const rows = (await getDb().execute(sql`select (select count(*)::int from exports) as exports, (select count(*)::int from audit_log where action = 'export.create') as audits`)).rows;
  return rows[0] as { exports: number; audits: number };
}

describeEachDatabase(mountRefused ? `disk faults (skipped: ${mountRefused})` : "disk faults", () => {
  let disk: ReturnType<typeof smallDisk> | null = null;
  beforeEach(() => {
    disk = null;
  });
  afterEach(() => disk?.cleanup());

  it.skipIf(mountRefused)("an export onto a full disk fails naming ENOSPC and leaves no folder and no exports row", async () => {
    const admin = await makeActor("admin");
    await seedSettledPrompts(600);
    disk = smallDisk("256k");
    const out = path.join(disk.dir, "exports", "snap");
    const err = await createExportVia(admin, { projectSlug: "disk", out }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err, "the export failed").toBeInstanceOf(Error);
    expect(`${(err as NodeJS.ErrnoException).code} ${err!.message}`).toMatch(/ENOSPC/);
    expect(fs.existsSync(out), "no snapshot folder").toBe(false);
    // Not even the temporary sibling it wrote into.
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
    expect(await exportRows()).toEqual({ exports: 0, audits: 0 });
  });

  it.skipIf(mountRefused)("an export onto a read-only disk fails naming EROFS and leaves no folder and no exports row", async () => {
    const admin = await makeActor("admin");
    await seedSettledPrompts(20);
    disk = smallDisk("1m");
    disk.readOnly();
    const out = path.join(disk.dir, "snap");
    const err = await createExportVia(admin, { projectSlug: "disk", out }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err, "the export failed").toBeInstanceOf(Error);
    expect(`${(err as NodeJS.ErrnoException).code} ${err!.message}`).toMatch(/EROFS/);
    expect(disk.entries()).toEqual([]);
    expect(await exportRows()).toEqual({ exports: 0, audits: 0 });
  });
});

/** A tiny SFT snapshot on the ordinary disk. */
function tinySnapshot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-disk-snap-"));
  const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify({ messages: [{ role: "user", content: `Say ${i}` }, { role: "assistant", content: `${i} it is` }] }));
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ id: "disk-faults" }));
  fs.writeFileSync(path.join(dir, "sft.train.jsonl"), rows.join("\n") + "\n");
  return dir;
}

function train(snapshot: string, out: string) {
  const args = ["train", "--snapshot", snapshot, "--init", "tiny", "--stage", "sft", "--out", out, "--steps", "2", "--batch", "2", "--block-size", "32"];
  return spawnSync(process.execPath, [path.join(root, "lib/cli/tuneloop.mjs"), ...args], { encoding: "utf8", timeout: 240_000 });
}

/** Trains onto a fresh small tmpfs (512 KiB: a tiny model's weights and optimizer state are several MB). */
function trainOnto(kind: "full" | "read-only") {
  const snapshot = tinySnapshot();
  const disk = smallDisk("512k");
  try {
    if (kind === "read-only") disk.readOnly();
    const out = path.join(disk.dir, "ckpt");
    const res = train(snapshot, out);
    return { status: res.status, said: `${res.stdout}\n${res.stderr}`, outExists: fs.existsSync(out), left: disk.entries() };
  } finally {
    disk.cleanup();
    fs.rmSync(snapshot, { recursive: true, force: true });
  }
}

const skipNote = mountRefused ? ` (skipped: ${mountRefused})` : "";

it.skipIf(mountRefused)(`a trainer checkpoint onto a full disk: exit code ≠ 0 naming ENOSPC, no checkpoint at --out${skipNote}`, () => {
  const r = trainOnto("full");
  expect(r.status, r.said).not.toBe(0);
  expect(r.status, r.said).not.toBeNull();
  expect(r.said).toMatch(/ENOSPC|no space left/i);
  expect(r.outExists, "no checkpoint folder at --out").toBe(false);
}, 300_000);

it.skipIf(mountRefused)(`a trainer checkpoint onto a read-only disk: exit code ≠ 0, nothing written${skipNote}`, () => {
  const r = trainOnto("read-only");
  expect(r.status, r.said).not.toBe(0);
  expect(r.status, r.said).not.toBeNull();
  expect(r.outExists).toBe(false);
  expect(r.left).toEqual([]);
}, 300_000);

(mountRefused ? it.skip : it)(`a full disk leaves no half-written temporary checkpoint beside --out${skipNote}`, () => {
  expect(trainOnto("full").left, "left on the disk").toEqual([]);
}, 300_000);

(mountRefused ? it.skip : it)(`a read-only disk is named as such (EROFS), not as a missing folder${skipNote}`, () => {
  expect(trainOnto("read-only").said).toMatch(/EROFS|read-only file system/i);
}, 300_000);
