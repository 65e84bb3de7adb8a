// Account state (a user's row, an API token's row) kept per process for at most TUNELOOP_ACCOUNT_CACHE_MS (≤ 5 s),
// so a signed-in request costs no database round trip to learn who is asking. Changes made in this process drop
// their entries at once; other processes (`--workers N`, other machines) see a disable, role change or revoked token
// within the bound. 0 turns it off: every request re-reads the row.
import "server-only";
import { getDb } from "@/db/client";
import * as q from "@/db/queries/users";
import { env } from "@/lib/env";

/** The most entries of each kind one process keeps; past it the oldest go first. Each entry is a few hundred bytes. */
const MAX_ENTRIES = 20_000;
/** How often one process writes an API token's lastUsedAt (it is shown to the minute). */
export const TOKEN_TOUCH_MS = 60_000;

type Entry<T> = { value: Promise<T>; until: number };

class Expiring<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /** The value loaded at most ttl ms ago, else load()'s; concurrent callers share one load. A failed load is not kept. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const ttl = env().TUNELOOP_ACCOUNT_CACHE_MS;
    if (ttl === 0) return load();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (hit) this.entries.delete(key);
    const value = load();
    this.entries.set(key, { value, until: now + ttl });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  forget(key: string) {
    this.entries.delete(key);
  }

  clear() {
    this.entries.clear();
  }
}

type UserState = Awaited<ReturnType<typeof q.getUserById>>;
type TokenState = Awaited<ReturnType<typeof q.getApiTokenByHash>>;

const usersById = new Expiring<UserState>();
const tokensByHash = new Expiring<TokenState>();
const touched = new Map<string, number>();

/** The user's row as of at most the bound ago (null: no such user). */
export function userState(userId: string): Promise<UserState> {
  return usersById.get(userId, () => q.getUserById(getDb(), userId));
}

/** The API token's row as of at most the bound ago (null: unknown hash). */
export function tokenState(tokenHash: string): Promise<TokenState> {
  return tokensByHash.get(tokenHash, () => q.getApiTokenByHash(getDb(), tokenHash));
}

/** A change to this user (disabled, enabled, role) made here: the next request re-reads the row. */
export function forgetUser(userId: string) {
  usersById.forget(userId);
}

/** A token revoked here: the next request with any token re-reads its row. */
export function forgetTokens() {
  tokensByHash.clear();
}

/** Whether this process should write the token's lastUsedAt now (at most once a TOKEN_TOUCH_MS). */
export function claimTokenTouch(tokenId: string): boolean {
  const now = Date.now();
  const last = touched.get(tokenId);
  if (last !== undefined && now - last < TOKEN_TOUCH_MS) return false;
  touched.delete(tokenId);
  touched.set(tokenId, now);
  if (touched.size > MAX_ENTRIES) touched.delete(touched.keys().next().value!);
  return true;
}
