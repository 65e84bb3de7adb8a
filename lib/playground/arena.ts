// The Arena: two models answer one message side by side as A and B, unnamed; the person's vote becomes a pairwise
// ranking in the project (a prompt from the message, the two replies attributed to their version or source, one
// transaction, one ranking per round whatever the retries), then the names are revealed.
import "server-only";
import { randomInt, randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import { lockIdempotencyKey } from "@/db/queries/playground";
import { insertCompletion, insertPrompt } from "@/db/queries/prompts";
import { screenStored } from "@/lib/screening/screen";
import { getRankingByIdempotencyKey, insertRanking } from "@/db/queries/rankings";
import type { Project } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { recomputePromptConsensus } from "@/lib/rankings/consensus-state";
import type { ArenaStartInput, ArenaVote, ArenaVoteInput } from "@/lib/validation/playground";
import { openBattle, sealBattle, type Battle, type BattleSide } from "./battle-token";
import { listContenders, pickTwo, resolveContender } from "./contenders";
import { generateReply, type Contender } from "./generate";
import { rankingOfVote } from "./vote";

export type ArenaRound = { battle: string; a: string; b: string };
export type ArenaResult = {
  rankingId: string;
  promptId: string;
  /** nothing new was written: this round was already voted on (a double click or a retry) */
  duplicate: boolean;
  vote: ArenaVote;
  /** the names, revealed after the vote */
  a: { kind: "version" | "source"; name: string };
  b: { kind: "version" | "source"; name: string };
};

const arenaKey = (battleId: string) => `arena:${battleId}`;

async function answer(project: Project, c: Contender, message: string, sampling: { temperature?: number; maxTokens?: number }, side: "A" | "B"): Promise<BattleSide> {
  try {
    const reply = await generateReply(project, c, { messages: [{ role: "user", content: message }] }, sampling);
    return { kind: c.kind, id: c.id, name: c.name, reply };
  } catch (e) {
    // The reason would name the model (a version label, a source's URL): the round stays blind.
    console.error(`[tuneloop] arena: ${c.kind} ${c.name} failed`, e);
    throw new AppError("unavailable:arena", `Model ${side} could not answer this time. Start another round.`);
  }
}

/** Two contenders (chosen, or two at random) answer `message`; the sides are shuffled and sealed, names left out. */
export async function startArenaRound(actor: Actor, input: ArenaStartInput): Promise<ArenaRound> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const all = await listContenders(db, project.id);
  const pair = input.a && input.b ? [resolveContender(all, input.a, "a"), resolveContender(all, input.b, "b")] : pickTwo(all);
  if (pair[0].id === pair[1].id) throw new AppError("bad_request:arena", "Pick two different models.", { b: ["The same model as A (active is one of the versions)"] });
  const [first, second] = randomInt(2) === 0 ? pair : [pair[1], pair[0]];
  const sampling = { temperature: input.temperature, maxTokens: input.maxTokens };
  const [a, b] = await Promise.all([answer(project, first, input.message, sampling, "A"), answer(project, second, input.message, sampling, "B")]);
  const battle: Battle = { id: randomUUID(), projectId: project.id, userId: actor.id, message: input.message, a, b, createdAt: Date.now() };
  return { battle: sealBattle(battle), a: a.reply, b: b.reply };
}

const reveal = (b: Battle) => ({ a: { kind: b.a.kind, name: b.a.name }, b: { kind: b.b.kind, name: b.b.name } });

/**
 * Records the vote: the message as a prompt (by the voter, submitted for review like any written prompt), the two
 * replies as model completions attributed to their version or source, and the person's ranking of them, in one
 * transaction under the round's idempotency key.
 */
export async function voteArenaRound(actor: Actor, input: ArenaVoteInput): Promise<ArenaResult> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const battle = openBattle(input.battle);
  if (battle.userId !== actor.id || battle.projectId !== project.id) {
    throw new AppError("bad_request:battle", "This round was started by someone else or in another project.", { battle: ["Not your round in this project"] });
  }
  const key = arenaKey(battle.id);
  return db.transaction(async (tx) => {
    await lockIdempotencyKey(tx, key);
    const previous = await getRankingByIdempotencyKey(tx, actor.id, key);
    if (previous) return { rankingId: previous.id, promptId: previous.promptId, duplicate: true, vote: input.vote, ...reveal(battle) };
    const now = new Date();
    const prompt = await insertPrompt(tx, { projectId: project.id, instruction: battle.message, authorId: actor.id, source: "human", status: "submitted", submittedAt: now });
    const completion = (s: BattleSide) =>
      insertCompletion(tx, {
        promptId: prompt.id,
        text: s.reply,
        source: "model",
        generator: s.name,
        ...(s.kind === "version" ? { modelVersionId: s.id } : { modelSourceId: s.id }),
      });
    const a = await completion(battle.a);
    const b = await completion(battle.b);
    await screenStored(tx, { promptIds: [prompt.id], completionIds: [a.id, b.id] });
    const ranked = rankingOfVote(input.vote, a.id, b.id);
    const ranking = await insertRanking(tx, {
      promptId: prompt.id,
      annotatorId: actor.id,
      source: "human",
      order: ranked.order,
      noneAcceptable: ranked.noneAcceptable,
      timeSpentMs: Math.min(now.getTime() - battle.createdAt, 24 * 3600_000),
      idempotencyKey: key,
    });
    await recomputePromptConsensus(tx, prompt.id, project.settings);
    await recordAudit(tx, { actorId: actor.id, action: "arena.vote", targetType: "ranking", targetId: ranking.id, data: { promptId: prompt.id, vote: input.vote, a: battle.a.name, b: battle.b.name } });
    return { rankingId: ranking.id, promptId: prompt.id, duplicate: false, vote: input.vote, ...reveal(battle) };
  });
}
