// Open-Assistant message trees in and out: each prompter message a prompt (a user turn), each assistant message a completion of it.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getDb, type DbOrTx } from "@/db/client";
import { useRepeatableRead } from "@/db/queries/exports";
import { assertRole, type AnyActor } from "@/lib/auth/roles";
import { parseInput } from "@/lib/errors";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { slugInput } from "@/lib/validation/projects";
import * as qc from "@/db/queries/conversations";
import * as qi from "@/db/queries/imports";
import type { OasstNode } from "@/lib/formats/import";
import type { PathCache } from "./import-path";
import { detectLanguage } from "@/lib/languages/detect";

type TurnPath = { system: string | null; turns: Array<[string, string]> };

/** The key of a prompter message: the same as lib/conversations/import-path's turnHash, so an oasst tree and an hh-rlhf dialogue that begin alike share their turns. */
function nodeHash(at: TurnPath, user: string): string {
  return createHash("sha256").update(JSON.stringify(["tuneloop-turn-v1", at.system, at.turns, user]), "utf8").digest("hex");
}

/**
 * Writes one tree. A prompter message is a prompt (source import; approved, or rejected where
 * oasst's review_result is false), found again by its path so a re-import adds nothing; an
 * assistant message is a completion of it, found by its text: a person's reply is a
 * demonstration (approved or rejected by review_result), a `synthetic` one a model output
 * (generator model_name). Ranked assistant siblings become one imported ranking, best rank
 * first, written when the prompt is new. Costs a few queries per message.
 */
export async function importOasstTree(tx: DbOrTx, projectId: string, root: OasstNode, cache: PathCache, language?: string) {
  const counts = { prompts: 0, completions: 0, rankings: 0 };
  const visit = async (msg: OasstNode, parentCompletionId: string | null, at: TurnPath) => {
    const hash = nodeHash(at, msg.text);
    let node = cache.get(hash);
    let created = false;
    if (!node) {
      const placed = await qc.insertPromptOnce(tx, {
        projectId,
        instruction: msg.text,
        input: null,
        category: null,
        // the file's declared language, else detected per message (oasst's own `lang` is not read yet)
        language: language ?? detectLanguage(msg.text),
        authorId: null,
        source: "import",
        status: msg.reviewResult === false ? "rejected" : "approved",
        contentHash: hash,
        parentCompletionId,
        system: parentCompletionId === null ? at.system : null,
        submittedAt: new Date(),
      });
      created = placed.created;
      if (created) counts.prompts++;
      node = { promptId: placed.id, replies: new Map() };
      cache.set(hash, node);
    }
    const ids: string[] = [];
    for (const reply of msg.replies) {
      let id = node.replies.get(reply.text) ?? (await qc.findCompletionByText(tx, node.promptId, reply.text)) ?? undefined;
      if (!id) {
        id = await qc.insertCompletion(
          tx,
          reply.synthetic
            ? { id: randomUUID(), promptId: node.promptId, text: reply.text, source: "import", generator: reply.modelName, status: reply.reviewResult === false ? "rejected" : "submitted" }
            : { id: randomUUID(), promptId: node.promptId, text: reply.text, source: "human", generator: null, isDemonstration: true, status: reply.reviewResult === false ? "rejected" : "approved" },
        );
        counts.completions++;
      }
      node.replies.set(reply.text, id);
      ids.push(id);
    }
    const ranked = msg.replies.map((r, i) => ({ rank: r.rank, id: ids[i] })).filter((r): r is { rank: number; id: string } => r.rank !== null);
    if (created && ranked.length >= 2) {
      const groups = new Map<number, string[]>();
      for (const r of ranked) (groups.get(r.rank) ?? groups.set(r.rank, []).get(r.rank)!).push(r.id);
      const order = [...groups.keys()].sort((a, b) => a - b).map((k) => groups.get(k)!);
      await qi.insertImportedRankings(tx, [{ promptId: node.promptId, annotatorId: null, source: "import", order }]);
      counts.rankings++;
    }
    for (let i = 0; i < msg.replies.length; i++) {
      const reply = msg.replies[i];
      for (const next of reply.replies) await visit(next, ids[i], { system: at.system, turns: [...at.turns, [msg.text, reply.text]] });
    }
  };
  await visit(root, null, { system: root.system, turns: [] });
  return counts;
}

/** oasst's review_result from a status: approved true, rejected false, anything else not yet reviewed (null). */
const reviewResult = (status: string) => (status === "approved" ? true : status === "rejected" ? false : null);

/**
 * Each assistant reply's rank among its siblings (0 best): from the consensus of human
 * rankings where the prompt has one, else from its first imported ranking (tied replies share
 * a rank); null for a reply no ranking places.
 */
function ranksOf(p: qc.TreePrompt): Map<string, number> {
  const ranks = new Map<string, number>();
  const human = p.rankings.some((r) => r.source === "human");
  if (human && p.consensus) p.consensus.order.forEach((id, i) => ranks.set(id, i));
  else p.rankings.find((r) => r.source === "import")?.order.forEach((group, i) => group.forEach((id) => ranks.set(id, i)));
  return ranks;
}

/**
 * One `message_tree` JSONL line per conversation of the project (oasst1/oasst2's shape:
 * {message_tree_id, tree_state, prompt}, each message {message_id, parent_id, role, text,
 * review_result, rank, synthetic, model_name, replies}); ids are Tuneloop's prompt and
 * completion ids. Assistant replies are ordered by rank (unranked last) then text, user turns
 * by text, so the same data gives the same bytes. A root's system message rides on its first
 * message as `system` (omitted when there is none). Memory: the root ids, then one tree at a time.
 */
export async function* oasstLines(db: DbOrTx, projectId: string): AsyncGenerator<string> {
  for (const rootId of await qc.listRootPromptIds(db, projectId)) {
    const prompts = await qc.readTree(db, rootId);
    const byParent = new Map<string, qc.TreePrompt[]>();
    for (const p of prompts) if (p.parentCompletionId) (byParent.get(p.parentCompletionId) ?? byParent.set(p.parentCompletionId, []).get(p.parentCompletionId)!).push(p);
    const byText = (a: { text: string; id: string }, b: { text: string; id: string }) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.id < b.id ? -1 : 1);
    const prompter = (p: qc.TreePrompt, parentId: string | null): Record<string, unknown> => {
      const ranks = ranksOf(p);
      const replies = [...p.completions].sort((a, b) => (ranks.get(a.id) ?? Infinity) - (ranks.get(b.id) ?? Infinity) || byText(a, b));
      return {
        message_id: p.id,
        parent_id: parentId,
        role: "prompter",
        text: p.text,
        ...(parentId === null && p.system !== null ? { system: p.system } : {}),
        review_result: reviewResult(p.status),
        replies: replies.map((c) => ({
          message_id: c.id,
          parent_id: p.id,
          role: "assistant",
          text: c.text,
          review_result: reviewResult(c.status),
          rank: ranks.get(c.id) ?? null,
          synthetic: c.source !== "human",
          model_name: c.source !== "human" ? c.generator : null,
          replies: [...(byParent.get(c.id) ?? [])].sort(byText).map((next) => prompter(next, c.id)),
        })),
      };
    };
    const root = prompts.find((p) => p.id === rootId);
    if (root) yield JSON.stringify({ message_tree_id: rootId, tree_state: "ready_for_export", prompt: prompter(root, null) });
  }
}

export const exportOasstInput = z.object({ projectSlug: slugInput, out: z.string({ error: "out is required" }).min(1, "out is required") }).strict();
export type ExportOasstInput = z.infer<typeof exportOasstInput>;

/** Writes the project's conversations as oasst `message_tree` JSONL to `out` (written beside it, then renamed), from one consistent view. */
export async function exportOasst(actor: AnyActor | null, raw: ExportOasstInput): Promise<{ path: string; trees: number }> {
  assertRole(actor, "admin");
  const input = parseInput(exportOasstInput, raw, "export");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const out = path.resolve(input.out);
  const tmp = `${out}.tmp-${process.pid}-${randomUUID().slice(0, 8)}`;
  const fd = fs.openSync(tmp, "w");
  let trees = 0;
  try {
    await db.transaction(async (tx) => {
      await useRepeatableRead(tx);
      for await (const line of oasstLines(tx, project.id)) {
        fs.writeSync(fd, `${line}\n`);
        trees++;
      }
    });
    fs.closeSync(fd);
    fs.renameSync(tmp, out);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return { path: out, trees };
}
