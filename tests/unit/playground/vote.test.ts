// Arena votes as rankings, read back the way the leaderboard reads every ranking; and the Playground's inputs.
import { describe, expect, it } from "vitest";
import { outcomesFromRankings } from "@/lib/leaderboard/project-leaderboard";
import { rankingOfVote } from "@/lib/playground/vote";
import { arenaStartInput, arenaVoteInput, playgroundChatInput } from "@/lib/validation/playground";
import { zodFieldErrors } from "@/lib/errors";

const generators = { ca: "alpha", cb: "beta" };

describe("an Arena vote as a ranking", () => {
  it.each([
    ["a", { a: "alpha", b: "beta", winner: "a" }],
    ["b", { a: "beta", b: "alpha", winner: "a" }],
    ["tie", { a: "alpha", b: "beta", winner: "tie" }],
    ["both_bad", { a: "alpha", b: "beta", winner: "tie" }],
  ] as const)("%s: the leaderboard reads one outcome %o", (vote, outcome) => {
    const { order } = rankingOfVote(vote, "ca", "cb");
    expect(outcomesFromRankings([{ order, generators }])).toEqual([outcome]);
  });

  it("only both bad is none acceptable", () => {
    expect((["a", "b", "tie", "both_bad"] as const).map((v) => rankingOfVote(v, "ca", "cb").noneAcceptable)).toEqual([false, false, false, true]);
  });
});

const errorsOf = (r: { success: boolean; error?: Parameters<typeof zodFieldErrors>[0] }) => (r.success ? {} : zodFieldErrors(r.error!));

describe("Playground inputs", () => {
  const chat = { projectSlug: "demo", model: "source:alpha", messages: [{ role: "user", content: "Hi" }] };

  it("takes form strings for sampling and names each bad field", () => {
    expect(playgroundChatInput.parse({ ...chat, temperature: "0.5", maxTokens: "64" })).toMatchObject({ temperature: 0.5, maxTokens: 64 });
    expect(playgroundChatInput.parse({ ...chat, temperature: "", maxTokens: "" })).toMatchObject({ temperature: undefined, maxTokens: undefined });
    expect(Object.keys(errorsOf(playgroundChatInput.safeParse({ ...chat, temperature: "2.5", maxTokens: "12.5" })))).toEqual(["temperature", "maxTokens"]);
    expect(Object.keys(errorsOf(playgroundChatInput.safeParse({ ...chat, model: "gpt-4" })))).toEqual(["model"]);
  });

  it("a chat alternates user and assistant and ends with the user", () => {
    const turns = (...roles: string[]) => ({ ...chat, messages: roles.map((role) => ({ role, content: "x" })) });
    expect(playgroundChatInput.safeParse(turns("user", "assistant", "user")).success).toBe(true);
    expect(Object.keys(errorsOf(playgroundChatInput.safeParse(turns("user", "user"))))).toEqual(["messages.1.role", "messages"]);
    expect(Object.keys(errorsOf(playgroundChatInput.safeParse(turns("assistant"))))).toEqual(["messages.0.role"]);
  });

  it("the Arena takes both models or neither, never one twice", () => {
    const base = { projectSlug: "demo", message: "Hi" };
    expect(arenaStartInput.safeParse(base).success).toBe(true);
    expect(arenaStartInput.safeParse({ ...base, a: "source:alpha", b: "version:v1" }).success).toBe(true);
    expect(Object.keys(errorsOf(arenaStartInput.safeParse({ ...base, a: "source:alpha" })))).toEqual(["b"]);
    expect(Object.keys(errorsOf(arenaStartInput.safeParse({ ...base, b: "source:alpha" })))).toEqual(["a"]);
    expect(Object.keys(errorsOf(arenaStartInput.safeParse({ ...base, a: "source:alpha", b: "source:alpha" })))).toEqual(["b"]);
    expect(Object.keys(errorsOf(arenaVoteInput.safeParse({ projectSlug: "demo", battle: "b1.x.y.z", vote: "A" })))).toEqual(["vote"]);
  });
});
