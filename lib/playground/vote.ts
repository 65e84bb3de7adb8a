// What an Arena vote means as a ranking of the two answers (pure; the leaderboard and the gate read rankings this way).
import type { ArenaVote } from "@/lib/validation/playground";

/**
 * The ranking a vote stands for, over completion ids `a` and `b`: the better one first; a tie puts both in one group;
 * "both bad" is a tie marked none acceptable (the release gate and the leaderboard count both as half a win each).
 */
export function rankingOfVote(vote: ArenaVote, a: string, b: string): { order: string[][]; noneAcceptable: boolean } {
  switch (vote) {
    case "a":
      return { order: [[a], [b]], noneAcceptable: false };
    case "b":
      return { order: [[b], [a]], noneAcceptable: false };
    case "tie":
      return { order: [[a, b]], noneAcceptable: false };
    case "both_bad":
      return { order: [[a, b]], noneAcceptable: true };
  }
}

