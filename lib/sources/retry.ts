// When to try a model source again: Retry-After (seconds or an HTTP date) or retry-after-ms when the server sends one, else exponential backoff.

/** A server asking for a longer wait than this is reported as rate-limited instead of waited for. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;

type Headers = { get(name: string): string | null } | undefined;

/**
 * Milliseconds to wait before retry number `attempt + 1` (attempt counts from 0). A server's
 * Retry-After wins; without one, 0.5 s × 2^attempt up to 8 s, less up to 25% jitter (so many
 * clients do not retry in step). `{ tooLong }` when the server asks for more than MAX_RETRY_AFTER_MS.
 */
export function retryDelayMs(attempt: number, headers: Headers, now = Date.now(), random = Math.random): { waitMs: number } | { tooLongMs: number } {
  const asked = askedWaitMs(headers, now);
  if (asked !== null) return asked > MAX_RETRY_AFTER_MS ? { tooLongMs: asked } : { waitMs: Math.max(0, asked) };
  const backoff = Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_BACKOFF_MS);
  return { waitMs: backoff * (1 - random() * 0.25) };
}

/** The wait a response asks for, or null when it names none (or none that parses). */
export function askedWaitMs(headers: Headers, now = Date.now()): number | null {
  const ms = headers?.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at - now;
}
