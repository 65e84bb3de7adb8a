// Signing a delivery as Stripe does: HMAC-SHA256 over `${timestamp}.${body}`, sent as `Tuneloop-Signature: t=…,v1=…`.
// Receivers verify with the README's recipe (tests/helpers/webhook-receiver.ts runs it).
import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "Tuneloop-Signature";

/** Hex HMAC-SHA256 of `${timestamp}.${body}` under the webhook's secret; timestamp in Unix seconds. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The header value for one attempt: a fresh timestamp each try, so a receiver can refuse old replays. */
export function signatureHeader(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

