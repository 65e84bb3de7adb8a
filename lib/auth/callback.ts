// Where to go after sign-in: only a path on this site (no open redirect), never back to the sign-in pages themselves.

/** The request header proxy.ts sets to the page's own path and query. */
export const PATH_HEADER = "x-tuneloop-path";

/** A host no request carries: parsing against it tells a same-origin path from anything that names another origin. */
const PROBE = "http://same-origin.invalid";
// Pages that would loop or make no sense after signing in.
const SELF = /^\/(login|setup|invite|api\/auth)(\/|$|\?)/;

/**
 * The same-origin path (with its query and hash) `raw` names, or "/" for anything else: absolute or protocol-relative
 * URLs ("//evil", "/\\evil", "https:evil"), control characters or spaces (browsers strip some before parsing), over
 * 2,000 characters, or the sign-in pages.
 */
export function safeCallbackPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  if (/[\s\\]/.test(raw) || [...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return "/";
  let url: URL;
  try {
    url = new URL(raw, PROBE);
  } catch {
    return "/";
  }
  if (url.origin !== PROBE) return "/";
  const path = url.pathname + url.search + url.hash;
  return SELF.test(path) ? "/" : path;
}

/** The sign-in page that returns to `path` afterwards. */
export function loginUrl(path: string | null | undefined): string {
  const back = safeCallbackPath(path);
  return back === "/" ? "/login" : `/login?callbackUrl=${encodeURIComponent(back)}`;
}
