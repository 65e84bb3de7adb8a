// Sealed texts: any change to a sealed string is refused, including changes Node's base64url decoder would ignore.
import { describe, expect, it, beforeAll } from "vitest";

const LABEL = { version: "t1", info: "tuneloop secret-box test" };
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

describe("secret box", () => {
  let box: typeof import("@/lib/sources/secret-box");
  beforeAll(async () => {
    process.env.TUNELOOP_SECRET_KEY = "k".repeat(40);
    box = await import("@/lib/sources/secret-box");
  });

  it("opens what it sealed, and nothing sealed under another label", () => {
    const sealed = box.seal(LABEL, "hello ✓");
    expect(box.unseal(LABEL, sealed)).toBe("hello ✓");
    expect(box.unseal({ ...LABEL, info: "another use" }, sealed)).toBeNull();
    expect(box.unseal({ ...LABEL, version: "t2" }, sealed)).toBeNull();
  });

  it("refuses every one-character change, stray characters and extra parts", () => {
    // Lengths 1..4 give every remainder of the ciphertext's base64 length, so last characters with unused bits occur.
    for (const plain of ["a", "ab", "abc", "abcd"]) {
      const sealed = box.seal(LABEL, plain);
      for (let i = 0; i < sealed.length; i++) {
        if (sealed[i] === ".") continue;
        for (const c of ALPHABET) {
          if (c === sealed[i]) continue;
          const altered = sealed.slice(0, i) + c + sealed.slice(i + 1);
          expect(box.unseal(LABEL, altered), `${plain}: position ${i} → ${c}`).toBeNull();
        }
      }
      expect(box.unseal(LABEL, sealed + "=")).toBeNull();
      expect(box.unseal(LABEL, sealed.replace(".", ".\n"))).toBeNull();
      expect(box.unseal(LABEL, sealed + ".x")).toBeNull();
    }
  });
});
