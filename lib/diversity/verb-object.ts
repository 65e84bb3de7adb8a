// An instruction's root verb and its direct object, read with compromise (as Self-Instruct's Figure 2 reads its data with a parser).
import nlp from "compromise";

export type VerbObject = { verb: string | null; object: string | null };

type Term = { text: string; normal: string; tags: string[]; pre: string; post: string; root?: string };

const stops = new Set(["Preposition", "Verb", "Conjunction", "QuestionWord", "Adverb"]);

/**
 * The root verb is the first imperative verb of the first sentence ("Write a story…" → write), in its
 * infinitive; the direct object is the head noun (the last noun, singular) of the noun phrase right after it,
 * pronouns passed over ("Give me a cooking recipe…" → recipe). An instruction with no imperative (a question,
 * "What is…") has neither, as Self-Instruct's parse keeps only verb–noun instructions. A leading word compromise
 * reads as a noun ("Brainstorm a list…") is read again with "Please" in front, where an imperative is expected; a
 * sentence that opens with a clause ("Given a set of numbers, find…") is read clause by clause.
 */
export function verbObject(instruction: string): VerbObject {
  const first = nlp(instruction.slice(0, 2000)).sentences().first().text();
  if (!first.trim()) return { verb: null, object: null };
  const found = fromSentence(first) ?? fromSentence(`Please ${first.charAt(0).toLowerCase()}${first.slice(1)}`, 1);
  if (found) return found;
  // "Given a set of numbers, find all…": the imperative opens a later clause.
  for (const clause of first.split(/[,;]\s*/).slice(1)) {
    const hit = fromSentence(clause);
    if (hit) return hit;
  }
  return { verb: null, object: null };
}

function fromSentence(sentence: string, skip = 0): VerbObject | null {
  const doc = nlp(sentence);
  doc.compute("root");
  const verbs = doc.verbs().json() as Array<{ verb: { infinitive: string; grammar: { form?: string } }; terms: Term[] }>;
  const imperative = verbs.find((v) => v.verb.grammar.form === "imperative");
  if (!imperative) return null;
  const terms = (doc.json() as Array<{ terms: Term[] }>).flatMap((s) => s.terms).slice(skip);
  const last = imperative.terms[imperative.terms.length - 1];
  const at = terms.findIndex((t) => t.normal === last.normal && t.tags.includes("Verb"));
  if (at < 0) return null;
  const verb = imperative.verb.infinitive.toLowerCase();
  let head: Term | null = null;
  for (const t of terms.slice(at + 1)) {
    if (t.tags.some((tag) => stops.has(tag))) break;
    if (t.tags.includes("Noun") && !t.tags.includes("Pronoun")) head = t;
    if (/[,.;:!?]/.test(t.post)) break;
  }
  return { verb, object: head ? singular(head) : null };
}

function singular(t: Term): string {
  const word = (t.root ?? t.normal).replace(/'s$/, "");
  return t.tags.includes("Plural") ? nlp(word).nouns().toSingular().text().toLowerCase() || word : word;
}
