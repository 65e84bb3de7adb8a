// A small OpenAI-compatible chat server on 127.0.0.1 for model-source tests: each request answered as `behave` says, every request logged.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type FakeReply = { status?: number; headers?: Record<string, string>; body?: string | object; hang?: boolean };
export type FakeRequest = {
  at: number;
  model: string;
  prompt: string;
  auth: string | undefined;
  maxTokens: number | undefined;
  attempt: number;
  /** the whole conversation as sent, and the temperature asked for */
  messages: Array<{ role?: string; content?: string }>;
  temperature: number | undefined;
};

/** A well-formed chat.completion answer with one choice. */
export function chatAnswer(model: string, content: string) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
  };
}

/** `attempt` counts requests for the same model and prompt from 1, so a behaviour can fail first and then answer. */
export async function startFakeOpenAI(behave: (r: FakeRequest) => FakeReply) {
  const log: FakeRequest[] = [];
  const attempts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: { model?: string; messages?: Array<{ role?: string; content?: string }>; max_tokens?: number; temperature?: number } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {}
      const model = body.model ?? "";
      const prompt = body.messages?.[0]?.content ?? "";
      const key = `${model}\u0000${prompt}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const r: FakeRequest = { at: Date.now(), model, prompt, auth: req.headers.authorization, maxTokens: body.max_tokens, attempt, messages: body.messages ?? [], temperature: body.temperature };
      log.push(r);
      if (req.url !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const reply = behave(r);
      if (reply.hang) return;
      const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
