// The one place the Playground asks a model for a reply: a model version through the warm generation pool (what the
// OpenAI endpoint uses), a source through its OpenAI-compatible endpoint with the official client. Runs server-side only; a source's key never leaves lib/sources.
import "server-only";
import type { ModelSource, ModelVersion, Project } from "@/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { storableText } from "@/lib/jobs/trainer-process";
import { generateFromVersion } from "@/lib/openai/serve";
import { askChat, SourceCallError, type ChatTurn } from "@/lib/sources/chat-client";
import { endpointOf } from "@/lib/sources/sources";
import { samplingOf } from "@/lib/validation/projects";

export type Contender = { kind: "version"; id: string; name: string; version: ModelVersion } | { kind: "source"; id: string; name: string; source: ModelSource };

/** A chat so far: an optional system prompt, then user and assistant turns ending with the user's. */
export type Conversation = { system?: string; messages: Array<{ role: "user" | "assistant"; content: string }> };

/** This call's sampling; unset fields take the project's settings (versions) or the source's own (sources). */
export type Sampling = { temperature?: number; maxTokens?: number };

function turnsOf(c: Conversation): ChatTurn[] {
  return [...(c.system?.trim() ? [{ role: "system" as const, content: c.system }] : []), ...c.messages];
}

/** A version answers through the warm generation pool, its tokenizer's chat template rendering the turns. */
async function versionReply(project: Project, version: ModelVersion, convo: Conversation, sampling: Sampling): Promise<string> {
  const base = samplingOf(project.settings);
  try {
    const generation = generateFromVersion(version, turnsOf(convo), {
      temperature: sampling.temperature ?? base.temperature,
      topP: base.topP,
      maxTokens: sampling.maxTokens ?? base.maxTokens,
    });
    const result = await generation.done;
    const text = result.choices[0]?.text;
    if (text === undefined) throw new Error("no reply");
    return storableText(text);
  } catch (e) {
    // The pool's own refusals (queue full: 503, prompt too long: 400) already say what happened.
    if (isAppError(e)) throw e;
    throw new AppError("unavailable:generate", `Version ${version.label} could not answer: ${(e as Error).message.slice(0, 300)}`);
  }
}

async function sourceReply(source: ModelSource, convo: Conversation, sampling: Sampling): Promise<string> {
  try {
    const { text } = await askChat(endpointOf(source), turnsOf(convo), { temperature: sampling.temperature, maxTokens: sampling.maxTokens });
    return storableText(text);
  } catch (e) {
    if (e instanceof SourceCallError) throw new AppError("unavailable:source", `Source ${source.name} gave no answer: ${e.message}`);
    throw e;
  }
}

/** The contender's reply to the conversation, as text a page shows and the database keeps. */
export async function generateReply(project: Project, contender: Contender, convo: Conversation, sampling: Sampling): Promise<string> {
  return contender.kind === "version" ? versionReply(project, contender.version, convo, sampling) : sourceReply(contender.source, convo, sampling);
}
