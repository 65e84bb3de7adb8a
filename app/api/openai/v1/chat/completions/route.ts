// POST /api/openai/v1/chat/completions: a model version answers, plain or as server-sent events (`stream: true`).
import { completeChat } from "@/lib/openai/serve";
import { completionBody, completionStream } from "@/lib/openai/respond";
import { defineOpenAIRoute } from "@/lib/openai/route";
import { chatCompletionInput } from "@/lib/validation/openai";

export const POST = defineOpenAIRoute({ role: "reviewer", body: chatCompletionInput }, async ({ actor, body }) => {
  const { model, choices } = await completeChat(actor, body);
  return body.stream ? completionStream(model, choices) : completionBody(model, choices);
});
