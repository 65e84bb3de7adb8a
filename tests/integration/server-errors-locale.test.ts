// Server actions answer failures in the reader's language: a person who saved Arabic (or Spanish) gets the form's
// message, field errors, lib's AppErrors and zod's own messages translated; one who saved none gets English as before.
import { expect, it, vi } from "vitest";
import { setMyLocale } from "@/lib/i18n/user-locale";
import * as annotateActions from "@/app/(annotate)/annotate/actions";
import * as projectActions from "@/app/(admin)/admin/projects/actions";
import type { Actor } from "@/lib/auth/roles";
import { makeActor } from "../helpers/actors";
import { describeEachDatabase } from "../helpers/db";
import { seedProject } from "../helpers/seed";

// Server actions read the session through next-auth; here it is whoever `session.userId` names. No request cookie or
// Accept-Language exists outside Next, so the saved language is the only one a test can set.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId } } : null),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

async function as<T>(actor: Actor, call: () => Promise<T>): Promise<T> {
  session.userId = actor.id;
  try {
    return await call();
  } finally {
    session.userId = null;
  }
}

const arabicLetters = /[\u0600-\u06FF]/;

describeEachDatabase("server errors in the reader's language", () => {
  it("Arabic: field errors, the form message and an AppError beside its field", async () => {
    await seedProject({ slug: "demo" });
    const ann = await makeActor("annotator", "Amira");
    await setMyLocale(ann, { locale: "ar" });

    const bad = await as(ann, () => annotateActions.submitPrompt({ projectSlug: "demo", instruction: "short", category: "" }));
    expect(bad).toEqual({
      ok: false,
      code: "bad_request:input",
      error: "يُرجى تصحيح الحقول المُعلَّمة.",
      fieldErrors: { instruction: ["اكتب تعليمة من 10 أحرف على الأقل"], category: ["اختر فئة"] },
    });

    const unknownCategory = await as(ann, () => annotateActions.submitPrompt({ projectSlug: "demo", instruction: "Explain recursion to a child.", category: "Poetry" }));
    expect(unknownCategory).toMatchObject({ ok: false, code: "bad_request:prompt", error: 'فئة غير معروفة: "Poetry".', fieldErrors: { category: ["اختر واحدة من: open QA, coding"] } });

    const noTask = await as(ann, () => annotateActions.skipTask({ assignmentId: "00000000-0000-4000-8000-000000000000", reason: "unclear" }));
    expect(noTask).toMatchObject({ ok: false, code: "not_found:task", error: "لا توجد مهمة كهذه.", fieldErrors: { assignmentId: ["مهمة غير معروفة"] } });

    // zod's own message (the schema sets none for projectSlug's type) comes from zod's Arabic catalog.
    const zodOwn = await as(ann, () => annotateActions.nextTask({ projectSlug: 5 }));
    expect(zodOwn.ok).toBe(false);
    const [message] = (!zodOwn.ok && zodOwn.fieldErrors?.projectSlug) || [];
    expect(message).toMatch(arabicLetters);
  });

  it("Spanish on the admin project form: labels and numbers inside messages too", async () => {
    const admin = await makeActor("admin", "Ada");
    await setMyLocale(admin, { locale: "es" });
    const res = await as(admin, () => projectActions.createProject({ slug: "new-one", name: "New", temperature: "hot", maxOverlap: "99", guidelines: "x".repeat(100_001) }));
    expect(res).toMatchObject({
      ok: false,
      error: "Corrige los campos señalados.",
      fieldErrors: {
        temperature: ["La temperatura debe ser un número"],
        maxOverlap: ["El máximo de clasificaciones por prompt es como máximo 50"],
        guidelines: ["Las pautas tienen como máximo 100.000 caracteres"],
      },
    });
  });

  it("English when nothing is saved: the messages as the code writes them", async () => {
    await seedProject({ slug: "demo" });
    const ann = await makeActor("annotator", "Ann");
    const bad = await as(ann, () => annotateActions.submitPrompt({ projectSlug: "demo", instruction: "short", category: "" }));
    expect(bad).toEqual({
      ok: false,
      code: "bad_request:input",
      error: "Please fix the highlighted fields.",
      fieldErrors: { instruction: ["Write an instruction of at least 10 characters"], category: ["Pick a category"] },
    });
    const zodOwn = await as(ann, () => annotateActions.nextTask({ projectSlug: 5 }));
    expect(!zodOwn.ok && zodOwn.fieldErrors?.projectSlug?.[0]).toMatch(/^Invalid input/);
  });
});
