// Outputs of a model version: its checkpoint through the trainer (a child process), or, for a version a launcher
// registered as external (weights the trainer cannot load), the OpenAI-compatible endpoint that serves it.
import OpenAI from "openai";
import { z } from "zod";
import type { ModelVersion } from "@/db/schema";
import { askChat, type ChatEndpoint } from "@/lib/sources/chat-client";
import { generateOutputs, storableText } from "@/lib/jobs/trainer-process";
import { promptMessages, type PromptWithHistory } from "@/lib/conversations/messages";

/** config.external of a version (lib/launchers/register.ts); `model` absent: the first the endpoint lists. */
const externalConfig = z.object({ endpoint: z.url(), model: z.string().min(1).optional() });

export function externalModelOf(version: Pick<ModelVersion, "config">): z.infer<typeof externalConfig> | null {
  const r = externalConfig.safeParse(version.config.external);
  return r.success ? r.data : null;
}

type Prompt = PromptWithHistory & { id: string };
type Sampling = { n: number; temperature: number; topP: number; maxTokens: number; onPrompt?: (promptId: string, outputs: number) => void };

/** Requests in flight at once to an external version's endpoint. */
const CONCURRENCY = 4;

async function servedModel(baseUrl: string): Promise<string> {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: "no-key", maxRetries: 2, timeout: 30_000, logLevel: "off" });
  const page = await client.models.list();
  const first = page.data[0]?.id;
  if (!first) throw new Error(`${baseUrl}/models lists no model: name one with {"endpoint": …, "model": …}`);
  return first;
}

async function generateWithEndpoint(version: ModelVersion, ext: z.infer<typeof externalConfig>, prompts: Prompt[], opts: Sampling): Promise<Map<string, string[]>> {
  const endpoint: ChatEndpoint = {
    name: version.label,
    baseUrl: ext.endpoint,
    model: ext.model ?? (await servedModel(ext.endpoint)),
    apiKey: null,
    settings: { temperature: opts.temperature, topP: opts.topP, maxTokens: opts.maxTokens, concurrency: CONCURRENCY, timeoutS: 120, maxRetries: 3 },
  };
  const made = new Map<string, string[]>();
  const queue = [...prompts];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const messages = promptMessages(p);
      const outputs: string[] = [];
      for (let i = 0; i < opts.n; i++) outputs.push(storableText((await askChat(endpoint, messages)).text));
      made.set(p.id, outputs);
      opts.onPrompt?.(p.id, outputs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, prompts.length) }, worker));
  return made;
}

/** Each prompt's outputs by id, from wherever the version runs. */
export function generateVersionOutputs(version: ModelVersion, prompts: Prompt[], opts: Sampling): Promise<Map<string, string[]>> {
  const ext = externalModelOf(version);
  return ext ? generateWithEndpoint(version, ext, prompts, opts) : generateOutputs(version.checkpointPath, prompts, opts);
}
