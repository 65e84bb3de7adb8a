// The remembered session-cookie decode: the same payload as next-auth's, refused for another secret, and not kept past expiry.
import { encode } from "next-auth/jwt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeSessionToken } from "@/lib/auth/session-token";

const secret = "unit-test-secret-0123456789abcdef";

describe("decodeSessionToken", () => {
  afterEach(() => vi.useRealTimers());

  it("answers next-auth's payload, the second time from memory, as a copy", async () => {
    const token = await encode({ token: { uid: "u1", role: "annotator" }, secret, maxAge: 3600 });
    const first = await decodeSessionToken({ token, secret });
    expect(first).toMatchObject({ uid: "u1", role: "annotator" });
    first!.role = "admin";
    expect(await decodeSessionToken({ token, secret })).toMatchObject({ uid: "u1", role: "annotator" });
  });

  it("refuses a remembered token under another secret, and an empty one", async () => {
    const token = await encode({ token: { uid: "u2" }, secret, maxAge: 3600 });
    await decodeSessionToken({ token, secret });
    await expect(decodeSessionToken({ token, secret: "another-secret-0123456789abcdef" })).rejects.toThrow();
    expect(await decodeSessionToken({ token: "", secret })).toBeNull();
  });

  it("refuses a remembered token once it is past its expiry and jose's 15 s tolerance", async () => {
    const token = await encode({ token: { uid: "u3" }, secret, maxAge: 60 });
    expect(await decodeSessionToken({ token, secret })).toMatchObject({ uid: "u3" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 70_000);
    expect(await decodeSessionToken({ token, secret })).toMatchObject({ uid: "u3" });
    vi.setSystemTime(Date.now() + 10_000);
    await expect(decodeSessionToken({ token, secret })).rejects.toThrow(/exp/);
  });
});
