// zod inputs for continuing conversations: the next user turn after a reply, or an assistant reply to a turn.
import { z } from "zod";
import { promptLimits, tooLongMessage } from "./prompts";

const turnText = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .max(max, tooLongMessage(label, max))
    .refine((s) => s.trim().length > 0, { error: `Write the ${label.toLowerCase()}` });

/** The next user turn after assistant reply `parentCompletionId`, optionally with the writer's own assistant reply to it. */
export const continueConversationInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    parentCompletionId: z.uuid({ error: "parentCompletionId must be a completion id" }),
    text: turnText("User turn", promptLimits.instruction),
    reply: z.string().max(promptLimits.demonstration, tooLongMessage("Reply", promptLimits.demonstration)).optional().default(""),
  })
  .strict();
export type ContinueConversationInput = z.infer<typeof continueConversationInput>;

/** An assistant reply (a demonstration, reviewed like any other) to user turn `promptId`. */
export const replyToTurnInput = z
  .object({
    projectSlug: z.string().min(1).max(64),
    promptId: z.uuid({ error: "promptId must be a prompt id" }),
    text: turnText("Reply", promptLimits.demonstration),
  })
  .strict();
export type ReplyToTurnInput = z.infer<typeof replyToTurnInput>;
