"use server";
// Playground actions: a chat turn with one version or source, an Arena round between two, the vote on it.
import { defineAction } from "@/lib/actions";
import { startArenaRound, voteArenaRound } from "@/lib/playground/arena";
import { chatWithModel } from "@/lib/playground/playground";
import { arenaStartInput, arenaVoteInput, playgroundChatInput } from "@/lib/validation/playground";

export const sendChat = defineAction({ input: playgroundChatInput, role: "annotator" }, (input, actor) => chatWithModel(actor, input));

export const startArena = defineAction({ input: arenaStartInput, role: "annotator" }, (input, actor) => startArenaRound(actor, input));

export const voteArena = defineAction({ input: arenaVoteInput, role: "annotator" }, (input, actor) => voteArenaRound(actor, input));
