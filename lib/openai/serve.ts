// Tuneloop as an OpenAI-compatible server: its model versions by name (`<project>/<label>`, `<project>/active`) and chat
// completions written by the warm generation pool (lib/generation-pool: child processes; the web thread never computes).
import "server-only";
import { getDb } from "@/db/client";
import { getActiveModelVersion, listModelVersions } from "@/db/queries/runs";
import { getProjectBySlug, listProjects } from "@/db/queries/projects";
import { assertRole, type Actor } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { generationPool, type Generation, type GenerationInput, type GenerationResult } from "@/lib/generation-pool/pool";
import { samplingOf } from "@/lib/validation/projects";
import type { ChatCompletionInput } from "@/lib/validation/openai";

export type ServedModel = { id: string; object: "model"; created: number; owned_by: string };

export async function listServedModels(actor: Actor | null): Promise<ServedModel[]> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const out: ServedModel[] = [];
  for (const p of await listProjects(db)) {
    // a reward model scores outputs and writes none: not served
    const versions = (await listModelVersions(db, p.id)).filter((v) => v.status === "ready" && v.kind === "policy");
    for (const v of versions) {
      const created = Math.floor(v.createdAt.getTime() / 1000);
      out.push({ id: `${p.slug}/${v.label}`, object: "model", created, owned_by: "tuneloop" });
      if (v.isActive) out.push({ id: `${p.slug}/active`, object: "model", created, owned_by: "tuneloop" });
    }
  }
  return out;
}

/** The conversation as the model's chat template takes it: developer turns are system turns, text parts joined. */
export function chatMessages(messages: ChatCompletionInput["messages"]): GenerationInput["messages"] {
  return messages.map((m) => ({ role: m.role === "developer" ? "system" : m.role, content: typeof m.content === "string" ? m.content : m.content.map((p) => p.text).join("") }));
}

/**
 * One prompt text from a conversation, for callers that hand the trainer a single user turn (the Playground's
 * generate-job path): a lone user turn as is, else labelled turns. The endpoint itself sends the turns to the chat template.
 */
export function promptFromMessages(messages: ChatCompletionInput["messages"]): string {
  const turns = chatMessages(messages);
  if (turns.length === 1 && turns[0].role === "user") return turns[0].content;
  const label = { system: "System", user: "User", assistant: "Assistant" } as const;
  return turns.map((t) => `${label[t.role]}: ${t.content}`).join("\n\n");
}

async function resolveVersion(model: string) {
  const slash = model.indexOf("/");
  const db = getDb();
  const project = slash > 0 ? await getProjectBySlug(db, model.slice(0, slash)) : null;
  const label = model.slice(slash + 1);
  const version = project ? (label === "active" ? await getActiveModelVersion(db, project.id) : (await listModelVersions(db, project.id)).find((v) => v.label === label && v.status === "ready" && v.kind === "policy")) : null;
  if (!project || !version) throw new AppError("not_found:model", `The model \`${model}\` does not exist. GET /api/openai/v1/models lists them (<project>/<version> or <project>/active).`, { model: ["Unknown model"] });
  return { project, version };
}

export type ChatUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

/** OpenAI's usage counts: the prompt once (as the template rendered it), every choice's sampled tokens. */
export function usageOf(r: GenerationResult): ChatUsage {
  const completion = r.choices.reduce((a, c) => a + c.completionTokens, 0);
  return { prompt_tokens: r.promptTokens, completion_tokens: completion, total_tokens: r.promptTokens + completion };
}

/**
 * A version's replies through the warm pool, for any server-side caller that has already checked the role (the
 * endpoint, the Playground). Throws AppError 503 at once when the pool's queue is full.
 */
export function generateFromVersion(
  version: { id: string; checkpointPath: string },
  messages: GenerationInput["messages"],
  o: { n?: number; temperature: number; topP: number; maxTokens: number; seed?: number; stop?: string[]; logitBias?: Record<string, number> },
  onDelta?: (index: number, text: string) => void,
): Generation {
  return generationPool().submit(
    { checkpoint: version.checkpointPath, modelKey: version.id, messages, n: o.n ?? 1, temperature: o.temperature, topP: o.topP, maxTokens: o.maxTokens, seed: o.seed ?? Math.floor(Math.random() * 2 ** 31), stop: o.stop ?? [], logitBias: o.logitBias },
    onDelta,
  );
}

/**
 * Queues the n replies to a conversation in the generation pool; text reaches `onDelta` as it is sampled. Throws (404)
 * for an unknown model and (503) when the pool's queue is full, before anything is generated.
 */
export async function startChat(actor: Actor | null, input: ChatCompletionInput, onDelta?: (index: number, text: string) => void): Promise<{ model: string; versionId: string; generation: Generation }> {
  assertRole(actor, "reviewer");
  const { project, version } = await resolveVersion(input.model);
  const sampling = samplingOf(project.settings);
  const stop = input.stop == null ? [] : Array.isArray(input.stop) ? input.stop : [input.stop];
  const generation = generateFromVersion(
    version,
    chatMessages(input.messages),
    { n: input.n ?? 1, temperature: input.temperature ?? sampling.temperature, topP: input.top_p ?? sampling.topP, maxTokens: input.max_completion_tokens ?? input.max_tokens ?? sampling.maxTokens, seed: input.seed ?? undefined, stop, logitBias: input.logit_bias ?? undefined },
    onDelta,
  );
  return { model: input.model, versionId: version.id, generation };
}

/** The n finished replies (with usage); `signal` cancels the generation when the caller goes away. */
export async function completeChat(actor: Actor | null, input: ChatCompletionInput, signal?: AbortSignal) {
  const { model, versionId, generation } = await startChat(actor, input);
  const cancel = () => generation.cancel();
  if (signal?.aborted) cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    const result = await generation.done;
    return { model, versionId, promptTokens: result.promptTokens, choices: result.choices, usage: usageOf(result) };
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
}
