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

  it("translates the admin's and the lib's messages: runs, base models, sources, webhooks, the Playground's rounds", () => {
    expect(translateServerError("SmolLM2 is a failed import: pick a ready one.", "es")).toBe("La importación de SmolLM2 falló: elige uno que esté listo.");
    expect(translateServerError("SmolLM2 is still importing.", "ar")).toBe("لا يزال SmolLM2 قيد الاستيراد.");
    expect(translateServerError("Retries is at most 10", "es")).toBe("El número de reintentos es como máximo 10");
    expect(translateServerError("A project has at most 20 webhooks; remove one first.", "ar")).toBe("للمشروع ٢٠ webhook بحد أقصى؛ أزِل واحدًا أولًا.");
    expect(translateServerError("This round cannot be voted on: it is more than 24 hours old. Start a new round.", "es")).toBe("No se puede votar en esta ronda: tiene más de 24 horas. Empieza una ronda nueva.");
    expect(translateServerError("LoRA needs a Llama-family base (Llama, Qwen2, Mistral): the tiny preset is GPT-2-shaped. Fine-tune it fully, or start from an imported Llama-family model.", "es")).toBe(
      "LoRA necesita una base de la familia Llama (Llama, Qwen2, Mistral): el preajuste tiny tiene la forma de GPT-2. Ajústala por completo o parte de un modelo importado de la familia Llama.",
    );
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

/**
 * The files whose messages can reach a server action's result: every zod input in lib/validation, every lib file that
 * throws an AppError (found afresh each run, so a new file is covered the day it appears), and those that hand messages
 * on without throwing one (defineAction itself, a source's failure that the Playground quotes, a checker's answers, the run contract's
 * hyperparameters that lib/validation/runs.ts validates the retrain form with).
 * Options say where a file's messages sit beyond the usual positions.
 */
function libFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? libFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : []));
}
const options: Record<string, { returns?: boolean; variables?: string[] }> = {
  "lib/questions/check.ts": { returns: true },
  "lib/runs/run-checks.ts": { variables: ["message", "missing", "what"] },
  "lib/sources/chat-client.ts": { variables: ["hint"] },
};
/** Covered files that hold no message literal of their own, and why; the test checks they still hold none. */
const noLiterals: Record<string, string> = {
  "lib/validation/languages.ts": "reuses lib/languages/codes.ts's input",
  "lib/validation/run-progress.ts": "re-exports the run pages' progress reader from trainer/protocol.ts (covered): nothing a person types",
  "lib/validation/runs-finetune.ts": "re-exports the LoRA and pilot schemas from trainer/protocol.ts (covered)",
};
/** Messages left without a template, and why (the source's `${…}` written as in the file). */
const exceptions: Record<string, Record<string, string>> = {
  "lib/errors.ts": {
    "Invalid input: ${…}":
      "parseInput's one-line summary for jobs, the API and the CLI: its tail is the field errors joined (\"field: message; …\"), each translated on its own in fieldErrors; an \"Invalid input: {x}\" template would also half-translate zod's own \"Invalid input: expected …\"",
  },
};
const covered = [
  ...new Set([
    ...libFiles("lib/validation"),
    ...libFiles("lib").filter((f) => /\bAppError\(/.test(fs.readFileSync(path.join(root, f), "utf8"))),
    "lib/actions.ts",
    "lib/openai/respond.ts",
    "lib/sources/chat-client.ts",
    "trainer/protocol.ts",
    "lib/questions/check.ts",
    "lib/languages/codes.ts",
  ]),
].sort();

describe("every message in the covered files has an English template", () => {
  // A hole in the source stands for anything: it may fill one of the template's placeholders, never its fixed text.
  const loose = entries(sections.en).map(([, text]) => {
    const source = parseTemplate(text).map((p) => (typeof p === "string" ? p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : "[\\s\\S]*?")).join("");
    return new RegExp(`^${source}$`);
  });

  it("covers lib/validation and every file that throws an AppError", () => {
    expect(covered.length).toBeGreaterThan(60);
    expect(covered).toEqual(expect.arrayContaining(["lib/actions.ts", "lib/validation/webhooks.ts", "lib/runs/runs.ts", "lib/auth/accounts.ts", "lib/generation-pool/pool.ts"]));
  });

  it.each(covered)("%s", (file) => {
    const messages = sourceMessages(path.join(root, file), options[file]);
    if (file in noLiterals) expect(messages.map((m) => m.text), noLiterals[file]).toEqual([]);
    else expect(messages.length, file).toBeGreaterThan(0);
    const allowed = exceptions[file] ?? {};
    const missing = messages
      .map((m) => ({ ...m, text: m.text.replaceAll(HOLE, "${…}"), raw: m.text }))
      .filter((m) => !(m.text in allowed) && !loose.some((re) => re.test(m.raw)))
      .map((m) => `${m.line}: ${m.text}`);
    for (const text of Object.keys(allowed)) expect(messages.map((m) => m.text.replaceAll(HOLE, "${…}")), `exception still in ${file}`).toContain(text);
    expect(missing).toEqual([]);
  });

  it("reads a span that picks between literals as one message each, and named variables where asked", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "server-errors-")), "probe.ts");
    fs.writeFileSync(file, 'throw new AppError("x", `${m} is ${ok ? "ready" : (`${n} hours old`)}.`);\nconst message = `Too big: ${n}`;\n');
    try {
      expect(sourceMessages(file).map((m) => m.text)).toEqual([`${HOLE} is ready.`, `${HOLE} is ${HOLE} hours old.`]);
      expect(sourceMessages(file, { variables: ["message"] }).map((m) => m.text)).toContain(`Too big: ${HOLE}`);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true });
    }
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
