// A person's UI language on a real database: saved on their own row only, read back, cleared to follow the browser again.
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { savedLocale, setMyLocale } from "@/lib/i18n/user-locale";
import { setLocaleInput } from "@/lib/validation/users";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { withInput } from "../helpers/input";

const setVia = (actor: Parameters<typeof setMyLocale>[0], raw: unknown) => withInput(setLocaleInput, raw, (input) => setMyLocale(actor, input));

describeEachDatabase("UI locale", () => {
  it("saves each person's own language and clears it", async () => {
    const ann = await makeActor("annotator", "Amira");
    const rev = await makeActor("reviewer", "Rosa");
    expect(await savedLocale(ann.id)).toBeNull();

    expect(await setVia(ann, { locale: "ar" })).toEqual({ locale: "ar" });
    expect(await setVia(rev, { locale: "es" })).toEqual({ locale: "es" });
    expect(await savedLocale(ann.id)).toBe("ar");
    expect(await savedLocale(rev.id)).toBe("es");

    expect(await setVia(ann, { locale: null })).toEqual({ locale: null });
    expect(await savedLocale(ann.id)).toBeNull();
    expect(await savedLocale(rev.id)).toBe("es");
  });

  it("refuses a language the UI lacks, naming the field, and writes nothing", async () => {
    const ann = await makeActor("annotator", "Ana");
    await setVia(ann, { locale: "es" });
    for (const locale of ["fr", "es-MX", "", 3]) {
      await expect(setVia(ann, { locale })).rejects.toMatchObject({ kind: "bad_request", fieldErrors: { locale: expect.any(Array) } });
    }
    await expect(setVia(ann, {})).rejects.toMatchObject({ fieldErrors: { locale: expect.any(Array) } });
    expect(await savedLocale(ann.id)).toBe("es");
  });

  it("reads a stored value this build does not know as none", async () => {
    const ann = await makeActor("annotator", "Old");
    await getDb().update(users).set({ locale: "fr" }).where(eq(users.id, ann.id));
    expect(await savedLocale(ann.id)).toBeNull();
  });

  it("says so when the account is gone", async () => {
    const ghost = { id: "00000000-0000-4000-8000-000000000000", email: "ghost@example.test", name: "Ghost", role: "annotator" as const, via: "session" as const };
    await expect(setMyLocale(ghost, { locale: "es" })).rejects.toMatchObject({ kind: "not_found" });
  });
});
