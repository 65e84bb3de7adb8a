// PII at export: each text with hits no reviewer cleared is redacted ("[EMAIL]" …) or its prompt or output left out, by project setting.
import "server-only";
import type { DbOrTx } from "@/db/client";
import type { CursorPrompt } from "@/db/queries/exports";
import * as qs from "@/db/queries/screenings";
import type { Project, ScreeningHit } from "@/db/schema";
import { REDACTION, redactPii, type PiiHit } from "./pii";

export type PiiPolicy = "redact" | "exclude";
/** What the manifest records: the policy and what it changed. */
export type ScreeningSummary = { pii: PiiPolicy; textsWithPii: number; redactedTexts: number; excludedPrompts: number; excludedOutputs: number };

const hitsOf = (hits: ScreeningHit[], field: ScreeningHit["field"]): PiiHit[] => hits.filter((h) => h.field === field).map(({ kind, start, end, text }) => ({ kind: kind as PiiHit["kind"], start, end, text }));

/**
 * Reads the project's open PII hits once (memory grows with the number of texts that have hits, not with the project)
 * and returns the step that treats each prompt the export reads: `apply` gives the prompt as it may be written, or null
 * when the policy leaves it out.
 */
export async function openExportScreening(tx: DbOrTx, project: Project, cutoff: Date) {
  const policy: PiiPolicy = project.settings.pii ?? "redact";
  const byTarget = new Map<string, ScreeningHit[]>();
  for (const r of await qs.listExportPiiHits(tx, { projectId: project.id, cutoff })) {
    byTarget.set(`${r.targetType}:${r.targetId}`, typeof r.pii === "string" ? (JSON.parse(r.pii) as ScreeningHit[]) : r.pii);
  }
  const summary: ScreeningSummary = { pii: policy, textsWithPii: byTarget.size, redactedTexts: 0, excludedPrompts: 0, excludedOutputs: 0 };
  const redact = (text: string, hits: PiiHit[]) => {
    if (!hits.length) return text;
    summary.redactedTexts += 1;
    return redactPii(text, hits);
  };
  /** An earlier turn's texts: its user text joins instruction and input, so its hits are replaced by their text, wherever it occurs. */
  const byText = (text: string, hits: ScreeningHit[] | undefined) => {
    if (!hits?.length) return text;
    summary.redactedTexts += 1;
    return hits.reduce((t, h) => t.split(h.text).join(REDACTION[h.kind as PiiHit["kind"]] ?? "[PII]"), text);
  };
  const historyHits = (p: CursorPrompt) => (p.conversation?.turns ?? []).some((t) => byTarget.has(`prompt:${t.promptId}`) || byTarget.has(`completion:${t.completionId}`));
  function apply(p: CursorPrompt): CursorPrompt | null {
    if (!byTarget.size) return p;
    const promptHits = byTarget.get(`prompt:${p.id}`);
    if (policy === "exclude") {
      // A later turn's rows carry the whole history: hits in any earlier turn leave it out too.
      if (promptHits || historyHits(p)) {
        summary.excludedPrompts += 1;
        return null;
      }
      const kept = p.completions.filter((c) => !byTarget.has(`completion:${c.id}`));
      summary.excludedOutputs += p.completions.length - kept.length;
      return kept.length === p.completions.length ? p : { ...p, completions: kept };
    }
    return {
      ...p,
      conversation:
        p.conversation && historyHits(p)
          ? { ...p.conversation, turns: p.conversation.turns.map((t) => ({ ...t, user: byText(t.user, byTarget.get(`prompt:${t.promptId}`)), assistant: byText(t.assistant, byTarget.get(`completion:${t.completionId}`)) })) }
          : p.conversation,
      instruction: promptHits ? redact(p.instruction, hitsOf(promptHits, "instruction")) : p.instruction,
      input: promptHits && p.input !== null ? redact(p.input, hitsOf(promptHits, "input")) : p.input,
      completions: p.completions.map((c) => {
        const hits = byTarget.get(`completion:${c.id}`);
        return hits ? { ...c, text: redact(c.text, hitsOf(hits, "text")) } : c;
      }),
    };
  }
  return { apply, summary };
}
