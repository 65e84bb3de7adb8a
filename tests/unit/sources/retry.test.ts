// retryDelayMs against RFC 9110's Retry-After forms (delay-seconds, HTTP-date) and the backoff it falls back to.
import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, retryDelayMs } from "@/lib/sources/retry";

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const now = Date.parse("Sun, 06 Nov 1994 08:49:37 GMT");

describe("retryDelayMs", () => {
  it("waits what Retry-After asks, in seconds or until an HTTP date; retry-after-ms first", () => {
    expect(retryDelayMs(0, headers({ "retry-after": "2" }), now)).toEqual({ waitMs: 2000 });
    expect(retryDelayMs(3, headers({ "retry-after": "0.5" }), now)).toEqual({ waitMs: 500 });
    expect(retryDelayMs(0, headers({ "retry-after": "Sun, 06 Nov 1994 08:49:47 GMT" }), now)).toEqual({ waitMs: 10_000 });
    expect(retryDelayMs(0, headers({ "retry-after": "Sun, 06 Nov 1994 08:49:30 GMT" }), now)).toEqual({ waitMs: 0 });
    expect(retryDelayMs(0, headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toEqual({ waitMs: 250 });
  });

  it("refuses to wait longer than the cap", () => {
    expect(retryDelayMs(0, headers({ "retry-after": "3600" }), now)).toEqual({ tooLongMs: 3_600_000 });
    expect(retryDelayMs(0, headers({ "retry-after": String(MAX_RETRY_AFTER_MS / 1000) }), now)).toEqual({ waitMs: MAX_RETRY_AFTER_MS });
  });

  it("without a usable header: 0.5 s doubling to at most 8 s, less up to a quarter of jitter", () => {
    const delays = [0, 1, 2, 3, 4, 5, 10].map((a) => retryDelayMs(a, headers({ "retry-after": "soon" }), now, () => 0));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000].map((waitMs) => ({ waitMs })));
    expect(retryDelayMs(2, undefined, now, () => 0.999_999)).toEqual({ waitMs: expect.closeTo(1500, 0) });
  });
});
