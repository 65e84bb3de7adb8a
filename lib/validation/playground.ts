// zod inputs for the Playground: chat with one model, start an Arena round between two, vote on it.
import { z } from "zod";

/** Longest message a person may send, and the longest conversation kept in one chat. */
export const MAX_MESSAGE_CHARS = 20_000;
export const MAX_TURNS = 40;

const projectSlug = z.string({ error: "projectSlug is required" }).min(1, "projectSlug is required").max(64, "projectSlug is at most 64 characters");

/**
 * A contender as the page names it: `version:<label>` (or `version:active`) or `source:<name>`. Version labels and
 * source names share one namespace per project (a source may not take a version's label), so the pair is unambiguous.
 */
export const contenderRef = z
  .string({ error: "Pick a model" })
  .max(80, "Unknown model")
  .regex(/^(version|source):\S{1,64}$/, "Pick a model: version:<label>, version:active or source:<name>");
export type ContenderRef = { kind: "version" | "source"; name: string };

export function parseContenderRef(ref: string): ContenderRef {
  const colon = ref.indexOf(":");
  return { kind: ref.slice(0, colon) as ContenderRef["kind"], name: ref.slice(colon + 1) };
}

/** Form fields arrive as strings: "" means the default; anything else must read as a number. */
function numberField(label: string, schema: z.ZodNumber) {
  return z.preprocess(
    (v) => (v === "" || v === null ? undefined : typeof v === "string" ? Number(v.trim()) : v),
    schema.refine(Number.isFinite, `${label} must be a number`).optional(),
  );
}

/** Sampling for this chat only; unset fields take the project's settings (versions) or the source's (sources). */
const sampling = {
  temperature: numberField("Temperature", z.number({ error: "Temperature must be a number" }).min(0, "Temperature is between 0 and 2").max(2, "Temperature is between 0 and 2")),
  maxTokens: numberField(
    "Max tokens",
    z.number({ error: "Max tokens must be a number" }).int("Max tokens must be a whole number").min(1, "Max tokens is at least 1").max(2048, "Max tokens is at most 2048"),
  ),
};

const message = z
  .string({ error: "Write a message" })
  .trim()
  .min(1, "Write a message")
  .max(MAX_MESSAGE_CHARS, `A message is at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters`);

const turn = z.object({ role: z.enum(["user", "assistant"], { error: "role must be user or assistant" }), content: message }).strict();

export const playgroundChatInput = z
  .object({
    projectSlug,
    model: contenderRef,
    system: z.string().max(MAX_MESSAGE_CHARS, `The system prompt is at most ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters`).optional(),
    messages: z
      .array(turn, { error: "messages must be a list" })
      .min(1, "Write a message")
      .max(MAX_TURNS, `A chat holds at most ${MAX_TURNS} messages; start a new one`)
      .superRefine((turns, ctx) => {
        turns.forEach((t, i) => {
          if (t.role !== (i % 2 === 0 ? "user" : "assistant")) ctx.addIssue({ code: "custom", path: [i, "role"], message: "Turns alternate, starting and ending with the user" });
        });
        if (turns.length % 2 === 0) ctx.addIssue({ code: "custom", message: "The last message must be the user's" });
      }),
    ...sampling,
  })
  .strict();
export type PlaygroundChatInput = z.infer<typeof playgroundChatInput>;

export const arenaStartInput = z
  .object({
    projectSlug,
    message,
    /** both or neither: chosen contenders; neither picks two at random */
    a: contenderRef.optional(),
    b: contenderRef.optional(),
    ...sampling,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.a !== !v.b) ctx.addIssue({ code: "custom", path: [v.a ? "b" : "a"], message: "Pick both models, or neither for a random pair" });
    if (v.a && v.a === v.b) ctx.addIssue({ code: "custom", path: ["b"], message: "Pick two different models" });
  });
export type ArenaStartInput = z.infer<typeof arenaStartInput>;

export const arenaVotes = ["a", "b", "tie", "both_bad"] as const;
export type ArenaVote = (typeof arenaVotes)[number];

export const arenaVoteInput = z
  .object({
    projectSlug,
    /** the sealed round the server handed out with the two answers (lib/playground/battle-token.ts) */
    battle: z.string({ error: "battle is required" }).min(1, "battle is required").max(400_000, "Unknown round"),
    vote: z.enum(arenaVotes, { error: "vote must be a, b, tie or both_bad" }),
  })
  .strict();
export type ArenaVoteInput = z.infer<typeof arenaVoteInput>;
