// An Arena round sealed for the browser: who answered on which side, and what, encrypted (AES-256-GCM) so the page
// can hold it until the vote without learning the names, and authenticated so the vote records exactly what was shown.
import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const VERSION = "b1";
const INFO = "tuneloop arena rounds v1";
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

function key(): Buffer {
  const secret = env().TUNELOOP_SECRET_KEY ?? authSecret();
  return Buffer.from(hkdfSync("sha256", secret, "tuneloop", INFO, 32));
}

/** "b1.<iv>.<tag>.<ciphertext>" in base64url. */
export function sealBattle(b: Battle): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(b), "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

/** The round, or a 400 naming `battle` when it was altered, made under another secret, or is too old. */
export function openBattle(sealed: string, now = Date.now()): Battle {
  const bad = (why: string) => new AppError("bad_request:battle", `This round cannot be voted on: ${why}. Start a new round.`, { battle: [why] });
  const [version, iv, tag, data] = sealed.split(".");
  let parsed: Battle;
  try {
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("format");
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    parsed = battle.parse(JSON.parse(plain));
  } catch {
    throw bad("it is not a round this server handed out");
  }
  if (now - parsed.createdAt > BATTLE_TTL_MS) throw bad(`it is more than ${BATTLE_TTL_MS / 3600_000} hours old`);
  return parsed;
}
