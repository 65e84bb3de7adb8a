// The Playground on a real database: a chat turn with a source (the whole conversation and this chat's sampling reach
// the endpoint; nothing is stored), an Arena vote stored as a ranking (each vote's mapping, attribution to the
// source or version, one ranking per round under retries and concurrent clicks), the leaderboard counting the votes,
// role checks and bad input; and a version (a tiny checkpoint trained here) answering through the generation pool.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { completions, modelVersions, prompts, rankings, type Project } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { closeGenerationPool } from "@/lib/generation-pool/pool";
import { projectLeaderboard } from "@/lib/leaderboard/project-leaderboard";
import { startArenaRound, voteArenaRound, type ArenaRound } from "@/lib/playground/arena";
import { openBattle } from "@/lib/playground/battle-token";
import { chatWithModel, getPlayground } from "@/lib/playground/playground";
import { addSource } from "@/lib/sources/sources";
import { sendChat, startArena, voteArena } from "@/app/(annotate)/annotate/[slug]/playground/actions";
import { makeActor } from "../helpers/actors";
import { changedTables, databaseFingerprint } from "../helpers/bad-input";
import { describeEachDatabase } from "../helpers/db";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { seedProject } from "../helpers/seed";
import { writeSnapshot } from "../helpers/trainer-snapshot";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const cli = path.resolve(import.meta.dirname, "../../lib/cli/tuneloop.mjs");
const ckptRoot = fs.mkdtempSync(path.join(os.tmpdir(), "tl-playground-"));
const checkpoint = path.join(ckptRoot, "ckpt");

/** Each fake model says who it is and echoes the last message, so a reply shows which side wrote it. */
let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
const replyOf = (model: string, last: string) => `${model === "model-a" ? "ALPHA" : "BETA"} says: ${last}`;

beforeAll(async () => {
  server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, replyOf(r.model, r.messages.at(-1)?.content ?? "")) }));
  const snapshot = writeSnapshot({ sft: [["Hi", "Hello there"], ["Bye", "See you"]] });
  execFileSync(process.execPath, [cli, "train", "--snapshot", snapshot, "--init", "tiny", "--stage", "sft", "--out", checkpoint, "--steps", "2"], { stdio: "ignore", env: { ...process.env, DATABASE_URL: "" } });
}, 240_000);
afterAll(async () => {
  await server?.close();
  fs.rmSync(ckptRoot, { recursive: true, force: true });
});

/** A project with sources alpha (model-a) and beta (model-b) on the fake server. */
async function arenaProject(slug = "demo"): Promise<{ project: Project; admin: Actor }> {
  const project = await seedProject({ slug, settings: { overlap: 1 } });
  const admin = await makeActor("admin");
  await addSource(admin, { projectSlug: slug, name: `alpha${slug === "demo" ? "" : `-${slug}`}`, baseUrl: server.baseUrl, model: "model-a", apiKey: "sk-play-SECRET" });
  await addSource(admin, { projectSlug: slug, name: `beta${slug === "demo" ? "" : `-${slug}`}`, baseUrl: server.baseUrl, model: "model-b", temperature: 0.7 });
  return { project, admin };
}

/** expect's matchers typed as what they stand for. */
const anyList: unknown = expect.any(Array);
const anyText: unknown = expect.any(String);

const nameOfReply = (text: string) => (text.startsWith("ALPHA") ? "alpha" : text.startsWith("BETA") ? "beta" : "?");

async function storedRound(promptId: string) {
  const db = getDb();
  const [prompt] = await db.select().from(prompts).where(eq(prompts.id, promptId));
  const outs = await db.select().from(completions).where(eq(completions.promptId, promptId));
  const ranks = await db.select().from(rankings).where(eq(rankings.promptId, promptId));
  return { prompt, outs, ranks, text: (id: string) => outs.find((c) => c.id === id)!.text };
}

async function count() {
  const db = getDb();
  return { prompts: (await db.select().from(prompts)).length, completions: (await db.select().from(completions)).length, rankings: (await db.select().from(rankings)).length };
}

describeEachDatabase("Playground", () => {
  beforeEach(() => {
    session.userId = null;
    server.log.length = 0;
  });
  afterEach(async () => {
    await closeGenerationPool();
  });

  it("chats with a source: the whole conversation, the system prompt and this chat's sampling reach it; nothing is stored", async () => {
    await arenaProject();
    const ann = await makeActor("annotator");
    const view = await getPlayground(ann, "demo");
    expect(view.contenders.map((c) => c.ref)).toEqual(["source:alpha", "source:beta"]);
    const before = await databaseFingerprint();
    const messages = [
      { role: "user" as const, content: "Hi" },
      { role: "assistant" as const, content: "Hello!" },
      { role: "user" as const, content: "Name a colour." },
    ];
    const out = await chatWithModel(ann, { projectSlug: "demo", model: "source:alpha", system: "Be brief.", messages, temperature: 0.3, maxTokens: 40 });
    expect(out).toEqual({ reply: "ALPHA says: Name a colour.", model: "source alpha" });
    expect(server.log).toHaveLength(1);
    expect(server.log[0].messages).toEqual([{ role: "system", content: "Be brief." }, ...messages]);
    expect(server.log[0]).toMatchObject({ model: "model-a", temperature: 0.3, maxTokens: 40, auth: "Bearer sk-play-SECRET" });
    // Unset sampling: the source's own settings.
    await chatWithModel(ann, { projectSlug: "demo", model: "source:beta", messages: [messages[0]] });
    expect(server.log[1]).toMatchObject({ model: "model-b", temperature: 0.7 });
    expect(changedTables(before, await databaseFingerprint()).filter((t) => !t.startsWith("pgboss"))).toEqual([]);
  });

  it("maps each vote to a ranking attributed to the sources, by the voter, and reveals the names", async () => {
    const { project } = await arenaProject();
    const ann = await makeActor("annotator");
    const expected = { a: (a: string, b: string) => [[a], [b]], b: (a: string, b: string) => [[b], [a]], tie: (a: string, b: string) => [[a, b]], both_bad: (a: string, b: string) => [[a, b]] };
    for (const vote of ["a", "b", "tie", "both_bad"] as const) {
      const message = `Question for a ${vote} vote?`;
      const round = await startArenaRound(ann, { projectSlug: "demo", message });
      // Blind: the page gets the two answers and a sealed round, no names anywhere in it.
      expect(Object.keys(round).sort()).toEqual(["a", "b", "battle"]);
      expect(round.battle).not.toMatch(/alpha|beta|model-a|model-b/);
      expect([nameOfReply(round.a), nameOfReply(round.b)].sort()).toEqual(["alpha", "beta"]);
      const res = await voteArenaRound(ann, { projectSlug: "demo", battle: round.battle, vote });
      expect(res.duplicate).toBe(false);
      expect(res.a).toEqual({ kind: "source", name: nameOfReply(round.a) });
      expect(res.b).toEqual({ kind: "source", name: nameOfReply(round.b) });

      const s = await storedRound(res.promptId);
      expect(s.prompt).toMatchObject({ projectId: project.id, instruction: message, authorId: ann.id, source: "human", status: "submitted", rankingCount: 1 });
      expect(s.outs).toHaveLength(2);
      for (const c of s.outs) {
        expect(c.source).toBe("model");
        expect(c.generator).toBe(nameOfReply(c.text));
        expect(c.modelSourceId).not.toBeNull();
        expect(c.modelVersionId).toBeNull();
      }
      expect(s.ranks).toHaveLength(1);
      const r = s.ranks[0];
      expect(r).toMatchObject({ id: res.rankingId, annotatorId: ann.id, source: "human", noneAcceptable: vote === "both_bad", isCurrent: true });
      const idOf = (text: string) => s.outs.find((c) => c.text === text)!.id;
      const want = expected[vote](idOf(round.a), idOf(round.b));
      // Ties are one group; its order inside carries nothing.
      expect(r.order.map((g) => [...g].sort())).toEqual(want.map((g) => [...g].sort()));
    }
    const view = await getPlayground(ann, "demo");
    expect(view.votes).toHaveLength(4);
  });

  it("the leaderboard counts Arena votes like other rankings (ties and both bad as ties)", async () => {
    await arenaProject();
    const ann = await makeActor("annotator");
    const reviewer = await makeActor("reviewer");
    const votes: Record<string, number> = { alphaWins: 0, betaWins: 0, ties: 0 };
    // alpha wins three, beta one, one tie, one both bad.
    for (const want of ["alpha", "alpha", "alpha", "beta", "tie", "both_bad"]) {
      const round = await startArenaRound(ann, { projectSlug: "demo", message: `Round for ${want} ${Math.random()}`, a: "source:alpha", b: "source:beta" });
      const sideOf = (name: string) => (nameOfReply(round.a) === name ? "a" : "b");
      const vote = want === "alpha" || want === "beta" ? sideOf(want) : (want as "tie" | "both_bad");
      await voteArenaRound(ann, { projectSlug: "demo", battle: round.battle, vote });
      if (want === "alpha") votes.alphaWins++;
      else if (want === "beta") votes.betaWins++;
      else votes.ties++;
    }
    const board = await projectLeaderboard(reviewer, { projectSlug: "demo", baseline: "beta" });
    expect(board.outcomes).toBe(6);
    const alpha = board.models.find((m) => m.model === "alpha")!;
    expect(alpha.vsBaseline).toMatchObject({ wins: 3, losses: 1, ties: 2, n: 6 });
    // (3 + 2 × ½) / 6
    expect(alpha.vsBaseline!.winRate).toBeCloseTo((4 / 6) * 100, 6);
  });

  it("one ranking per round: a retry, a second click with another vote, and concurrent clicks", async () => {
    await arenaProject();
    const ann = await makeActor("annotator");
    const round = await startArenaRound(ann, { projectSlug: "demo", message: "Which is better?" });
    const first = await voteArenaRound(ann, { projectSlug: "demo", battle: round.battle, vote: "a" });
    const again = await voteArenaRound(ann, { projectSlug: "demo", battle: round.battle, vote: "a" });
    const other = await voteArenaRound(ann, { projectSlug: "demo", battle: round.battle, vote: "b" });
    expect(again).toMatchObject({ duplicate: true, rankingId: first.rankingId, promptId: first.promptId });
    expect(other).toMatchObject({ duplicate: true, rankingId: first.rankingId });
    expect(await count()).toEqual({ prompts: 1, completions: 2, rankings: 1 });
    // The first vote stands.
    const s = await storedRound(first.promptId);
    expect(s.text(s.ranks[0].order[0][0])).toBe(round.a);

    const round2 = await startArenaRound(ann, { projectSlug: "demo", message: "And this one?" });
    const clicks = await Promise.all(Array.from({ length: 4 }, () => voteArenaRound(ann, { projectSlug: "demo", battle: round2.battle, vote: "tie" })));
    expect(new Set(clicks.map((c) => c.rankingId)).size).toBe(1);
    expect(clicks.filter((c) => !c.duplicate)).toHaveLength(1);
    expect(await count()).toEqual({ prompts: 2, completions: 4, rankings: 2 });
  });

  it("checks the role and the round's owner; bad input names the field and writes nothing", async () => {
    await arenaProject();
    await arenaProject("other");
    const ann = await makeActor("annotator");
    const ann2 = await makeActor("annotator");
    const round: ArenaRound = await startArenaRound(ann, { projectSlug: "demo", message: "Mine?" });
    server.log.length = 0;
    const before = await databaseFingerprint();
    const noWrites = async () => expect(changedTables(before, await databaseFingerprint()).filter((t) => !t.startsWith("pgboss"))).toEqual([]);

    // Anonymous: every action refuses.
    for (const res of [
      await sendChat({ projectSlug: "demo", model: "source:alpha", messages: [{ role: "user", content: "Hi" }] }),
      await startArena({ projectSlug: "demo", message: "Hi" }),
      await voteArena({ projectSlug: "demo", battle: round.battle, vote: "a" }),
    ]) {
      expect(res).toMatchObject({ ok: false, code: "unauthorized:auth" });
    }
    // Someone else's round, or my round in another project.
    await expect(voteArenaRound(ann2, { projectSlug: "demo", battle: round.battle, vote: "a" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { battle: anyList } });
    await expect(voteArenaRound(ann, { projectSlug: "other", battle: round.battle, vote: "a" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { battle: anyList } });
    // A round altered in the browser (one character of the ciphertext), or past its 24 hours.
    const tampered = round.battle.slice(0, -2) + (round.battle.at(-2) === "A" ? "B" : "A") + round.battle.at(-1);
    await expect(voteArenaRound(ann, { projectSlug: "demo", battle: tampered, vote: "a" })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { battle: anyList } });
    expect(() => openBattle(round.battle, Date.now() + 25 * 3600_000)).toThrow(/more than 24 hours old/);

    session.userId = ann.id;
    const chat = (extra: Record<string, unknown>) => sendChat({ projectSlug: "demo", model: "source:alpha", messages: [{ role: "user", content: "Hi" }], ...extra });
    const cases: Array<[string, Promise<{ ok: boolean; code?: string; fieldErrors?: Record<string, string[]> }>, string]> = [
      ["temperature not a number", chat({ temperature: "warm" }), "temperature"],
      ["temperature over 2", chat({ temperature: 3 }), "temperature"],
      ["max tokens 0", chat({ maxTokens: "0" }), "maxTokens"],
      ["max tokens not whole", chat({ maxTokens: 1.5 }), "maxTokens"],
      ["unknown source", chat({ model: "source:gamma" }), "model"],
      ["no active version", chat({ model: "version:active" }), "model"],
      ["another project's source", chat({ model: "source:alpha-other" }), "model"],
      ["a malformed model", chat({ model: "alpha" }), "model"],
      ["an empty message", chat({ messages: [{ role: "user", content: "   " }] }), "messages.0.content"],
      ["ends with the assistant", chat({ messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Yo" }] }), "messages"],
      ["turns out of order", chat({ messages: [{ role: "assistant", content: "Yo" }] }), "messages.0.role"],
      ["a NUL byte", chat({ system: "a\u0000b" }), "system"],
      ["an unknown field", chat({ topK: 5 }), "_"],
      ["an unknown project", sendChat({ projectSlug: "nope", model: "source:alpha", messages: [{ role: "user", content: "Hi" }] }), "projectSlug"],
      ["arena: one model chosen", startArena({ projectSlug: "demo", message: "Hi", a: "source:alpha" }), "b"],
      ["arena: the same model twice", startArena({ projectSlug: "demo", message: "Hi", a: "source:alpha", b: "source:alpha" }), "b"],
      ["arena: an unknown model", startArena({ projectSlug: "demo", message: "Hi", a: "source:alpha", b: "source:gamma" }), "b"],
      ["arena: no message", startArena({ projectSlug: "demo", message: "" }), "message"],
      ["vote: an unknown vote", voteArena({ projectSlug: "demo", battle: round.battle, vote: "c" }), "vote"],
      ["vote: no round", voteArena({ projectSlug: "demo", vote: "a" }), "battle"],
      ["vote: a made-up round", voteArena({ projectSlug: "demo", battle: "b1.x.y.z", vote: "a" }), "battle"],
    ];
    const failures: string[] = [];
    for (const [name, pending, field] of cases) {
      const res = await pending;
      if (res.ok) failures.push(`${name}: accepted`);
      else if (!/^(bad_request|not_found|conflict)/.test(res.code ?? "")) failures.push(`${name}: ${res.code}`);
      else if (!Object.keys(res.fieldErrors ?? {}).some((k) => k === field || k.startsWith(`${field}.`))) failures.push(`${name}: names ${JSON.stringify(res.fieldErrors)}, not ${field}`);
    }
    expect(failures).toEqual([]);
    expect(server.log).toHaveLength(0);
    await noWrites();
  });

  it("a version answers through the pool; an Arena vote between a version and a source is attributed to each", { timeout: 240_000 }, async () => {
    const { project } = await arenaProject();
    await getDb().insert(modelVersions).values({ projectId: project.id, label: "v1", base: "tiny", config: {}, checkpointPath: checkpoint, isActive: true });
    const ann = await makeActor("annotator");
    expect((await getPlayground(ann, "demo")).contenders.map((c) => c.ref)).toEqual(["version:active", "version:v1", "source:alpha", "source:beta"]);
    const chat = await chatWithModel(ann, { projectSlug: "demo", model: "version:active", messages: [{ role: "user", content: "Hi" }], maxTokens: 6 });
    expect(chat.model).toBe("version v1");
    expect(typeof chat.reply).toBe("string");
    // "active" is v1: the same model twice is refused.
    await expect(startArenaRound(ann, { projectSlug: "demo", message: "Hi", a: "version:active", b: "version:v1", maxTokens: 6 })).rejects.toMatchObject({ kind: "bad_request" });

    const round = await startArenaRound(ann, { projectSlug: "demo", message: "Hi", a: "version:v1", b: "source:beta", maxTokens: 6 });
    const versionSide = nameOfReply(round.a) === "beta" ? "b" : "a";
    const res = await voteArenaRound(ann, { projectSlug: "demo", battle: round.battle, vote: versionSide });
    expect(res[versionSide]).toEqual({ kind: "version", name: "v1" });
    const s = await storedRound(res.promptId);
    const winner = s.outs.find((c) => c.id === s.ranks[0].order[0][0])!;
    expect(winner).toMatchObject({ modelVersionId: anyText, generator: "v1", modelSourceId: null });
    const reviewer = await makeActor("reviewer");
    const board = await projectLeaderboard(reviewer, { projectSlug: "demo", baseline: "beta" });
    expect(board.models.find((m) => m.model === "v1")!.vsBaseline).toMatchObject({ wins: 1, losses: 0, n: 1 });
  });
});
