// The chat endpoint's text handling: a conversation to the chat template's turns (and to one prompt, for callers that
// feed the trainer a single turn); a streamed reply cut at stop sequences, never sending text a stop could still claim.
import { expect, it } from "vitest";
import { chatMessages, promptFromMessages } from "@/lib/openai/serve";
import { byteTokenizer } from "@/trainer/tokenizer";
import { StreamedText } from "@/trainer/stream-text";

const convo = [
  { role: "developer" as const, content: "Be brief." },
  { role: "user" as const, content: [{ type: "text" as const, text: "Hi " }, { type: "text" as const, text: "there" }] },
  { role: "assistant" as const, content: "Hello." },
  { role: "user" as const, content: "A colour?" },
];

it("developer turns become system turns and text parts are joined", () => {
  expect(chatMessages(convo)).toEqual([
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi there" },
    { role: "assistant", content: "Hello." },
    { role: "user", content: "A colour?" },
  ]);
});

it("a lone user turn is the prompt as is; anything more becomes labelled turns", () => {
  expect(promptFromMessages([{ role: "user", content: "Name a colour." }])).toBe("Name a colour.");
  expect(promptFromMessages(convo)).toBe("System: Be brief.\n\nUser: Hi there\n\nAssistant: Hello.\n\nUser: A colour?");
});

/** Feeds `text` byte by byte (the byte tokenizer's tokens) and returns the deltas sent and the final state. */
function stream(text: string, stop: string[], end: "stop" | "length" | null = "length") {
  const s = new StreamedText((ids) => byteTokenizer.decode(ids), stop);
  const deltas: string[] = [];
  for (const id of byteTokenizer.encode(text)) {
    const d = s.push(id);
    if (d) deltas.push(d);
    if (s.finish) break;
  }
  if (!s.finish && end) {
    const d = s.end(end, end === "stop");
    if (d) deltas.push(d);
  }
  return { deltas, text: s.text, finish: s.finish, tokens: s.tokens };
}

it("cuts at the earliest stop sequence, holding back a tail that might become one", () => {
  const r = stream("red, green. blue", [".", ", g"]);
  expect(r).toMatchObject({ text: "red", finish: "stop" });
  // ", " could begin ", g": held until "g" settled it; nothing after "red" was ever sent.
  expect(r.deltas).toEqual(["r", "e", "d"]);
  expect(r.tokens).toBe(6);
  expect(stream("red green", ["\n"])).toMatchObject({ text: "red green", finish: "length", deltas: "red green".split("") });
  expect(stream("END", ["END"])).toMatchObject({ text: "", finish: "stop", deltas: [] });
  // A held tail that never became a stop is sent at the end.
  expect(stream("abc, ", [", g"])).toMatchObject({ text: "abc, ", finish: "length", deltas: ["a", "b", "c", ", "] });
});

it("holds a cut multi-byte character until it is whole, and the end token counts as a token", () => {
  const r = stream("é€!", [], "stop");
  expect(r.deltas).toEqual(["é", "€", "!"]);
  expect(r).toMatchObject({ text: "é€!", finish: "stop", tokens: byteTokenizer.encode("é€!").length + 1 });
});
