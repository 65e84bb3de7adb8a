// The chat endpoint's text handling: a conversation to one prompt, and stop sequences cutting a reply (earliest match wins).
import { expect, it } from "vitest";
import { applyStop, promptFromMessages } from "@/lib/openai/serve";

it("a lone user turn is the prompt as is; anything more becomes labelled turns", () => {
  expect(promptFromMessages([{ role: "user", content: "Name a colour." }])).toBe("Name a colour.");
  expect(
    promptFromMessages([
      { role: "developer", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Hi " }, { type: "text", text: "there" }] },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "A colour?" },
    ]),
  ).toBe("System: Be brief.\n\nUser: Hi there\n\nAssistant: Hello.\n\nUser: A colour?");
});

it("cuts at the earliest stop sequence and says so", () => {
  expect(applyStop("red, green. blue", [".", ","])).toEqual({ text: "red", stopped: true });
  expect(applyStop("red green", ["\n"])).toEqual({ text: "red green", stopped: false });
  expect(applyStop("END", ["END"])).toEqual({ text: "", stopped: true });
});
