// Language codes and detection (lib/languages): canonical codes from ICU's aliases, refusals, and when detection abstains.
import { describe, expect, it } from "vitest";
import { canonicalLanguage, languageListInput } from "@/lib/languages/codes";
import { detectLanguage } from "@/lib/languages/detect";

describe("language codes", () => {
  it("canonicalizes ISO 639-3 and BCP-47 tags to the primary subtag, two letters where one exists", () => {
    expect(["en", "EN", "spa", "arb", "cmn", "pt-BR", "zh_Hant", "pes", "nob"].map(canonicalLanguage)).toEqual(["en", "en", "es", "ar", "zh", "pt", "zh", "fa", "nb"]);
    // No ISO 639-1 code: kept as ISO 639-3.
    expect(canonicalLanguage("fil")).toBe("fil");
  });

  it("refuses what names no language", () => {
    for (const bad of ["xx", "zz", "und", "qaa", "e", "english", "Spanish", "", "en-", "12"]) expect(canonicalLanguage(bad)).toBeNull();
  });

  it("reads a list or a comma string, deduplicated after canonicalizing, and names the bad entry", () => {
    expect(languageListInput.parse("spa, es ,AR")).toEqual(["es", "ar"]);
    expect(languageListInput.parse([])).toEqual([]);
    const bad = languageListInput.safeParse(["en", "xx"]);
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual([1]);
  });
});

describe("language detection", () => {
  it("detects clear texts", () => {
    expect(detectLanguage("¿Cuál es la capital de Francia? Explica brevemente su historia.")).toBe("es");
    expect(detectLanguage("Écrivez un court poème sur la mer et le vent du soir.")).toBe("fr");
    expect(detectLanguage("اكتب قصيدة قصيرة عن البحر والرياح في المساء")).toBe("ar");
    expect(detectLanguage("写一首关于大海的短诗，描述傍晚的风。")).toBe("zh");
    expect(detectLanguage("Explain the difference between weather and climate in a few sentences for a child.")).toBe("en");
  });

  it("abstains on short texts and close calls instead of guessing", () => {
    expect(detectLanguage("Hola")).toBeNull();
    expect(detectLanguage("Sort the list: 3, 1, 2")).toBeNull();
    // AlpacaEval's "How did US states get their names?": Catalan at the first thresholds (20 letters, 0.02), now too short.
    expect(detectLanguage("How did US states get their names?")).toBeNull();
    expect(detectLanguage("Describe the structure of an atom.")).toBeNull();
    // franc alone says Scots (sco); among languages with an ISO 639-1 code Danish 1 and Norwegian 0.980 (English 0.898): within 2%, so none.
    expect(detectLanguage("Give three tips for staying healthy.")).toBeNull();
    // Catalan 1, Galician 0.995, Portuguese 0.96: not guessed.
    expect(detectLanguage("Escreva um pequeno poema sobre o mar ao entardecer.")).toBeNull();
  });
});
