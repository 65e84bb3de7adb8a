// The Playground as a person uses it: what the page lists, and a chat turn with one version or source.
// Who: annotators and up (everyone who ranks), like the rank page; generation runs here, server-side, never in the browser.
import "server-only";
import { getDb } from "@/db/client";
import { listArenaVotesByUser } from "@/db/queries/playground";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { projectBySlugOr404 } from "@/lib/projects/projects";
import { samplingOf } from "@/lib/validation/projects";
import type { PlaygroundChatInput } from "@/lib/validation/playground";
import { contenderOptions, listContenders, resolveContender, type ContenderOption } from "./contenders";
import { generateReply } from "./generate";

export type PlaygroundView = {
  projectSlug: string;
  contenders: ContenderOption[];
  /** what a version uses when the form leaves a field empty (a source uses its own settings) */
  defaults: { temperature: number; maxTokens: number };
  /** the person's latest Arena votes, names revealed */
  votes: Array<{ rankingId: string; instruction: string; outcome: string; at: string }>;
};

/** How a stored Arena ranking reads: "alpha beat beta", "alpha tied beta", "both bad: alpha, beta". */
function describeVote(order: string[][], noneAcceptable: boolean, generators: Record<string, string | null>): string {
  const name = (id: string) => generators[id] ?? "?";
  if (noneAcceptable) return `both bad: ${order.flat().map(name).join(", ")}`;
  if (order.length === 1) return `${order[0].map(name).join(" tied ")}`;
  return `${name(order[0][0])} beat ${name(order[1][0])}`;
}

export async function getPlayground(actor: Actor, projectSlug: string): Promise<PlaygroundView> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, projectSlug, "projectSlug");
  const sampling = samplingOf(project.settings);
  const votes = await listArenaVotesByUser(db, { projectId: project.id, userId: actor.id, limit: 10 });
  return {
    projectSlug: project.slug,
    contenders: contenderOptions(await listContenders(db, project.id)),
    defaults: { temperature: sampling.temperature, maxTokens: sampling.maxTokens },
    votes: votes.map((v) => ({ rankingId: v.id, instruction: v.instruction, outcome: describeVote(v.order, v.noneAcceptable, v.generators), at: v.createdAt.toISOString() })),
  };
}

/** The model's reply to the chat so far. Nothing is stored: a chat becomes data only through an Arena vote. */
export async function chatWithModel(actor: Actor, input: PlaygroundChatInput): Promise<{ reply: string; model: string }> {
  assertRole(actor, "annotator");
  const db = getDb();
  const project = await projectBySlugOr404(db, input.projectSlug, "projectSlug");
  const contender = resolveContender(await listContenders(db, project.id), input.model, "model");
  const reply = await generateReply(project, contender, { system: input.system, messages: input.messages }, { temperature: input.temperature, maxTokens: input.maxTokens });
  return { reply, model: `${contender.kind} ${contender.name}` };
}
