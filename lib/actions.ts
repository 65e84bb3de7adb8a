// defineAction(): the one wrapper every server action goes through: validate, authorize, call lib, map errors (in the reader's language).
import { z } from "zod";
import { getSessionActor, assertRole } from "@/lib/auth/session";
import type { Actor, Role } from "@/lib/auth/roles";
import { isAppError, unsafeTextErrors, zodFieldErrors, type ErrorCode, type FieldErrors } from "@/lib/errors";
import { defaultLocale, type Locale } from "@/lib/i18n/locales";
import { requestLocale } from "@/lib/i18n/request-locale";
import { translateFieldErrors, translateServerError } from "@/lib/i18n/server-errors";

/** A failed action names its code ("internal" for the unexpected, whose details stay in the server log). */
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; code: ErrorCode | "internal"; fieldErrors?: FieldErrors };

type Access = Role | "public";

/** A role-checked action gets the signed-in actor; a public one (sign-in, invite acceptance) gets null. */
export function defineAction<S extends z.ZodType, T>(opts: { input: S; role: Role }, fn: (input: z.infer<S>, actor: Actor) => Promise<T>): (raw: unknown) => Promise<ActionResult<T>>;
export function defineAction<S extends z.ZodType, T>(opts: { input: S; role: "public" }, fn: (input: z.infer<S>, actor: null) => Promise<T>): (raw: unknown) => Promise<ActionResult<T>>;
export function defineAction<S extends z.ZodType, T>(
  opts: { input: S; role: Access },
  fn: (input: z.infer<S>, actor: never) => Promise<T>,
): (raw: unknown) => Promise<ActionResult<T>> {
  return async (raw: unknown) => {
    // Read only when something failed: the person's saved language, cookie or Accept-Language (what the pages use).
    let locale: Promise<Locale> | undefined;
    const readerLocale = () => (locale ??= requestLocale().catch(() => defaultLocale));
    const result = await run(raw, readerLocale);
    return result.ok ? result : inReaderLanguage(result, await readerLocale());
  };

  async function run(raw: unknown, readerLocale: () => Promise<Locale>): Promise<ActionResult<T>> {
    try {
      let actor: Actor | null = null;
      if (opts.role !== "public") actor = assertRole(await getSessionActor(), opts.role);
      // NUL bytes and lone surrogates would reach PostgreSQL as a 500 or be saved altered.
      const unsafe = unsafeTextErrors(raw);
      if (unsafe) return { ok: false, code: "bad_request:input", error: "Please fix the highlighted fields.", fieldErrors: unsafe };
      const parsed = opts.input.safeParse(raw);
      if (!parsed.success) {
        // zod's own messages (where a schema sets none) from zod's catalog for the language; ours are translated below.
        const locale = await readerLocale();
        const error = locale === "en" ? parsed.error : (opts.input.safeParse(raw, { error: zodLocaleErrors[locale] }).error ?? parsed.error);
        const fieldErrors = zodFieldErrors(error);
        return { ok: false, code: "bad_request:input", error: "Please fix the highlighted fields.", fieldErrors };
      }
      // The overloads pair a role with Actor and "public" with null; this call hands over exactly that.
      return { ok: true, data: await fn(parsed.data, actor as never) };
    } catch (e) {
      if (isAppError(e)) return { ok: false, code: e.code, error: e.message, fieldErrors: e.fieldErrors };
      // redirect()/notFound() from inside an action must propagate to Next.
      if (e && typeof e === "object" && "digest" in e) throw e;
      console.error("[tuneloop] action failed", e);
      return { ok: false, code: "internal", error: "Something went wrong on our side. Nothing was saved." };
    }
  }
}

/** Handed to each parse, never set with z.config(): one global locale would race between requests in different languages. */
const zodLocaleErrors: Record<Exclude<Locale, "en">, z.core.$ZodErrorMap> = { es: z.locales.es().localeError, ar: z.locales.ar().localeError };

/** A failure's message and field errors in the reader's language (lib/i18n/server-errors.ts); English stays as it is. */
function inReaderLanguage<T>(result: Extract<ActionResult<T>, { ok: false }>, locale: Locale): ActionResult<T> {
  if (locale === defaultLocale) return result;
  const error = translateServerError(result.error, locale);
  return { ...result, error, ...(result.fieldErrors ? { fieldErrors: translateFieldErrors(result.fieldErrors, locale) } : {}) };
}
