// next-auth's session-cookie decode, remembered per token: every request of a signed-in person sends the same cookie,
// and decrypting it costs a key derivation (HKDF) and an AES-GCM decrypt each time (~6% of a web process's CPU under
// `bench -- load`). A token's payload never changes, so only its expiry is checked again on a hit.
import { decode, type JWT, type JWTDecodeParams } from "next-auth/jwt";

/** The most tokens one process remembers; past it the oldest go first. Each entry is about 1 KB. */
const MAX_ENTRIES = 10_000;
/** jose's jwtDecrypt tolerance in next-auth's decode: a token is good until 15 s past its exp. */
const CLOCK_TOLERANCE_S = 15;

const decoded = new Map<string, { secret: JWTDecodeParams["secret"]; salt: string; payload: JWT }>();

function live(payload: JWT): boolean {
  return typeof payload.exp !== "number" || payload.exp > Date.now() / 1000 - CLOCK_TOLERANCE_S;
}

/** next-auth's decode (same secret, salt and checks); a token seen before answers from memory while it is unexpired. */
export async function decodeSessionToken(params: JWTDecodeParams): Promise<JWT | null> {
  const { token, secret, salt = "" } = params;
  if (!token) return null;
  const hit = decoded.get(token);
  if (hit && hit.secret === secret && hit.salt === salt) {
    if (live(hit.payload)) return { ...hit.payload };
    decoded.delete(token);
  }
  const payload = await decode(params);
  if (!payload) return null;
  decoded.set(token, { secret, salt, payload: { ...payload } });
  if (decoded.size > MAX_ENTRIES) decoded.delete(decoded.keys().next().value!);
  return payload;
}
