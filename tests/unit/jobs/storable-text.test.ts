// Model outputs are stored as text PostgreSQL accepts: NUL and other control bytes go, tabs and newlines stay.
import { describe, expect, it } from "vitest";
import { storableText } from "@/lib/jobs/trainer-process";

describe("storableText", () => {
  it("drops NUL and control bytes a byte-level model can emit, keeping tabs, newlines and other text", () => {
    expect(storableText("a\u0000b\u0006c\u001bd\u007fe")).toBe("abcde");
    expect(storableText("line one\n\tline two\r\n")).toBe("line one\n\tline two\r\n");
    expect(storableText("café \ufffd 東京 😀")).toBe("café \ufffd 東京 😀");
  });
});
