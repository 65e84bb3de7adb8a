// Export snapshots: curated training files streamed from a database cursor, written atomically, recorded in `exports`.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { once } from "node:events";
import { getDb, type DbOrTx } from "@/db/client";
import * as qe from "@/db/queries/exports";
import { getActiveRewardModel } from "@/db/queries/reward-scores";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import type { Export, Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { openExportScreening, type ScreeningSummary } from "@/lib/screening/export";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { planDuplicateMerges } from "@/lib/dedup/merge-plan";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { questionsInput } from "@/lib/validation/questions";
import { exportOptionsInput, type CreateExportInput, type ExportOptions, type ReexportSnapshotInput } from "@/lib/validation/exports";
import { curateGroup, leaveOneOutTaus, promptText, reliabilityOf } from "./curate";
import { canonicalOptions, categoryBalancer, expandRows, templateList } from "./balance";
import { datasetCard, datasetCardBody, lineWriters, snapshotFiles, snapshotName, type MergedCounts } from "./formats";

export type SnapshotSummary = { id: string; dir: string; counts: Record<string, number>; duplicates: { exact: number; near: number }; merged: MergedCounts; prompts: number };


export function defaultExportDir(projectSlug: string, id: string) {
  return path.join(env().dataDir, "exports", projectSlug, id);
}

function assertWritableTarget(dir: string) {
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new AppError("conflict:export", `Output folder ${dir} exists and is not empty.`, { out: ["Folder exists and is not empty"] });
  }
}

const CHUNK_BYTES = 256 * 1024;
const GC_EVERY_PROMPTS = 10_000;

/**
 * A full garbage collection. V8 lets a busy heap grow to several times what is live before it
 * collects (a 200,000-prompt export keeps ~40 MB live but grew past 150 MB of heap); collecting
 * every 10,000 prompts keeps the peak near what is live, at ~50 ms a time.
 */
let gc: (() => void) | undefined;
function collectGarbage() {
  if (!gc) {
    v8.setFlagsFromString("--expose-gc");
    gc = vm.runInNewContext("gc") as () => void;
  }
  gc();
}

/**
 * One output file: lines are copied straight into an off-heap chunk, and each full chunk is hashed
 * and handed to the stream with backpressure. The line strings die young instead of piling up in
 * the JavaScript heap until a write: the files cost one 256 KB chunk each, whatever their size.
 */
class HashedFile {
  readonly hash = createHash("sha256");
  readonly stream: fs.WriteStream;
  rows = 0;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  constructor(file: string, private array = false) {
    this.stream = fs.createWriteStream(file);
    if (array) this.append("[\n");
  }
  private append(s: string): boolean {
    const bytes = Buffer.byteLength(s);
    if (this.used + bytes > this.chunk.length) return false;
    this.chunk.write(s, this.used);
    this.used += bytes;
    return true;
  }
  private async flush(extra?: string) {
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    const parts = extra === undefined ? [full] : [full, Buffer.from(extra)];
    for (const part of parts) {
      this.hash.update(part);
      if (!this.stream.write(part)) await once(this.stream, "drain");
    }
  }
  /** Adds a line; returns a promise only when a full chunk went to the disk (await it: backpressure). */
  line(s: string): Promise<void> | undefined {
    const text = this.array ? `${this.rows ? ",\n" : ""}${s}` : `${s}\n`;
    this.rows += 1;
    if (this.append(text)) return undefined;
    // Longer than what is left: send what is buffered, then this line on its own if it exceeds a chunk.
    if (Buffer.byteLength(text) > CHUNK_BYTES) return this.flush(text);
    return this.flush().then(() => void this.append(text));
  }
  async close(): Promise<string> {
    const end = this.array ? `${this.rows ? "\n" : ""}]\n` : "";
    if (!this.append(end)) await this.flush(end);
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
    return this.hash.digest("hex");
  }
}

/** Annotator weights from gold scores and leave-one-out agreement, read in a first pass over the cursor. */
async function annotatorReliability(tx: DbOrTx, projectId: string, cutoff: Date): Promise<Map<string, number>> {
  const gold = new Map<string, number[]>();
  for (const g of await qe.listGoldScores(tx, projectId)) (gold.get(g.annotatorId) ?? gold.set(g.annotatorId, []).get(g.annotatorId)!).push(g.goldScore);
  const loo = new Map<string, number[]>();
  for await (const human of qe.streamHumanRankingGroups(tx, { projectId, cutoff })) {
    for (const { annotatorId, tau } of leaveOneOutTaus(human)) (loo.get(annotatorId) ?? loo.set(annotatorId, []).get(annotatorId)!).push(tau);
  }
  const mean = (xs?: number[]) => (xs?.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const out = new Map<string, number>();
  for (const id of new Set([...gold.keys(), ...loo.keys()])) out.set(id, reliabilityOf({ goldTau: mean(gold.get(id)), looTau: mean(loo.get(id)) }));
  return out;
}

/**
 * Writes every file of the snapshot into `tmp`; returns counts and hashes. Deterministic for a
 * given cutoff and options. Three passes over one consistent view: annotator reliability, the
 * duplicate plan (prompt texts only), then curation, where each kept prompt is curated together
 * with the duplicates merged into it (read by id when the cursor reaches the kept prompt, which
 * always comes first in id order) and the duplicates themselves are passed over. Memory: the
 * merge plan (it grows with the number of prompts, see planDuplicateMerges; the near-duplicate
 * index is dropped before curation starts, the plan's duplicate lists are kept), two cursor
 * batches, and one kept prompt with all its duplicates; output goes to disk in 256 KB chunks.
 */
async function writeSnapshotFiles(tmp: string, project: Project, id: string, cutoff: Date, options: ExportOptions, onProgress?: (n: number) => void) {
  const files = snapshotFiles(options.formats);
  const writers = new Map(files.map((f) => [f.name, new HashedFile(path.join(tmp, f.name), f.array)]));
  const duplicates = { exact: 0, near: 0 };
  const merged: MergedCounts = { prompts: 0, rankings: 0, pairs: 0, sft: 0 };
  const balance = categoryBalancer(options);
  const templates = templateList(options);
  let prompts = 0;
  // Prompts written per language ("und": undetermined), in the manifest by code.
  const languages = new Map<string, number>();
  let screening: ScreeningSummary | null = null;
  try {
    await getDb().transaction(async (tx) => {
      // One consistent view for both passes: the snapshot is the data as of one moment.
      await qe.useRepeatableRead(tx);
      const reliability = await annotatorReliability(tx, project.id, cutoff);
      const texts = async function* () {
        for await (const p of qe.streamPromptTexts(tx, { projectId: project.id, cutoff, language: options.language })) yield { id: p.id, text: promptText(p) };
      };
      const plan = await planDuplicateMerges(texts(), { threshold: options.nearDuplicateThreshold });
      duplicates.exact = plan.exact;
      duplicates.near = plan.near;
      // With settings.rewardAsRanking the active reward model's order is one more ranking in each settled prompt's consensus, as in routing.
      const rewardModel = project.settings.rewardAsRanking ? await getActiveRewardModel(tx, project.id) : null;
      const reader = await qe.openCurationReader(tx, { projectId: project.id, cutoff, language: options.language, rewardModelId: rewardModel?.id });
      const pii = await openExportScreening(tx, project, cutoff);
      screening = pii.summary;
      for await (const p of reader.stream()) {
        if (p.status === "rejected" || p.status === "draft" || plan.merged.has(p.id)) continue;
        const dups = plan.duplicatesOf.get(p.id);
        const members = (dups ? [p, ...(await reader.byIds(dups))] : [p]).map(pii.apply).filter((m): m is NonNullable<typeof m> => m !== null);
        if (!members.length) continue;
        const curated = curateGroup(members, options, reliability);
        if (!curated.sft.length && !curated.pairs.length && !curated.unpaired.length) continue;
        // Category caps and weights decide how often this prompt is written; templates how its user turn reads.
        const copies = balance.copies(p.id, p.category, curated.split);
        if (copies === 0) continue;
        const rows = { sft: expandRows(curated.sft, p, templates, copies), pairs: expandRows(curated.pairs, p, templates, copies), unpaired: expandRows(curated.unpaired, p, templates, copies) };
        prompts += 1;
        const lang = p.language ?? "und";
        languages.set(lang, (languages.get(lang) ?? 0) + 1);
        merged.prompts += members.length - 1;
        merged.rankings += curated.merged.rankings;
        merged.pairs += curated.merged.pairs;
        merged.sft += curated.merged.sft;
        for (const f of files) {
          if (f.split !== curated.split) continue;
          const w = writers.get(f.name)!;
          const lines =
            f.kind === "sft" || f.kind === "openaiSft" || f.kind === "alpaca"
              ? rows.sft.map(lineWriters[f.kind])
              : f.kind === "preference" || f.kind === "openaiPreference"
                ? rows.pairs.map(lineWriters[f.kind])
                : rows.unpaired.map(lineWriters.unpaired);
          for (const line of lines) {
            const written = w.line(line);
            if (written) await written;
          }
        }
        if (prompts % 1000 === 0) onProgress?.(prompts);
        if (prompts % GC_EVERY_PROMPTS === 0) collectGarbage();
      }
    });
  } catch (e) {
    for (const w of writers.values()) w.stream.destroy();
    throw e;
  }
  const counts: Record<string, number> = {};
  const sha256: Record<string, string> = {};
  for (const f of files) {
    const w = writers.get(f.name)!;
    sha256[f.name] = await w.close();
    counts[f.name] = w.rows;
  }
  const cutoffAt = cutoff.toISOString();
  const card = datasetCard({ id, project: project.slug, cutoffAt, counts, options: canonicalOptions(options), licence: options.licence, duplicates, merged });
  fs.writeFileSync(path.join(tmp, "README.md"), card);
  sha256["README.md"] = createHash("sha256").update(card).digest("hex");
  // Snapshots without caps, weights or templates keep the manifest they always had.
  const shaping = {
    ...(options.categoryCaps || options.categoryWeights ? { categoryBalance: balance.summary() } : {}),
    ...(templates.length ? { templates: Object.fromEntries(templates) } : {}),
  };
  const manifest = { id, project: project.slug, cutoffAt, filters: canonicalOptions(options), counts, duplicatesCollapsed: duplicates, merged, prompts, languages: Object.fromEntries([...languages].sort(([a], [b]) => (a < b ? -1 : 1))), ...shaping, screening, sha256 };
  fs.writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return { counts, duplicates, merged, prompts, manifest };
}

/**
 * Writes into a temporary sibling folder and renames it into place inside the transaction that
 * records the `exports` row: a failure half way leaves neither the folder nor the row.
 */
async function writeAndRecord(
  actor: AnyActor | null,
  project: Project,
  opts: { id: string; dir: string; cutoff: Date; options: ExportOptions; record: boolean; onProgress?: (n: number) => void; ifEmpty?: () => AppError },
): Promise<SnapshotSummary> {
  assertWritableTarget(opts.dir);
  fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
  const tmp = `${opts.dir}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
  fs.mkdirSync(tmp);
  try {
    const written = await writeSnapshotFiles(tmp, project, opts.id, opts.cutoff, opts.options, opts.onProgress);
    // Nothing curated: refused before any row is written, so no empty snapshot (or its audit entry) is kept.
    if (written.prompts === 0 && opts.ifEmpty) throw opts.ifEmpty();
    const commit = async (tx?: DbOrTx) => {
      if (tx && opts.record) {
        await qe.insertExport(tx, { id: opts.id, projectId: project.id, createdBy: actor?.id ?? null, cutoffAt: opts.cutoff, filters: opts.options, counts: written.counts, manifest: written.manifest, location: opts.dir });
        await recordAudit(tx, { actorId: actor?.id ?? null, action: "export.create", targetType: "export", targetId: opts.id, data: { project: project.slug, counts: written.counts } });
        await emitWebhookEvent(tx, { projectId: project.id, event: "export.ready", data: { exportId: opts.id, counts: written.counts, cutoffAt: opts.cutoff.toISOString(), sha256: written.manifest.sha256 } });
      }
      if (fs.existsSync(opts.dir)) fs.rmdirSync(opts.dir);
      fs.renameSync(tmp, opts.dir);
    };
    if (opts.record) await getDb().transaction((tx) => commit(tx));
    else await commit();
    return { id: opts.id, dir: opts.dir, counts: written.counts, duplicates: written.duplicates, merged: written.merged, prompts: written.prompts };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

export async function createExport(actor: AnyActor, input: CreateExportInput, hooks: { onProgress?: (prompts: number) => void } = {}): Promise<SnapshotSummary> {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  input = { ...input, options: withQuestions(project, input.options) };
  const id = randomUUID();
  const dir = path.resolve(input.out ?? defaultExportDir(project.slug, id));
  const ifEmpty = () => new AppError("bad_request:export", `Nothing to export yet in "${project.slug}": no approved demonstrations, settled rankings or imported preferences.`);
  return writeAndRecord(actor, project, { id, dir, cutoff: new Date(), options: withTemplateTexts(project, input.options), record: true, onProgress: hooks.onProgress, ifEmpty });
}

/** The named templates' texts as the project has them now, kept in the snapshot's options so a re-export renders the same bytes. */
function withTemplateTexts(project: Project, options: ExportOptions): ExportOptions {
  if (!options.templates?.length) return options;
  const defined = project.settings.instructionTemplates ?? {};
  const unknown = options.templates.find((name) => !(name in defined));
  if (unknown !== undefined) throw new AppError("bad_request:export", `No instruction template "${unknown}" in "${project.slug}".`, { "options.templates": [`Unknown template "${unknown}"; the project has: ${Object.keys(defined).join(", ") || "none"}`] });
  return { ...options, templateTexts: Object.fromEntries(options.templates.map((name) => [name, defined[name]])) };
}

/** A composed form goes into the snapshot's options (and manifest) as of now; a project on today's ranking form keeps its options as they were. */
function withQuestions(project: Project, options: ExportOptions): ExportOptions {
  // Parsed, so its keys come in the schema's order as they will when a re-export parses the stored options (jsonb reorders them).
  return project.settings.questions?.some((q) => q.type !== "ranking") ? { ...options, questions: questionsInput.parse(project.settings.questions) } : options;
}

/** Writes an existing snapshot again (same cutoff and options) into `out`; the files come out byte-identical. */
export async function reexportSnapshot(actor: AnyActor, input: ReexportSnapshotInput): Promise<SnapshotSummary> {
  assertRole(actor, "admin");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const row = await getExportRow(db, project, input.id);
  return writeAndRecord(actor, project, { id: row.id, dir: path.resolve(input.out), cutoff: row.cutoffAt, options: exportOptionsInput.parse(row.filters), record: false });
}

async function getExportRow(db: DbOrTx, project: Project, id: string): Promise<Export> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await qe.getExportById(db, id) : null;
  if (!row || row.projectId !== project.id) throw new AppError("not_found:export", `No snapshot ${id} in "${project.slug}".`, { id: ["Unknown snapshot"] });
  return row;
}

function exportView(e: Export, project: Project) {
  const cutoffAt = e.cutoffAt.toISOString();
  const name = snapshotName({ project: project.slug, cutoffAt, counts: e.counts });
  return { id: e.id, name, cutoffAt, createdAt: e.createdAt.toISOString(), counts: e.counts, filters: e.filters, location: e.location, files: Object.keys((e.manifest as { sha256?: Record<string, string> }).sha256 ?? {}) };
}

/** The snapshot's dataset card without its front matter, or null when its folder no longer has one. */
function readCard(location: string): string | null {
  try {
    return datasetCardBody(fs.readFileSync(path.join(location, "README.md"), "utf8"));
  } catch {
    return null;
  }
}

/** A project's snapshots, newest first, at most 100; `withCard` adds each one's dataset card body (README.md, a few KB each) for the Data page. */
export async function listExports(actor: AnyActor, projectSlug: string, opts: { withCard?: boolean } = {}) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  return (await qe.listExportsByProject(db, project.id)).map((e) => ({ ...exportView(e, project), ...(opts.withCard ? { card: readCard(e.location) } : {}) }));
}

export async function getExport(actor: AnyActor, projectSlug: string, id: string) {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const row = await getExportRow(db, project, id);
  return { ...exportView(row, project), manifest: row.manifest };
}

/** A file of a snapshot, by its name in the manifest (nothing else on disk is reachable). */
export async function openExportFile(actor: AnyActor, projectSlug: string, id: string, name: string): Promise<{ path: string; size: number; stream: fs.ReadStream }> {
  const snap = await getExport(actor, projectSlug, id);
  const names = [...snap.files, "manifest.json"];
  if (!names.includes(name)) throw new AppError("not_found:file", `No file "${name}" in snapshot ${id}.`);
  const file = path.join(snap.location, name);
  if (!fs.existsSync(file)) throw new AppError("not_found:file", `The snapshot's folder no longer has ${name}.`);
  return { path: file, size: fs.statSync(file).size, stream: fs.createReadStream(file) };
}

export async function exportDir(actor: AnyActor, projectSlug: string, id: string): Promise<{ dir: string; files: string[] }> {
  const snap = await getExport(actor, projectSlug, id);
  return { dir: snap.location, files: [...snap.files, "manifest.json"].sort() };
}
