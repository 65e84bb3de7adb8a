// takeRequest: a fixed one-minute window per caller.
import { expect, it } from "vitest";
import { takeRequest } from "@/lib/openai/rate-limit";

it("lets `limit` requests through per caller per minute, then says how long to wait", () => {
  const t0 = 1_000_000;
  for (let i = 0; i < 3; i++) expect(takeRequest("a", t0 + i, 3)).toEqual({ ok: true });
  expect(takeRequest("a", t0 + 20_000, 3)).toEqual({ ok: false, retryAfterS: 40 });
  expect(takeRequest("b", t0 + 20_000, 3)).toEqual({ ok: true });
  expect(takeRequest("a", t0 + 59_999, 3)).toEqual({ ok: false, retryAfterS: 1 });
  expect(takeRequest("a", t0 + 60_000, 3)).toEqual({ ok: true });
});
