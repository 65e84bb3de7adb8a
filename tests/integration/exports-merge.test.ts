// Exports merge duplicate prompts instead of dropping them: the rankings and pairs of exact and near duplicates join the kept prompt, the manifest counts them; AlpacaEval judgments alone give ≥ 5,500 train pairs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { createGunzip } from "node:zlib";
import { afterAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { prompts } from "@/db/schema";
import { createExport, reexportSnapshot } from "@/lib/exports/snapshot";
import { importFile } from "@/lib/imports/import-file";
import { createProject } from "@/lib/projects/projects";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import type { AnyActor } from "@/lib/auth/roles";
import { withInput } from "../helpers/input";
import { createExportInput, reexportSnapshotInput } from "@/lib/validation/exports";

/** Parsed at the boundary first, as the action, route and CLI do. */
const createExportVia = (actor: AnyActor, raw: unknown) => withInput(createExportInput, raw, (input) => createExport(actor, input));
const reexportSnapshotVia = (actor: AnyActor, raw: unknown) => withInput(reexportSnapshotInput, raw, (input) => reexportSnapshot(actor, input));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tl-export-merge-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const writeJsonl = (rows: unknown[]) => {
  const file = path.join(dir, `m${n++}.jsonl`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
};
const out = () => path.join(dir, `snap${n++}`);
const readJsonl = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const judgmentsFile = path.resolve(import.meta.dirname, "../../../shared/data/alpaca-eval-judgments.jsonl.gz");

const SKY = "Explain in two short sentences why the sky looks blue during the day and red at sunset.";

describeEachDatabase("exports merge duplicates", () => {
  it("merges the rankings of exact and near-duplicate prompts into the kept prompt, and the manifest counts what was merged", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "demo", name: "Demo" });
    // Judgments, grouped into one prompt per instruction.
    await importFile(admin, {
      projectSlug: "demo",
      path: writeJsonl([
        { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Red is a colour.", generator_2: "gpt4", preference: 2 },
        { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Green", generator_2: "claude", preference: 1 },
        { instruction: "Name a colour.", output_1: "Blue.", generator_1: "davinci", output_2: "Blue.", generator_2: "alpaca", preference: 0 },
        { instruction: "Say hi.", output_1: "Hi", generator_1: "davinci", output_2: "Hello!", generator_2: "gpt4", preference: 2 },
      ]),
    });
    // Pairs of another format, one prompt per row: an exact duplicate of "Name a colour." (case and spacing) whose
    // rejected text is gpt4's output there, and two near duplicates (punctuation) of each other.
    await importFile(admin, {
      projectSlug: "demo",
      path: writeJsonl([
        { prompt: "name a  COLOUR.", chosen: "Purple", rejected: "Red is a colour." },
        { prompt: SKY, chosen: "Rayleigh scattering.", rejected: "Because." },
        { prompt: `${SKY.slice(0, -1)}!`, chosen: "Scattering of light.", rejected: "Magic." },
      ]),
      format: "trl",
    });
    const idOf = async (instruction: string) => (await getDb().select({ id: prompts.id }).from(prompts).where(eq(prompts.instruction, instruction)))[0].id;
    const [colourJudged, colourTrl, sky1, sky2, hi] = await Promise.all(["Name a colour.", "name a  COLOUR.", SKY, `${SKY.slice(0, -1)}!`, "Say hi."].map(idOf));

    const snap = await createExportVia(admin, { projectSlug: "demo", out: out(), options: { evalFraction: 0 } });
    const rows = readJsonl(path.join(snap.dir, "preference.train.jsonl"));
    const pairs = (promptIds: string[]) => rows.filter((r) => promptIds.includes(r.meta.promptId)).map((r) => [r.chosen[0].content, r.rejected[0].content].join(" > ")).sort();
    // Every judgment with a preference and every imported pair is a row; the tie of two identical outputs is none.
    expect(pairs([colourJudged, colourTrl])).toEqual(["Blue. > Green", "Purple > Red is a colour.", "Red is a colour. > Blue."]);
    expect(pairs([sky1, sky2])).toEqual(["Rayleigh scattering. > Because.", "Scattering of light. > Magic."]);
    expect(pairs([hi])).toEqual(["Hello! > Hi"]);
    expect(rows).toHaveLength(6);
    // Each group's rows carry the kept prompt: the earlier id.
    const keptColour = colourJudged < colourTrl ? colourJudged : colourTrl;
    const keptSky = sky1 < sky2 ? sky1 : sky2;
    expect(new Set(rows.filter((r) => [colourJudged, colourTrl].includes(r.meta.promptId)).map((r) => r.meta.promptId))).toEqual(new Set([keptColour]));
    expect(new Set(rows.filter((r) => [sky1, sky2].includes(r.meta.promptId)).map((r) => r.meta.promptId))).toEqual(new Set([keptSky]));

    // Merged: the colour duplicate brings its one pair (or, when the judged prompt is the duplicate, its three judgments
    // of which two are pairs); the sky duplicate one ranking and one pair.
    const colourMerged = keptColour === colourJudged ? { rankings: 1, pairs: 1 } : { rankings: 3, pairs: 2 };
    const merged = { prompts: 2, rankings: colourMerged.rankings + 1, pairs: colourMerged.pairs + 1, sft: 0 };
    expect(snap.duplicates).toEqual({ exact: 1, near: 1 });
    expect(snap.merged).toEqual(merged);
    const manifest = JSON.parse(fs.readFileSync(path.join(snap.dir, "manifest.json"), "utf8"));
    expect(manifest).toMatchObject({ duplicatesCollapsed: { exact: 1, near: 1 }, merged, prompts: 3 });
    expect(fs.readFileSync(path.join(snap.dir, "README.md"), "utf8")).toContain(`${merged.pairs} pairs`);

    const again = out();
    await reexportSnapshotVia(admin, { projectSlug: "demo", id: snap.id, out: again });
    for (const f of fs.readdirSync(snap.dir)) expect(fs.readFileSync(path.join(again, f)).equals(fs.readFileSync(path.join(snap.dir, f))), f).toBe(true);
  });

  it.skipIf(!fs.existsSync(judgmentsFile))("AlpacaEval judgments alone give at least 5,500 train preference pairs (needs ../shared/data)", async () => {
    // Reference from the file itself: judgments with a strict preference between two different texts.
    let strict = 0;
    for await (const line of readline.createInterface({ input: fs.createReadStream(judgmentsFile).pipe(createGunzip()) })) {
      const r = JSON.parse(line);
      if ((r.preference === 1 || r.preference === 2) && r.output_1 !== r.output_2) strict++;
    }
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "eval", name: "Eval" });
    const t0 = Date.now();
    await importFile(admin, { projectSlug: "eval", path: judgmentsFile });
    const t1 = Date.now();
    const snap = await createExportVia(admin, { projectSlug: "eval", out: out() });
    const t2 = Date.now();
    const train = snap.counts["preference.train.jsonl"];
    const total = train + snap.counts["preference.eval.jsonl"];
    console.log(`alpaca-eval judgments alone: ${train} train + ${snap.counts["preference.eval.jsonl"]} eval pairs of ${strict} strict judgments; duplicates ${JSON.stringify(snap.duplicates)}, merged ${JSON.stringify(snap.merged)}; import ${t1 - t0} ms, export ${t2 - t1} ms`);
    expect(train).toBeGreaterThanOrEqual(5500);
    expect(total).toBeLessThanOrEqual(strict);
    const rows = readJsonl(path.join(snap.dir, "preference.train.jsonl"));
    expect(rows.every((r) => r.chosen[0].content !== r.rejected[0].content)).toBe(true);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });
});
