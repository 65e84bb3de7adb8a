// Per-token request limit for /api/openai: a fixed one-minute window per caller, counted in this process's memory.

/** Requests one caller may make per minute to one web process; N web processes allow N times as many. */
export const OPENAI_REQUESTS_PER_MINUTE = 60;
const WINDOW_MS = 60_000;

type Window = { start: number; count: number };
const windows = new Map<string, Window>();

/** Counts a request; `{ ok: false, retryAfterS }` once the caller's window is full. Memory grows with the callers seen in the last minute. */
export function takeRequest(caller: string, now = Date.now(), limit = OPENAI_REQUESTS_PER_MINUTE): { ok: true } | { ok: false; retryAfterS: number } {
  if (windows.size > 10_000) for (const [k, w] of windows) if (now - w.start >= WINDOW_MS) windows.delete(k);
  let w = windows.get(caller);
  if (!w || now - w.start >= WINDOW_MS) windows.set(caller, (w = { start: now, count: 0 }));
  if (w.count >= limit) return { ok: false, retryAfterS: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  w.count += 1;
  return { ok: true };
}
