// POST /api/openai/v1/chat/completions: a model version answers, plain or streamed token by token (`stream: true`).
import { completionBody, completionStream } from "@/lib/openai/respond";
import { defineOpenAIRoute } from "@/lib/openai/route";
import { completeChat, startChat } from "@/lib/openai/serve";
import { chatCompletionInput } from "@/lib/validation/openai";

export const POST = defineOpenAIRoute({ role: "reviewer", body: chatCompletionInput }, async ({ actor, body, signal }) => {
  if (!body.stream) {
    const done = await completeChat(actor, body, signal);
    return completionBody(done.model, done);
  }
  // An unknown model or a full queue fails here, as a plain HTTP error. No delta arrives before onDelta is set: they come
  // from the process's stdout, after this function's next line has run.
  let onDelta: (index: number, text: string) => void = () => {};
  const { model, generation } = await startChat(actor, body, (i, t) => onDelta(i, t));
  return completionStream(model, body.stream_options?.include_usage === true, (fn) => {
    onDelta = fn;
    return generation;
  });
});
