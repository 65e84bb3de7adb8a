// Server error texts in the reader's language: the serverErrors templates read as ICU reads them, a message matched to
// its template and filled in Spanish or Arabic, anything else left in English, and every message the covered files can
// put in front of a person has an English template (a new message without one fails here).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { matchServerError, parseTemplate, translateFieldErrors, translateServerError, type TemplatePart } from "@/lib/i18n/server-errors";
import { locales } from "@/lib/i18n/locales";
import { HOLE, sourceMessages } from "../../helpers/server-error-sources";

const root = path.resolve(import.meta.dirname, "../../..");
type Section = Record<string, Record<string, string>>;
const sections = Object.fromEntries(
  locales.map((l) => [l, (JSON.parse(fs.readFileSync(path.join(root, "messages", `${l}.json`), "utf8")) as { serverErrors: Section }).serverErrors]),
) as Record<(typeof locales)[number], Section>;
const entries = (section: Section) => Object.entries(section).flatMap(([group, e]) => Object.entries(e).map(([key, text]) => [`${group}.${key}`, text] as const));

/** @formatjs's reading of a message in the shape parseTemplate gives: adjacent text joined, {n, number} marked. */
function formatjsParts(message: string): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const el of parse(message)) {
    if (el.type === TYPE.literal) {
      const last = out[out.length - 1];
      if (typeof last === "string") out[out.length - 1] = last + el.value;
      else out.push(el.value);
    } else if (el.type === TYPE.argument) out.push({ name: el.value, number: false });
    else if (el.type === TYPE.number && !el.style) out.push({ name: el.value, number: true });
    else throw new Error(`unsupported element in ${message}`);
  }
  return out;
}

describe("serverErrors catalogs", () => {
  it("hold a template for each of the English keys in every language", () => {
    const english = entries(sections.en).map(([k]) => k).sort();
    expect(english.length).toBeGreaterThan(200);
    for (const l of locales) expect(entries(sections[l]).map(([k]) => k).sort(), l).toEqual(english);
  });

  it.each(locales)("%s: parseTemplate reads every template as @formatjs/icu-messageformat-parser does", (locale) => {
    for (const [key, text] of entries(sections[locale])) expect(parseTemplate(text), `${locale} ${key}`).toEqual(formatjsParts(text));
  });

  it("no two English templates are the same text", () => {
    const texts = entries(sections.en).map(([, t]) => t);
    expect(new Set(texts).size).toBe(texts.length);
  });
});

describe("translateServerError", () => {
  it("matches a fixed message exactly", () => {
    expect(translateServerError("Please fix the highlighted fields.", "es")).toBe("Corrige los campos señalados.");
    expect(translateServerError("No such task.", "ar")).toBe("لا توجد مهمة كهذه.");
  });

  it("fills placeholders: numbers in the language's digits and separators, text as captured", () => {
    expect(translateServerError("minOverlap 5 is above maxOverlap 3.", "es")).toBe("minOverlap 5 es mayor que maxOverlap 3.");
    expect(translateServerError("minOverlap 5 is above maxOverlap 3.", "ar")).toBe("قيمة minOverlap ‏٥ أكبر من maxOverlap ‏٣.");
    expect(translateServerError("Category targets must sum to 1 (100%); they sum to 0.9", "es")).toBe("Los objetivos de categoría deben sumar 1 (100 %); suman 0,9");
    expect(translateServerError('Unknown category "Poetry".', "es")).toBe('Categoría desconocida: "Poetry".');
    expect(matchServerError('Queue order names "gate" twice')).toEqual({ key: "projects.queueTwice", values: { entry: "gate" } });
  });

  it("translates our own field labels inside a message, and the one most specific template wins", () => {
    expect(translateServerError("Instruction is at most 20,000 characters", "es")).toBe("La instrucción tiene como máximo 20.000 caracteres");
    expect(translateServerError("Instruction is at most 20,000 characters", "ar")).toBe("يجب ألا يتجاوز طول التعليمة ٢٠٬٠٠٠ حرف");
    expect(translateServerError("Temperature must be a number", "es")).toBe("La temperatura debe ser un número");
    expect(translateServerError('Template "plain" must contain {instruction}', "es")).toBe('La plantilla "plain" debe contener {instruction}');
    expect(translateServerError("At most 30 options", "es")).toBe("Como máximo 30 opciones");
    expect(translateServerError("Field name must not contain NUL bytes (\\u0000)", "es")).toBe("Nombre de campo: no debe contener bytes NUL (\\u0000)");
  });

  it("keeps a person's text that happens to be one of our labels", () => {
    expect(translateServerError('Unknown category "Temperature".', "es")).toBe('Categoría desconocida: "Temperature".');
  });

  it("leaves English, and messages no template matches, as they are", () => {
    expect(translateServerError("Temperature must be a number", "en")).toBe("Temperature must be a number");
    for (const m of ["Invalid input: expected string, received undefined", "", "(.*)[", "Temperature must be a number!", "minOverlap five is above maxOverlap 3."]) {
      expect(translateServerError(m, "ar")).toBe(m);
      expect(translateServerError(m, "es")).toBe(m);
    }
  });

  it("translates every message of every field", () => {
    expect(translateFieldErrors({ instruction: ["Write an instruction of at least 10 characters"], category: ["Pick a category", "???"] }, "ar")).toEqual({
      instruction: ["اكتب تعليمة من 10 أحرف على الأقل"],
      category: ["اختر فئة", "???"],
    });
  });
});

/** The files whose messages an annotator (and an admin on the project form) can meet through a server action. */
const covered: Array<[string, { returns?: boolean }?]> = [
  ["lib/actions.ts"],
  ...["rankings", "prompts", "projects", "questions", "conversations", "playground", "launchers"].map((f): [string] => [`lib/validation/${f}.ts`]),
  ...["drafts", "mine", "submit", "tasks", "routing"].map((f): [string] => [`lib/rankings/${f}.ts`]),
  ...["draft-from-seeds", "from-seed", "seed-drafts-job", "write"].map((f): [string] => [`lib/prompts/${f}.ts`]),
  ["lib/questions/check.ts", { returns: true }],
  ["lib/languages/codes.ts"],
  ["lib/languages/settings.ts"],
  ["lib/i18n/user-locale.ts"],
];

describe("every message in the covered files has an English template", () => {
  // A hole in the source stands for anything: it may fill one of the template's placeholders, never its fixed text.
  const loose = entries(sections.en).map(([, text]) => {
    const source = parseTemplate(text).map((p) => (typeof p === "string" ? p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : "[\\s\\S]*?")).join("");
    return new RegExp(`^${source}$`);
  });

  it.each(covered)("%s", (file, opts) => {
    const messages = sourceMessages(path.join(root, file), opts);
    expect(messages.length, file).toBeGreaterThan(0);
    const missing = messages.filter((m) => !loose.some((re) => re.test(m.text))).map((m) => `${m.line}: ${m.text.replaceAll(HOLE, "${…}")}`);
    expect(missing).toEqual([]);
  });

  it("finds a message written without a template", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "server-errors-")), "probe.ts");
    fs.writeFileSync(file, 'const x = z.string().min(1, "A brand new message").max(9, `Slug is at most ${n} characters`);\nthrow new AppError("bad_request:input", "Nope.", { a: ["Unknown task"] });\n');
    try {
      const texts = sourceMessages(file).map((m) => m.text).sort();
      expect(texts).toEqual(["A brand new message", "Nope.", `Slug is at most ${HOLE} characters`, "Unknown task"]);
      expect(texts.filter((t) => !loose.some((re) => re.test(t)))).toEqual(["A brand new message", "Nope."]);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true });
    }
  });
});
