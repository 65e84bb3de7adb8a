// A prompt's language when none is declared: franc (trigram profiles, ISO 639-3) mapped to our codes (./codes.ts).
// franc is unreliable on short texts and confuses close languages, so: texts under MIN_LETTERS letters stay
// undetermined (null); the candidates are franc's languages that have an ISO 639-1 code (without this, plain English
// such as "Give three tips for staying healthy." comes back as Scots, "sco"); and a runner-up scoring within
// MARGIN of the winner (franc's scores are relative, the winner 1) leaves it undetermined too.
// Measured on 775 English instructions (AlpacaEval's 600 and the 175 Alpaca seeds) and 14 short ones in 10 other
// languages: at 30 letters and 0.1, 1.3% of the English ones get a wrong language and 40% stay undetermined, and 11 of
// the 14 others are right, none wrong; at 20 and 0.02 (the first choice) 10.8% of the English ones were wrong
// ("How did US states get their names?" → Catalan). An undetermined prompt goes to every annotator; a wrong language
// hides it from the right ones, so this errs toward undetermined. Declaring a file's language avoids both.
import { francAll } from "franc";
import { data } from "franc/data.js";
import { expressions } from "franc/expressions.js";
import { canonicalLanguage } from "./codes";

export const MIN_LETTERS = 30;
const MARGIN = 0.1;

/** franc's languages (ISO 639-3) that map to a two-letter code, and the code each maps to. */
const twoLetter = new Map<string, string>();
// Trigram profiles per script, plus the languages franc tells by their script alone (cmn, jpn, kor, ell, tha, …).
for (const iso3s of [...Object.values(data as Record<string, Record<string, unknown>>).map(Object.keys), Object.keys(expressions)]) {
  for (const iso3 of iso3s) {
    const code = canonicalLanguage(iso3);
    if (code && code.length === 2) twoLetter.set(iso3, code);
  }
}
const only = [...twoLetter.keys()];

/** The language of `text` as a code ("en", "es", "ar", "zh"), or null when too short or unsure. */
export function detectLanguage(text: string): string | null {
  // A Han, kana or Hangul character carries about a word: it counts as three letters.
  const letters = (text.match(/\p{L}/gu)?.length ?? 0) + 2 * (text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0);
  if (letters < MIN_LETTERS) return null;
  const ranked = francAll(text, { only, minLength: 1 });
  const [best, second] = ranked;
  if (!best || best[0] === "und") return null;
  if (second && second[0] !== "und" && best[1] - second[1] < MARGIN && twoLetter.get(second[0]) !== twoLetter.get(best[0])) return null;
  return twoLetter.get(best[0]) ?? null;
}
