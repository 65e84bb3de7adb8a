// Sealed text: AES-256-GCM under a key from TUNELOOP_SECRET_KEY, else one derived (HKDF-SHA256) from the auth secret.
// API keys at rest use it here; the Arena's round tokens (lib/playground/battle-token.ts) use it under their own label.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** What a sealed text is for: `version` leads the sealed string, `info` is the HKDF label, so each use has its own key. */
export type SealLabel = { version: string; info: string };

const SOURCE_KEYS: SealLabel = { version: "v1", info: "tuneloop model-source api keys v1" };

/** 32 bytes from whichever secret the deployment has; either secret changing makes sealed texts unreadable (said plainly on use). */
function boxKey(info: string): Buffer {
  const secret = env().TUNELOOP_SECRET_KEY ?? authSecret();
  return Buffer.from(hkdfSync("sha256", secret, "tuneloop", info, 32));
}

/** "<version>.<iv>.<tag>.<ciphertext>" in base64url; a fresh 12-byte IV per call, so the same key never encrypts to the same text. */
export function seal(label: SealLabel, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", boxKey(label.info), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [label.version, iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/**
 * The bytes of one base64url part, or null unless it is the canonical spelling of them. Node's decoder skips stray
 * characters and ignores the unused low bits of the last one, so without this check an altered token could decode
 * to the same bytes and be accepted.
 */
function strictBase64url(part: string): Buffer | null {
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : null;
}

/** The plain text, or null when `sealed` is not in this label's format, was altered (even by a bit the decoder ignores), or was sealed under another key. */
export function unseal(label: SealLabel, sealed: string): string | null {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== label.version) return null;
  const [iv, tag, data] = parts.slice(1).map(strictBase64url);
  if (!iv || iv.length !== 12 || !tag || tag.length !== 16 || !data) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", boxKey(label.info), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export function sealSecret(plain: string): string {
  return seal(SOURCE_KEYS, plain);
}

export function openSecret(sealed: string, sourceName: string): string {
  const plain = unseal(SOURCE_KEYS, sealed);
  if (plain === null) {
    throw new AppError(
      "conflict:source_key",
      `The API key of source "${sourceName}" cannot be decrypted: TUNELOOP_SECRET_KEY (or the auth secret) changed since it was stored. Remove the source and add it again with its key.`,
    );
  }
  return plain;
}
