// API keys at rest: AES-256-GCM under a key from TUNELOOP_SECRET_KEY, else one derived (HKDF-SHA256) from the auth secret.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const VERSION = "v1";
const INFO = "tuneloop model-source api keys v1";

/** 32 bytes from whichever secret the deployment has; either secret changing makes stored keys unreadable (said plainly on use). */
function boxKey(): Buffer {
  const secret = env().TUNELOOP_SECRET_KEY ?? authSecret();
  return Buffer.from(hkdfSync("sha256", secret, "tuneloop", INFO, 32));
}

/** "v1.<iv>.<tag>.<ciphertext>" in base64url; a fresh 12-byte IV per call, so the same key never encrypts to the same text. */
export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", boxKey(), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function openSecret(sealed: string, sourceName: string): string {
  const [version, iv, tag, data] = sealed.split(".");
  try {
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error("format");
    const decipher = createDecipheriv("aes-256-gcm", boxKey(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new AppError(
      "conflict:source_key",
      `The API key of source "${sourceName}" cannot be decrypted: TUNELOOP_SECRET_KEY (or the auth secret) changed since it was stored. Remove the source and add it again with its key.`,
    );
  }
}
