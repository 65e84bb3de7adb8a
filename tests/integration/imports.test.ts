// File imports on a real database: every format, all-or-nothing on a bad row, re-import adds nothing, roles, uploads,
// the real data files, and the `tuneloop import` CLI.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { runCli } from "../helpers/cli";
import { afterAll, describe, expect, it } from "vitest";
import { and, asc, count, eq, isNotNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiTokens, auditLog, completions, prompts, rankings } from "@/db/schema";
import { POST as uploadRoute } from "@/app/api/v1/projects/[slug]/imports/route";
import { hashToken } from "@/lib/auth/accounts";
import { contentHash, parseImportFile, type FormatName } from "@/lib/formats/import";
import { importFile } from "@/lib/imports/import-file";
import { importUpload, MAX_IMPORT_UPLOAD_BYTES } from "@/lib/imports/upload";
import { createProject, systemActor } from "@/lib/projects/projects";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-imports-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function writeFile(content: string | Buffer, ext = "jsonl"): string {
  const file = path.join(dir, `f${fileCount++}.${ext}`);
  fs.writeFileSync(file, content);
  return file;
}
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

const dataDir = path.resolve("../shared/data");
const realFile = (name: string) => {
  const file = path.join(dataDir, name);
  return fs.existsSync(file) ? file : null;
};

async function counts() {
  const db = getDb();
  const [[p], [c], [r], imports] = await Promise.all([
    db.select({ n: count() }).from(prompts),
    db.select({ n: count() }).from(completions),
    db.select({ n: count() }).from(rankings),
    db.select().from(auditLog).where(eq(auditLog.action, "import.file")),
  ]);
  return { prompts: p.n, completions: c.n, rankings: r.n, audits: imports.length };
}

/** A prompt with its completions (file order is kept by text lookups, not by row order) and rankings. */
async function loadPrompt(instruction: string) {
  const db = getDb();
  const [prompt] = await db.select().from(prompts).where(eq(prompts.instruction, instruction));
  const cs = await db.select().from(completions).where(eq(completions.promptId, prompt.id)).orderBy(asc(completions.text));
  const rs = await db.select().from(rankings).where(eq(rankings.promptId, prompt.id));
  const textOf = (id: string) => cs.find((c) => c.id === id)!.text;
  return { prompt, completions: cs, rankings: rs, orderTexts: rs.map((r) => r.order.map((g) => g.map(textOf))) };
}

/** `made`: what a sample adds when it is not one prompt per row (conversations place their earlier turns too). */
const samples: Record<FormatName, { rows: unknown[]; completionsPerRow: number; ranked: boolean; human: boolean; made?: { prompts: number; completions: number; rankings: number } }> = {
  alpaca: { rows: [{ instruction: "Give three tips.", input: "", output: "Eat, sleep, move." }, { instruction: "Translate.", input: "Bonjour", output: "Hello" }], completionsPerRow: 1, ranked: false, human: true },
  dolly: {
    rows: [{ instruction: "Who wrote Hamlet?", context: "", response: "Shakespeare.", category: "open_qa" }, { instruction: "Summarize.", context: "Long text.", response: "Short.", category: "summarization" }],
    completionsPerRow: 1,
    ranked: false,
    human: true,
  },
  "self-instruct": {
    rows: [{ id: "seed_task_0", name: "breakfast", instruction: "Suggest a breakfast.", instances: [{ input: "", output: "Oats." }], is_classification: false }],
    completionsPerRow: 1,
    ranked: false,
    human: true,
  },
  ranking: {
    rows: [{ instruction: "Name a color.", dataset: "demo", outputs: [{ generator: "m1", output: "Red" }, { generator: "m2", output: "Blue" }, { generator: "m3", output: "" }] }],
    completionsPerRow: 3,
    ranked: false,
    human: false,
  },
  "hh-rlhf": {
    rows: [
      { chosen: "\n\nHuman: How do I bake bread?\n\nAssistant: Mix flour, water, yeast.", rejected: "\n\nHuman: How do I bake bread?\n\nAssistant: Buy it." },
      { chosen: "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Joke?\n\nAssistant: Knock knock.", rejected: "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Joke?\n\nAssistant: No." },
    ],
    completionsPerRow: 2,
    ranked: true,
    human: false,
    // the second dialogue's first exchange ("Hi" → "Hello!") is a prompt with one reply; "Joke?" continues it
    made: { prompts: 3, completions: 5, rankings: 2 },
  },
  trl: { rows: [{ prompt: "Capital of France?", chosen: "Paris.", rejected: "Lyon." }], completionsPerRow: 2, ranked: true, human: false },
  "alpaca-eval-judgments": {
    rows: [
      { instruction: "Write a haiku.", output_1: "Haiku A", generator_1: "gpt4", output_2: "Haiku B", generator_2: "davinci", preference: 2 },
      { instruction: "Say hi.", output_1: "Hi", generator_1: "gpt4", output_2: "Hello", generator_2: "davinci", preference: 0 },
      { instruction: "Say bye.", output_1: "Bye", generator_1: "gpt4", output_2: "Ciao", generator_2: "davinci", preference: null },
    ],
    completionsPerRow: 2,
    ranked: true,
    human: false,
  },
  "alpaca-eval-outputs": { rows: [{ instruction: "Define AI.", output: "Artificial intelligence.", generator: "gpt4", dataset: "helpful_base" }], completionsPerRow: 1, ranked: false, human: false },
  "openai-chat": {
    rows: [{ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "2+2?" }, { role: "assistant", content: "4" }] }],
    completionsPerRow: 1,
    ranked: false,
    human: true,
  },
  // One Open-Assistant tree: a user turn, two ranked replies, and a second user turn after the better one, answered once.
  oasst: {
    rows: [
      {
        message_tree_id: "t1",
        prompt: {
          message_id: "m1", parent_id: null, role: "prompter", text: "Plan a day in Rome.", review_result: true,
          replies: [
            { message_id: "m2", parent_id: "m1", role: "assistant", text: "Colosseum, then Trastevere.", rank: 0, replies: [
              { message_id: "m4", parent_id: "m2", role: "prompter", text: "Cheaper?", replies: [{ message_id: "m5", parent_id: "m4", role: "assistant", text: "Walk and picnic." }] },
            ] },
            { message_id: "m3", parent_id: "m1", role: "assistant", text: "Stay in.", rank: 1 },
          ],
        },
      },
    ],
    completionsPerRow: 3,
    ranked: true,
    human: true,
    made: { prompts: 2, completions: 3, rankings: 1 },
  },
  ultrafeedback: {
    rows: [
      {
        source: "evol_instruct",
        instruction: "Name a prime.",
        completions: [
          { model: "m-a", response: "9", annotations: { helpfulness: { Rating: "2", Rationale: "Wrong." }, honesty: { Rating: "N/A", Rationale: "" } }, critique: "Not prime.", overall_score: 3 },
          { model: "m-b", response: "7", annotations: { helpfulness: { Rating: "5", Rationale: "Right." }, honesty: { Rating: "5", Rationale: "Sure." } }, critique: "Good.", overall_score: 9 },
        ],
      },
    ],
    completionsPerRow: 2,
    ranked: true,
    human: false,
  },
};

describeEachDatabase("imports", () => {
  it("imports every format into approved prompts, completions and imported rankings", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "demo", name: "Demo" });
    for (const [format, s] of Object.entries(samples) as [FormatName, (typeof samples)[FormatName]][]) {
      const before = await counts();
      const summary = await importFile(admin, { projectSlug: "demo", path: writeFile(jsonl(s.rows)) });
      const rankedRows = format === "alpaca-eval-judgments" ? 2 : s.ranked ? s.rows.length : 0;
      const made = s.made ?? { prompts: s.rows.length, completions: s.rows.length * s.completionsPerRow, rankings: rankedRows };
      const summed = { prompts: summary.prompts + summary.earlierTurns, completions: summary.completions + summary.earlierReplies, rankings: summary.rankings };
      expect(summary, format).toMatchObject({ project: "demo", format, rowsRead: s.rows.length, duplicatesSkipped: 0 });
      expect(summed, format).toEqual(made);
      const after = await counts();
      expect(after.prompts - before.prompts, format).toBe(made.prompts);
      expect(after.completions - before.completions, format).toBe(made.completions);
      expect(after.rankings - before.rankings, format).toBe(made.rankings);
    }
    const all = await getDb().select().from(prompts);
    expect(all.every((p) => p.source === "import" && p.status === "approved" && p.rankingCount === 0 && p.contentHash && p.authorId === null && !p.settled)).toBe(true);

    // alpaca: a human demonstration, approved.
    const alpaca = await loadPrompt("Translate.");
    expect(alpaca.prompt.input).toBe("Bonjour");
    expect(alpaca.completions).toEqual([expect.objectContaining({ text: "Hello", source: "human", isDemonstration: true, status: "approved", generator: null })]);
    // dolly: the category in the project's own spelling.
    expect((await loadPrompt("Who wrote Hamlet?")).prompt.category).toBe("open QA");
    // ranking tasks: model outputs attributed to their generator, not demonstrations, no ranking yet.
    const colors = await loadPrompt("Name a color.");
    expect(colors.completions.map((c) => [c.text, c.source, c.generator, c.isDemonstration])).toEqual([["", "import", "m3", false], ["Blue", "import", "m2", false], ["Red", "import", "m1", false]]);
    expect(colors.rankings).toHaveLength(0);
    // hh-rlhf: the shared dialogue is the prompt; chosen ranked above rejected, by completion ids.
    const bread = await loadPrompt("How do I bake bread?");
    expect(bread.orderTexts).toEqual([[["Mix flour, water, yeast."], ["Buy it."]]]);
    expect(bread.rankings[0]).toMatchObject({ source: "import", annotatorId: null, isCurrent: true });
    // A multi-turn dialogue is a conversation: "Joke?" answers the reply "Hello!" to the first turn "Hi".
    const hi = await loadPrompt("Hi");
    const joke = await loadPrompt("Joke?");
    expect(joke.orderTexts).toEqual([[["Knock knock."], ["No."]]]);
    expect(hi.completions.map((c) => c.text)).toEqual(["Hello!"]);
    expect(joke.prompt.parentCompletionId).toBe(hi.completions[0].id);
    expect(hi.prompt.parentCompletionId).toBeNull();
    // judgments: 2 → output_2 first; 0 → one tied group; null → no ranking.
    expect((await loadPrompt("Write a haiku.")).orderTexts).toEqual([[["Haiku B"], ["Haiku A"]]]);
    expect((await loadPrompt("Say hi.")).orderTexts[0][0].sort()).toEqual(["Hello", "Hi"]);
    expect((await loadPrompt("Say bye.")).rankings).toHaveLength(0);
    // openai-chat: the user turn is the prompt, the system message on it; the reply a demonstration.
    const chat = await loadPrompt("2+2?");
    expect(chat.prompt.system).toBe("Be brief.");
    expect(chat.completions).toEqual([expect.objectContaining({ text: "4", source: "human", isDemonstration: true })]);
    // ultrafeedback: model outputs attributed to their models, ranked by mean aspect rating ("N/A" left out: 2 against 5).
    const prime = await loadPrompt("Name a prime.");
    expect(prime.orderTexts).toEqual([[["7"], ["9"]]]);
    expect(prime.completions.map((c) => [c.text, c.generator, c.source])).toEqual([["7", "m-b", "import"], ["9", "m-a", "import"]]);
    // oasst: replies are demonstrations ranked by their rank; "Cheaper?" continues the best one.
    const rome = await loadPrompt("Plan a day in Rome.");
    expect(rome.orderTexts).toEqual([[["Colosseum, then Trastevere."], ["Stay in."]]]);
    expect(rome.completions.every((c) => c.source === "human" && c.isDemonstration && c.status === "approved")).toBe(true);
    const cheaper = await loadPrompt("Cheaper?");
    expect(cheaper.prompt.parentCompletionId).toBe(rome.completions.find((c) => c.text.startsWith("Colosseum"))!.id);
    expect(cheaper.completions.map((c) => c.text)).toEqual(["Walk and picnic."]);

    const entries = await getDb().select().from(auditLog).where(eq(auditLog.action, "import.file"));
    expect(entries).toHaveLength(Object.keys(samples).length);
    expect(entries[0]).toMatchObject({ actorId: admin.id, targetType: "project", data: { format: "alpaca", prompts: 2 } });
  });

  it("reads gzip and JSON-array files, with or without a named format", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "demo", name: "Demo" });
    const gz = writeFile(gzipSync(jsonl(samples.alpaca.rows)), "jsonl.gz");
    expect(await importFile(admin, { projectSlug: "demo", path: gz, format: "alpaca" })).toMatchObject({ format: "alpaca", prompts: 2 });
    const arr = writeFile(JSON.stringify(samples.dolly.rows, null, 2), "json");
    expect(await importFile(admin, { projectSlug: "demo", path: arr })).toMatchObject({ format: "dolly", prompts: 2 });
    expect(await importFile(admin, { projectSlug: "demo", path: writeFile("") })).toMatchObject({ format: null, rowsRead: 0, prompts: 0 });
  });

  it("aborts the whole import on a bad row, naming line and field, and writes nothing", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "demo", name: "Demo" });
    await importFile(admin, { projectSlug: "demo", path: writeFile(jsonl(samples.trl.rows)) });
    const before = await counts();
    // 1,200 good rows (two batches already written inside the transaction) and then a bad one.
    const rows: unknown[] = Array.from({ length: 1200 }, (_, i) => ({ instruction: `Task ${i}`, input: "", output: `Answer ${i}` }));
    rows.push({ instruction: "Task bad", input: "", output: "   " });
    const err = await importFile(admin, { projectSlug: "demo", path: writeFile(jsonl(rows)) }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, line: 1201, field: "output" });
    expect(err.message).toBe('line 1201: field "output": expected a non-empty string');
    expect(await counts()).toEqual(before);

    const notJson = await importFile(admin, { projectSlug: "demo", path: writeFile('{"instruction":"a","output":"b"}\n{oops\n') }).catch((e) => e);
    expect(notJson.message).toMatch(/^line 2: invalid JSON/);
    const wrongFormat = await importFile(admin, { projectSlug: "demo", path: writeFile(jsonl(samples.alpaca.rows)), format: "hh-rlhf" }).catch((e) => e);
    expect(wrongFormat).toMatchObject({ status: 400, line: 1 });
    const badGzip = await importFile(admin, { projectSlug: "demo", path: writeFile(Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]), "gz") }).catch((e) => e);
    expect(badGzip).toMatchObject({ status: 400 });
    await expect(importFile(admin, { projectSlug: "demo", path: path.join(dir, "missing.jsonl") })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/ENOENT/) });
    await expect(importFile(admin, { projectSlug: "demo", path: dir })).rejects.toMatchObject({ status: 400 });
    await expect(importFile(admin, { projectSlug: "demo", path: writeFile(jsonl(samples.alpaca.rows)), format: "csv" as FormatName })).rejects.toMatchObject({ status: 400, fieldErrors: { format: expect.any(Array) } });
    expect(await counts()).toEqual(before);
  });

  it("adds nothing on re-import, and counts repeated rows of one file as duplicates", async () => {
    const admin = await makeActor("admin");
    await createProject(admin, { slug: "demo", name: "Demo" });
    await createProject(admin, { slug: "other", name: "Other" });
    const rows = [...samples["hh-rlhf"].rows, samples["hh-rlhf"].rows[0], { ...(samples["hh-rlhf"].rows[1] as object) }];
    const file = writeFile(jsonl(rows));
    expect(await importFile(admin, { projectSlug: "demo", path: file })).toMatchObject({ rowsRead: 4, prompts: 2, completions: 4, rankings: 2, duplicatesSkipped: 2 });
    const before = await counts();
    expect(await importFile(admin, { projectSlug: "demo", path: file })).toMatchObject({ rowsRead: 4, prompts: 0, completions: 0, rankings: 0, duplicatesSkipped: 4 });
    expect({ ...(await counts()), audits: 0 }).toEqual({ ...before, audits: 0 });
    // The same file may go into another project.
    expect(await importFile(admin, { projectSlug: "other", path: file })).toMatchObject({ prompts: 2 });
    // Two imports of one file at once: one writes, the other skips.
    await createProject(admin, { slug: "race", name: "Race" });
    const both = await Promise.all([importFile(admin, { projectSlug: "race", path: file }), importFile(admin, { projectSlug: "race", path: file })]);
    expect(both.map((s) => s.prompts).sort()).toEqual([0, 2]);
  });

  it("lets only admins and the operator import", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    await createProject(admin, { slug: "demo", name: "Demo" });
    const file = writeFile(jsonl(samples.alpaca.rows));
    await expect(importFile(reviewer, { projectSlug: "demo", path: file })).rejects.toMatchObject({ status: 403 });
    await expect(importFile(null, { projectSlug: "demo", path: file })).rejects.toMatchObject({ status: 401 });
    await expect(importFile(admin, { projectSlug: "nope", path: file })).rejects.toMatchObject({ status: 404, fieldErrors: { projectSlug: expect.any(Array) } });
    expect(await importFile(systemActor, { projectSlug: "demo", path: file })).toMatchObject({ prompts: 2 });
    const [entry] = await getDb().select().from(auditLog).where(eq(auditLog.action, "import.file"));
    expect(entry).toMatchObject({ actorId: null, data: { via: "cli" } });
  });

  it("imports an upload streamed to a temp file, through the lib and the route with a token", async () => {
    const admin = await makeActor("admin");
    const reviewer = await makeActor("reviewer");
    await createProject(admin, { slug: "demo", name: "Demo" });
    const body = gzipSync(jsonl(samples.alpaca.rows));
    const stream = () => new Blob([body]).stream();
    expect(await importUpload(admin, { projectSlug: "demo", filename: "alpaca.jsonl.gz" }, { body: stream(), contentLength: body.length })).toMatchObject({ prompts: 2, format: "alpaca" });
    const [entry] = await getDb().select().from(auditLog).where(eq(auditLog.action, "import.file"));
    expect(entry.data).toMatchObject({ file: "alpaca.jsonl.gz" });
    await expect(importUpload(admin, { projectSlug: "demo" }, { body: stream(), contentLength: MAX_IMPORT_UPLOAD_BYTES + 1 })).rejects.toMatchObject({ status: 413 });
    await expect(importUpload(admin, { projectSlug: "demo" }, { body: new Blob([]).stream(), contentLength: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(importUpload(reviewer, { projectSlug: "demo" }, { body: stream(), contentLength: null })).rejects.toMatchObject({ status: 403 });

    const tokenFor = async (userId: string) => {
      const secret = `tl_test_${userId}`;
      await getDb().insert(apiTokens).values({ userId, name: "t", tokenHash: hashToken(secret), prefix: secret.slice(0, 8) });
      return secret;
    };
    const post = async (secret: string, rows: unknown[], query = "") =>
      uploadRoute(
        new Request(`http://localhost/api/v1/projects/demo/imports${query}`, { method: "POST", headers: { authorization: `Bearer ${secret}` }, body: jsonl(rows) }),
        { params: Promise.resolve({ slug: "demo" }) },
      );
    const adminToken = await tokenFor(admin.id);
    const ok = await post(adminToken, samples.dolly.rows, "?format=dolly&filename=dolly.jsonl");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ project: "demo", format: "dolly", prompts: 2, completions: 2 });
    const bad = await post(adminToken, [{ instruction: "x", response: "" }], "?format=dolly");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^line 1: field "response"/);
    expect((await post(adminToken, samples.dolly.rows, "?format=nope")).status).toBe(400);
    expect((await post(await tokenFor(reviewer.id), samples.dolly.rows)).status).toBe(403);
  });

  describe("the real data files", () => {
    const seed = realFile("alpaca-seed-tasks.jsonl");
    const tasks = realFile("alpaca-eval-ranking-tasks.jsonl.gz");
    const hh = realFile("hh-rlhf-harmless-test.jsonl.gz");
    if (!seed || !tasks || !hh) it.skip(`skipped: ${dataDir} is absent (an outside clone)`, () => {});

    it.runIf(seed)("alpaca-seed-tasks.jsonl: 175 prompts with a demonstration each", async () => {
      await createProject(systemActor, { slug: "seed", name: "Seed" });
      const s = await importFile(systemActor, { projectSlug: "seed", path: seed! });
      expect(s).toMatchObject({ format: "self-instruct", rowsRead: 175, prompts: 175, completions: 175, rankings: 0, duplicatesSkipped: 0 });
      expect(await counts()).toMatchObject({ prompts: 175, completions: 175, rankings: 0 });
    });

    it.runIf(tasks)("alpaca-eval-ranking-tasks.jsonl.gz: 600 prompts with 4 model outputs each", async () => {
      await createProject(systemActor, { slug: "tasks", name: "Tasks" });
      const s = await importFile(systemActor, { projectSlug: "tasks", path: tasks! });
      expect(s).toMatchObject({ format: "ranking", rowsRead: 600, prompts: 600, completions: 2400, rankings: 0, duplicatesSkipped: 0 });
      const perPrompt = await getDb().select({ n: count() }).from(completions).groupBy(completions.promptId);
      expect(perPrompt.every((r) => r.n === 4)).toBe(true);
      expect(perPrompt).toHaveLength(600);
    });

    it.runIf(hh)("hh-rlhf-harmless-test.jsonl.gz: each pair a prompt, 2 completions and 1 imported ranking, once, after its earlier turns; a re-import adds nothing", async () => {
      const distinct = new Set<string>();
      const multiTurn = new Set<string>();
      // The tree the dialogues make, counted from the parsed rows: one node per distinct path to a user turn, one reply per distinct (node, text).
      const turns = new Set<string>();
      const replies = new Set<string>();
      let rows = 0;
      for await (const r of parseImportFile(hh!)) {
        rows++;
        distinct.add(contentHash(r));
        const conv = r.conversation;
        if (!conv) continue;
        multiTurn.add(contentHash(r));
        conv.turns.forEach((t, i) => {
          const node = JSON.stringify([conv.system, conv.turns.slice(0, i), t.user]);
          turns.add(node);
          replies.add(JSON.stringify([node, t.assistant]));
        });
      }
      expect(rows).toBe(2312);
      await createProject(systemActor, { slug: "hh", name: "HH" });
      const started = Date.now();
      const s = await importFile(systemActor, { projectSlug: "hh", path: hh! });
      const ms = Date.now() - started;
      expect(s).toMatchObject({ format: "hh-rlhf", rowsRead: 2312, prompts: distinct.size, completions: 2 * distinct.size, rankings: distinct.size, duplicatesSkipped: 2312 - distinct.size });
      expect(s).toMatchObject({ earlierTurns: turns.size, earlierReplies: replies.size });
      expect(await counts()).toMatchObject({ prompts: distinct.size + turns.size, completions: 2 * distinct.size + replies.size, rankings: distinct.size });
      // Multi-turn dialogues continue a reply; their final turns are exactly the ranked prompts with a parent.
      const [continued] = await getDb().select({ n: count() }).from(prompts).where(and(isNotNull(prompts.parentCompletionId), sql`exists (select 1 from rankings r where r.prompt_id = ${prompts.id})`));
      expect(continued.n).toBe(multiTurn.size);
      expect(multiTurn.size).toBeGreaterThan(1600);
      console.log(`hh-rlhf: ${distinct.size} prompts (${multiTurn.size} multi-turn, after ${turns.size} earlier turns) from 2312 rows in ${ms} ms`);
      expect(await importFile(systemActor, { projectSlug: "hh", path: hh! })).toMatchObject({ prompts: 0, earlierTurns: 0, earlierReplies: 0, duplicatesSkipped: 2312 });
      expect(await counts()).toMatchObject({ prompts: distinct.size + turns.size, completions: 2 * distinct.size + replies.size });
    });
  });
});



describe("tuneloop import (CLI, embedded PGlite)", () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-cli-import-"));
  afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

  it("imports with plain progress lines and a summary; re-import adds nothing; bad rows and flags exit 2", async () => {
    expect((await runCli(data, ["project", "create", "--slug", "demo", "--name", "Demo"])).code).toBe(0);
    const file = writeFile(gzipSync(jsonl(samples["hh-rlhf"].rows)), "jsonl.gz");
    const first = await runCli(data, ["import", file, "--project", "demo"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/rows read\s+2\n\s+prompts\s+2\n\s+joined existing\s+0\n\s+completions\s+4\n\s+rankings\s+2\n\s+duplicates skipped\s+0/);
    expect(first.stderr).toMatch(/importing: 100% of the file, 2 rows/);
    const again = await runCli(data, ["import", file, "--project", "demo", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ rowsRead: 2, prompts: 0, duplicatesSkipped: 2 });

    const badRow = await runCli(data, ["import", writeFile('{"instruction":"a","output":"b"}\n{"instruction":"","output":"c"}\n'), "--project", "demo"]);
    expect(badRow.code).toBe(2);
    expect(badRow.stderr.trim().split("\n").at(-1)).toBe('tuneloop import: line 2: field "instruction": expected a non-empty string');
    const missing = await runCli(data, ["import", path.join(dir, "missing.jsonl"), "--project", "demo"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read .*missing\.jsonl: ENOENT/);
    expect((await runCli(data, ["import", file, "--project", "demo", "--format", "csv"])).stderr).toMatch(/--format: must be one of/);
    expect((await runCli(data, ["import", "--project", "demo"])).code).toBe(2);
    expect((await runCli(data, ["import", file])).code).toBe(2);
    expect((await runCli(data, ["import", file, "--project", "nope"])).code).toBe(2);
  });
});
