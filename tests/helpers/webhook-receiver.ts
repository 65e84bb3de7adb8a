// A real HTTP receiver for webhook tests: verifies each request's signature with the README's recipe (not the app's
// signing code), and answers as the test says: a status, or no answer at all (to make the sender time out).
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** The README's verification recipe, verbatim in substance: parse t and v1, recompute, compare in constant time, check the age. */
export function verifyTuneloopSignature(secret: string, header: string | undefined, rawBody: string, toleranceS = 300): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v1 !== "string") return false;
  if (Math.abs(Date.now() / 1000 - t) > toleranceS) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type Received = { n: number; headers: http.IncomingHttpHeaders; body: string; json: { id: string; type: string; project: { slug: string }; data: Record<string, unknown> }; verified: boolean };

/** What to answer the n-th request (1-based): an HTTP status, or "hang" (no answer until the receiver closes). */
export type Answer = (n: number, req: Received) => number | "hang";

export async function startWebhookReceiver(answer: Answer, secret: () => string) {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const r: Received = { n: received.length + 1, headers: req.headers, body, json: JSON.parse(body) as Received["json"], verified: verifyTuneloopSignature(secret(), req.headers["tuneloop-signature"] as string | undefined, body) };
      received.push(r);
      const a = answer(r.n, r);
      if (a === "hang") {
        hanging.add(res);
        return;
      }
      res.writeHead(a, { "content-type": "text/plain" }).end(a < 300 ? "ok" : "failing on purpose");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
