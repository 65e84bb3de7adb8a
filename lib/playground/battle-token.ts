// An Arena round sealed for the browser: who answered on which side, and what, encrypted (AES-256-GCM) so the page
// can hold it until the vote without learning the names, and authenticated so the vote records exactly what was shown.
import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { seal, unseal, type SealLabel } from "@/lib/sources/secret-box";

/** Sealed by the secret box under the Arena's own key label. */
const ROUNDS: SealLabel = { version: "b1", info: "tuneloop arena rounds v1" };
/** A round can be voted on for this long after its answers were written. */
export const BATTLE_TTL_MS = 24 * 3600_000;

const side = z.object({ kind: z.enum(["version", "source"]), id: z.uuid(), name: z.string(), reply: z.string() });
const battle = z.object({
  /** random; the vote's idempotency key, so one round stores at most one ranking */
  id: z.uuid(),
  projectId: z.uuid(),
  userId: z.uuid(),
  message: z.string(),
  a: side,
  b: side,
  /** ms since the epoch */
  createdAt: z.number(),
});
export type Battle = z.infer<typeof battle>;
export type BattleSide = z.infer<typeof side>;

/** "b1.<iv>.<tag>.<ciphertext>" in base64url. */
export function sealBattle(b: Battle): string {
  return seal(ROUNDS, JSON.stringify(b));
}

/** The round, or a 400 naming `battle` when it was altered, made under another secret, or is too old. */
export function openBattle(sealed: string, now = Date.now()): Battle {
  const bad = (why: string) => new AppError("bad_request:battle", `This round cannot be voted on: ${why}. Start a new round.`, { battle: [why] });
  const plain = unseal(ROUNDS, sealed);
  let parsed: Battle;
  try {
    if (plain === null) throw new Error("unsealed");
    parsed = battle.parse(JSON.parse(plain));
  } catch {
    throw bad("it is not a round this server handed out");
  }
  if (now - parsed.createdAt > BATTLE_TTL_MS) throw bad(`it is more than ${BATTLE_TTL_MS / 3600_000} hours old`);
  return parsed;
}
