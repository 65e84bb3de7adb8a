// Open-Assistant message trees (oasst1/oasst2 `message_tree` JSONL): one conversation tree per row.
import { z } from "zod";
import type { OasstNode } from "../types";
import { defineRowFormat, rowError, rowObject } from "./fields";

/** A row: {message_tree_id?, tree_state?, prompt: message}; a message {message_id, parent_id, role, text, rank?, review_result?, synthetic?, model_name?, replies?}. */
export const importOasstRowInput = rowObject({
  message_tree_id: z.string({ error: "expected a string" }).optional(),
  prompt: z.record(z.string(), z.unknown(), { error: "expected the tree's first message {message_id, role, text, replies}" }),
});

const MAX_DEPTH = 1000;

/**
 * Validates a tree message by message, naming the field by its path ("prompt.replies.0.text"):
 * ids are non-empty strings, unique in the tree; each reply's parent_id is the id of the
 * message it sits under (the root's is null or absent); roles alternate, prompter first; text
 * is non-empty. A message id that repeats an id higher up its own path is a cycle and is
 * refused as such. Ranks are whole numbers ≥ 0 or null. Prompter ranks (oasst ranks sibling
 * user turns too) are read but not kept: Tuneloop ranks assistant replies only.
 */
function readTree(value: Record<string, unknown>, line: number): OasstNode {
  const seen = new Set<string>();
  const walk = (m: unknown, field: string, parent: { id: string; role: "prompter" | "assistant" } | null, ancestors: string[], depth: number): OasstNode => {
    if (typeof m !== "object" || m === null || Array.isArray(m)) throw rowError(line, field, "expected a message {message_id, role, text}");
    if (depth > MAX_DEPTH) throw rowError(line, field, `is deeper than ${MAX_DEPTH} turns`);
    const msg = m as Record<string, unknown>;
    const id = msg.message_id;
    if (typeof id !== "string" || !id.trim()) throw rowError(line, `${field}.message_id`, "expected a non-empty string");
    if (ancestors.includes(id)) throw rowError(line, `${field}.message_id`, `repeats message ${id} higher up its own path (a cycle)`);
    if (seen.has(id)) throw rowError(line, `${field}.message_id`, `repeats message ${id} (ids are unique in a tree)`);
    seen.add(id);
    const parentId = msg.parent_id ?? null;
    if (parent === null && parentId !== null) throw rowError(line, `${field}.parent_id`, "expected null: the first message of a tree has no parent");
    if (parent !== null && parentId !== parent.id) throw rowError(line, `${field}.parent_id`, `unknown parent ${JSON.stringify(parentId)}: expected ${parent.id}, the message it replies to`);
    const role = msg.role;
    if (role !== "prompter" && role !== "assistant") throw rowError(line, `${field}.role`, 'expected "prompter" or "assistant"');
    const expected = parent === null || parent.role === "assistant" ? "prompter" : "assistant";
    if (role !== expected) throw rowError(line, `${field}.role`, `expected "${expected}"${parent ? ` (a reply to a ${parent.role} message)` : " (a tree starts with the user)"}`);
    const text = msg.text;
    if (typeof text !== "string" || (role === "prompter" && !text.trim())) throw rowError(line, `${field}.text`, "expected a non-empty string");
    const rank = msg.rank ?? null;
    if (rank !== null && (typeof rank !== "number" || !Number.isInteger(rank) || rank < 0)) throw rowError(line, `${field}.rank`, "expected a whole number ≥ 0 or null");
    const review = msg.review_result ?? null;
    if (review !== null && typeof review !== "boolean") throw rowError(line, `${field}.review_result`, "expected true, false or null");
    const system = parent === null ? (msg.system ?? null) : null;
    if (system !== null && typeof system !== "string") throw rowError(line, `${field}.system`, "expected a string or null");
    const synthetic = msg.synthetic === true;
    const modelName = typeof msg.model_name === "string" && msg.model_name ? msg.model_name : null;
    const replies = msg.replies ?? [];
    if (!Array.isArray(replies)) throw rowError(line, `${field}.replies`, "expected a list of messages");
    const node: OasstNode = { id, role, text, rank: role === "assistant" ? rank : null, reviewResult: review, synthetic, modelName, system, replies: [] };
    node.replies = replies.map((r, i) => walk(r, `${field}.replies.${i}`, { id, role }, [...ancestors, id], depth + 1));
    return node;
  };
  return walk(value, "prompt", null, [], 0);
}

/** One record per tree; lib/conversations/oasst writes its prompts, replies and rankings. */
export const oasstFormat = defineRowFormat("oasst", importOasstRowInput, (row, line) => {
  const tree = readTree(row.prompt, line);
  return { instruction: tree.text, input: null, category: null, completions: [], ranking: null, tree, meta: row.message_tree_id ? { treeId: row.message_tree_id } : {} };
});
